"""The pages staff read: responses, one response, results, free text, the audit log.

Each view gathers its data as plain JSON-ready values and hands it to `page`,
which renders the template or, at the same address + .json, returns the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from aiohttp import web

from bot.review import filters as chosen_filters
from bot.review import words
from bot.review.breakdowns import ratings_by_group_chart, representation_chart
from bot.review.filters import Chosen, FilterError
from bot.review.results import Chart, Split, build
from bot.review.site import Site, database, page, require, site, url, whole_number
from bot.review.weighted import Given, given, weigh
from bot.review.weighted import value_counts as weighted_counts
from bot.review.weighted import value_counts_by as weighted_counts_by
from bot.review.weighting import Raking, effective_size
from storage import audit as audit_log
from storage import queries
from storage import results as stored
from storage.database import Database
from storage.errors import RecordNotFound
from storage.models import Answer, ResponseStatus
from storage.queries import ResponseRecord
from storage.results import Funnel, ResponseFilter, ValueCount

COMPLETED = ResponseStatus.COMPLETED.value
WEIGHTED = "Weighted to the population by district, age band and sex."
NOT_WEIGHTED = "Not weighted: these count people, not their views."

EXPORT_FORMATS = {
    "csv": "CSV",
    "xlsx": "Excel",
    "sav": "SPSS",
    "json": "JSON lines (everything)",
}


@dataclass(frozen=True)
class Results:
    """The results page's charts, and how they were counted."""

    charts: list[Chart]
    responses: int
    weighted: bool
    raking: Raking | None


async def home(request: web.Request) -> web.StreamResponse:
    """The site's front door: the list of responses."""
    raise web.HTTPSeeOther(url(request, "responses"))


def chosen(request: web.Request) -> Chosen:
    """The filters in the query string; 400 with the reason if one makes no sense."""
    here = site(request)
    try:
        return chosen_filters.parse(request.query, here.questions, timezone=here.config.timezone)
    except FilterError as error:
        raise web.HTTPBadRequest(text=str(error)) from error


# Far past any real page or row, and inside the 32-bit id columns PostgreSQL has.
MAX_PAGE = 1_000_000
MAX_ROW_ID = 2**31 - 1


def page_number(request: web.Request) -> int:
    """The page asked for, from 1."""
    return max(whole_number(request.query.get("page"), "page", default=1, maximum=MAX_PAGE), 1)


async def filter_options(request: web.Request) -> dict[str, Any]:
    """What the filter form offers."""
    db = database(request)
    questions = site(request).questions
    return {
        "surveys": await stored.surveys(db),
        "channels": await stored.channels(db),
        "questions": [
            {"id": c["question"], "label": c["label"], "values": c["values"]}
            for c in questions.filterable()
            if c["question"] not in chosen_filters.RESERVED
        ],
    }


async def responses(request: web.Request) -> web.StreamResponse:
    """The responses, newest first, a page at a time, with counts at the top."""
    require(request, "read")
    picked = chosen(request)
    db = database(request)
    size = site(request).config.page_size
    counts = await stored.count_by_status(db, filters=picked.filters)
    total = sum(counts.values())
    number = page_number(request)
    found = await stored.find_responses(
        db, filters=picked.filters, limit=size, offset=(number - 1) * size
    )
    query = picked.describe()
    data = {
        "survey": site(request).questions.survey,
        "filters": query,
        "counts": {"total": total, **counts},
        "page": number,
        "pages": max(math.ceil(total / size), 1),
        "responses": [_summary(request, r) for r in found],
        "exports": {f: url(request, "export", query, format=f) for f in EXPORT_FORMATS},
    }
    data["options"] = await filter_options(request)
    return page(request, "responses.html", data)


def _summary(request: web.Request, record: ResponseRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "reference": record.reference,
        "survey": record.survey_id,
        "status": record.status,
        "channel": record.channel,
        "flags": record.flags,
        "answers": sum(1 for a in record.answers if a.value is not None),
        "started_at": record.started_at,
        "completed_at": record.completed_at,
        "url": url(request, "response", id=str(record.id)),
    }


async def response(request: web.Request) -> web.StreamResponse:
    """One response: its answers next to the whole conversation."""
    user = require(request, "read")
    db = database(request)
    response_id = whole_number(request.match_info["id"], "The response number", maximum=MAX_ROW_ID)
    try:
        record = await queries.get_response(db, response_id=response_id)
        lines = await queries.transcript(db, response_id=response_id)
    except RecordNotFound as error:
        raise web.HTTPNotFound(text="There is no such response.") from error
    # The reference code, which staff and residents quote; a response not completed has none.
    await audit_log.record(
        db,
        staff_email=user.email,
        action="view_response",
        detail={"reference": record.reference or "(not completed)"},
    )
    data = {
        "response": {**_summary(request, record), "last_question": record.last_question},
        "answers": [_answer(request, a) for a in record.answers],
        "transcript": [
            {"sender": line.sender, "text": line.text, "channel": line.channel, "at": line.at}
            for line in lines
        ],
    }
    return page(request, "response.html", data)


def _answer(request: web.Request, answer: Answer) -> dict[str, Any]:
    """An answer with the question's label and the answer's label, as staff read them."""
    name = f"{answer.question_id}[{answer.item}]" if answer.item else answer.question_id
    column = site(request).questions.column(name) or {}
    values: dict[str, str] = column.get("values", {})
    if answer.value is None:
        shown = "Skipped"
    elif isinstance(answer.value, list):
        shown = "; ".join(values.get(str(v), str(v)) for v in answer.value)
    else:
        shown = values.get(str(answer.value), str(answer.value))
    return {
        "question": answer.question_id,
        "item": answer.item,
        "label": column.get("label", name),
        "value": answer.value,
        "shown": shown,
        "typed": answer.raw,
        "answered_at": answer.answered_at,
    }


def results_chosen(request: web.Request) -> tuple[Chosen, ResponseFilter]:
    """The results' filters (completed responses only unless status is given), and the
    filters as given."""
    picked = chosen(request)
    everyone = picked.filters
    if picked.values.get("status"):
        return picked, everyone
    return Chosen(replace(everyone, status=COMPLETED), picked.values), everyone


def results_key(picked: Chosen) -> str:
    """The filters as one text, to find a results page's charts again."""
    return "&".join(f"{name}={value}" for name, value in sorted(picked.describe().items()))


async def charts_for(request: web.Request, picked: Chosen, only: str | None = None) -> Results:
    """The results' charts for these filters (only the one wanted, when `only` is given)."""
    return await results_for(site(request), database(request), picked, only)


async def results_for(here: Site, db: Database, picked: Chosen, only: str | None = None) -> Results:
    """`charts_for` without a request: for the site's pages and the summary report."""
    filters = picked.filters
    # How far people got counts everyone the other filters pick, whatever their status.
    everyone = replace(filters, status=None)
    weighted = picked.values.get("weighted") == "yes" and bool(here.population.margins)
    funnel = await stored.funnel(db, filters=everyone)
    counts = await stored.value_counts(db, filters=filters)
    groups = [q for q in here.config.breakdowns if here.questions.column(q) is not None]
    wanted = only is None or only.startswith(("per-option-", "represent-")) or weighted
    records = await stored.find_responses(db, filters=filters) if wanted else []
    answers = [given(record) for record in records]
    raking = weigh(answers, here.population) if weighted or only is None else None
    weights = raking.weights if weighted and raking else [1.0] * len(records)
    shown = weighted_counts(records, weights) if weighted else counts
    total = sum(funnel_counts(funnel, filters))
    breakdowns = {}
    for question_id in groups:
        if only is not None and only != f"by-{question_id}":
            continue
        raw = await stored.value_counts_by(db, filters=filters, group_question=question_id)
        split = weighted_counts_by(records, weights, question_id) if weighted else raw
        breakdowns[question_id] = Split(split, raw, total)
    charts = build(here.questions, shown, funnel, breakdowns, raw_counts=counts)
    charts += group_charts(here, groups, answers, weights, counts, shown if weighted else None)
    if weighted:
        for chart in charts:
            if not chart.id.startswith("represent-"):  # those show both, side by side
                counted = chart.id in ("funnel", "stopped")
                chart.notes.append(NOT_WEIGHTED if counted else WEIGHTED)
    return Results(charts, total, weighted, raking)


def funnel_counts(funnel: Funnel, filters: ResponseFilter) -> list[int]:
    """The responses the results count: by status, as the filters pick them."""
    by_status = {
        COMPLETED: funnel.completed,
        ResponseStatus.ABANDONED.value: funnel.abandoned,
        ResponseStatus.IN_PROGRESS.value: funnel.in_progress,
    }
    if filters.status:
        return [by_status.get(filters.status, 0)]
    return list(by_status.values())


def group_charts(
    here: Site,
    groups: list[str],
    answers: list[Given],
    weights: list[float],
    raw: list[ValueCount],
    weighted: list[ValueCount] | None,
) -> list[Chart]:
    """Who responded against the population, and each way of contact's ratings by group."""
    questions = here.questions
    margins = {m.question: m for m in here.population.margins.values()}
    charts = []
    for question_id in groups:
        column = questions.column(question_id)
        if column is not None:
            charts.append(representation_chart(column, margins.get(question_id), raw, weighted))
    for question_id in groups:
        column = questions.column(question_id)
        for scale in questions.looped("scale").values():
            if column is not None:
                charts.append(ratings_by_group_chart(questions, column, scale, answers, weights))
    return charts


async def results(request: web.Request) -> web.StreamResponse:
    """Counts, percentages and charts for every question, weighted or not."""
    require(request, "read")
    picked, _ = results_chosen(request)
    found = await charts_for(request, picked)
    query = picked.describe()
    site(request).recent.keep(results_key(picked), found.charts)
    population = site(request).population
    weighting: dict[str, Any] = {
        "available": bool(population.margins),
        "weighted": found.weighted,
        "population": population.about(),
    }
    if found.raking is not None:
        weighting |= {
            "effective_size": round(effective_size(found.raking.weights), 1),
            "converged": found.raking.converged,
            "empty": {
                site(request).questions.label(q): [
                    (site(request).questions.column(q) or {}).get("values", {}).get(c, c)
                    for c in categories
                ]
                for q, categories in found.raking.empty.items()
            },
        }
    flipped = {**query, "weighted": "" if found.weighted else "yes"}
    data = {
        "survey": site(request).questions.survey,
        "filters": query,
        "responses": found.responses,
        "completed_only": not picked.values.get("status"),
        "weighting": weighting,
        "switch": url(request, "results", flipped),
        "tables": url(request, "results_tables", query),
        "charts": [
            {
                **c.as_json(),
                "image": url(request, "chart", query, chart=c.id),
                "switch": url(request, "results", flipped) + f"#chart-{c.id}",
            }
            for c in found.charts
        ],
    }
    data["options"] = await filter_options(request)
    return page(request, "results.html", data)


async def free_text(request: web.Request) -> web.StreamResponse:
    """Typed answers to one question, searchable, with the words and phrases used most."""
    require(request, "read")
    picked = chosen(request)
    questions = site(request).questions
    choices = [
        {"id": c["question"], "label": questions.label(c["question"])}
        for c in questions.free_text()
    ]
    question_id = request.query.get("question") or (choices[0]["id"] if choices else "")
    if choices and question_id not in {c["id"] for c in choices}:
        raise web.HTTPBadRequest(text="There is no free-text question with that name.")
    search = request.query.get("search", "").strip()
    db = database(request)
    size = site(request).config.page_size
    number = page_number(request)
    everything, total = await stored.free_text(
        db, filters=picked.filters, question_id=question_id, search=search or None
    )
    start = (number - 1) * size
    shown = everything[start : start + size]
    query = picked.describe()
    # Beside each answer, what the same resident said next about it: the follow-up, "why".
    column = questions.column(question_id) or next(
        (c for c in questions.columns if c["question"] == question_id), {}
    )
    beside = [str(q) for q in column.get("goes_with", [])]
    said_next = await stored.typed_answers(
        db, response_ids=[a.response_id for a in shown], question_ids=beside
    )
    follow_up = None
    more = questions.follow_up_of(question_id)
    if more:
        asked, answered = await stored.asked_and_answered(
            db, filters=picked.filters, question_id=more
        )
        follow_up = {"asked": asked, "answered": answered, "id": more}
    data = {
        "survey": questions.survey,
        "filters": query,
        "questions": choices,
        "question": question_id,
        "search": search,
        "total": total,
        "page": number,
        "pages": max(math.ceil(total / size), 1),
        "answers": [
            {
                "response": a.response_id,
                "reference": a.reference,
                "item": questions.item_label(a.item) if a.item else "",
                "text": a.text,
                "answered_at": a.answered_at,
                "url": url(request, "response", id=str(a.response_id)),
                "then": [
                    {"question": questions.label(q), "text": said_next[key]}
                    for q in beside
                    for key in [(a.response_id, q, a.item)]
                    if key in said_next
                ],
            }
            for a in shown
        ],
        **words.frequent(a.text for a in everything),
        "follow_up": follow_up,
    }
    data["options"] = await filter_options(request)
    return page(request, "free_text.html", data)


async def audit(request: web.Request) -> web.StreamResponse:
    """The audit log, newest first (admins only; nobody can change it)."""
    require(request, "audit")
    size = site(request).config.page_size
    number = page_number(request)
    who = request.query.get("staff", "").strip().lower() or None
    action = request.query.get("action", "").strip() or None
    found = await audit_log.list_entries(
        database(request), staff_email=who, action=action, limit=size, offset=(number - 1) * size
    )
    data = {
        "who": who or "",
        "action": action or "",
        "total": found.total,
        "page": number,
        "pages": max(math.ceil(found.total / size), 1),
        "entries": [
            {"at": e.at, "staff": e.staff_email, "action": e.action, "detail": e.detail}
            for e in found.entries
        ],
    }
    return page(request, "audit.html", data)
