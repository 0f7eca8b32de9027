"""The themes pages: what residents said to each free-text question, grouped.

Anyone who can read responses sees the themes, with counts, shares and three
quotes each. Changing them (finding themes, sorting new answers, renaming,
approving, merging, splitting, deleting, moving an answer) needs the "themes"
permission; every change is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.review.auth import check_csrf
from bot.review.config import Questions
from bot.review.site import (
    PERMISSIONS,
    THEMER,
    database,
    page,
    read_form,
    require,
    site,
    staff,
    url,
    whole_number,
)
from bot.review.theme_groups import theme_groups
from bot.review.themer import NothingToDo, Question, Themer, rescore, sort_new_answers
from bot.review.themer import find_themes as find
from bot.review.themer import split_theme as split
from storage import audit
from storage import themes as stored
from storage.database import Database
from storage.errors import RecordNotFound
from storage.models import Theme, ThemeStatus
from storage.themes import TextAnswer, ThemeConflict, ThemeSet

# The largest id a PostgreSQL id column (32-bit) holds.
MAX_ID = 2**31 - 1
LONGEST_LABEL = 80
QUOTES = 3
# Answers listed on the question's page in each list of answers without a theme.
LISTED = 50
NO_MODEL = "Finding themes is not set up on this server. Ask whoever runs it to turn it on."


def _question(request: web.Request) -> Question:
    """The question in the address; 404 if the survey has no such free-text question."""
    question_id = request.match_info["question"]
    if question_id not in {c["question"] for c in site(request).questions.free_text()}:
        raise web.HTTPNotFound(text="There is no free-text question with that name.")
    return Question(site(request).questions.survey, question_id)


def _themer(request: web.Request) -> Themer:
    source = request.config_dict.get(THEMER)
    if source is None:
        raise web.HTTPConflict(text=NO_MODEL)
    return source()


async def first_question(request: web.Request) -> web.StreamResponse:
    """The themes of the survey's first free-text question."""
    require(request, "read")
    choices = site(request).questions.free_text()
    if not choices:
        raise web.HTTPNotFound(text="This survey has no free-text questions.")
    raise web.HTTPSeeOther(url(request, "themes", question=choices[0]["question"]))


async def question_page(request: web.Request) -> web.StreamResponse:
    """A question's themes with counts, shares and quotes, and the answers in none."""
    user = require(request, "read")
    question = _question(request)
    db = database(request)
    answers = await stored.text_answers(
        db, survey_id=question.survey_id, question_id=question.question_id
    )
    current = await stored.theme_set(
        db, survey_id=question.survey_id, question_id=question.question_id
    )
    by_id = {a.answer_id: a for a in answers}
    themed = {a for a in by_id if current.themes_of(a)}
    new = [a for a in answers if a.answer_id not in current.looked_at]
    in_none = [a for a in answers if a.answer_id in current.looked_at and a.answer_id not in themed]
    questions = site(request).questions
    data = {
        "survey": question.survey_id,
        "question": question.question_id,
        "label": questions.label(question.question_id),
        "questions": [
            {
                "id": c["question"],
                "label": questions.label(c["question"]),
                "url": url(request, "themes", question=c["question"]),
            }
            for c in questions.free_text()
        ],
        "answers": len(answers),
        "themed": len(themed),
        "themes": [_theme(request, t, current, by_id, len(answers)) for t in current.themes],
        "new": {"count": len(new), "answers": [_answer(request, a) for a in new[:LISTED]]},
        "in_no_theme": {
            "count": len(in_none),
            "answers": [_answer(request, a) for a in in_none[:LISTED]],
        },
        "can_change": "themes" in _can(user.role),
    }
    here = site(request)
    weighted = request.query.get("weighted") == "yes" and bool(here.population.margins)
    address = url(request, "themes", question=question.question_id)
    data |= {
        "by_group": await theme_groups(
            here, db, answers=answers, current=current, weighted=weighted
        ),
        "weighted": weighted,
        "weighted_url": f"{address}?weighted=yes" if here.population.margins else "",
        "unweighted_url": address,
    }
    return page(request, "themes.html", data)


def _can(role: str) -> frozenset[str]:
    return PERMISSIONS.get(role, frozenset())


def _theme(
    request: web.Request,
    theme: Theme,
    current: ThemeSet,
    by_id: dict[int, TextAnswer],
    total: int,
) -> dict[str, Any]:
    assert theme.id is not None
    members = [m for m in current.in_theme(theme.id) if m.answer_id in by_id]
    return {
        "id": theme.id,
        "label": theme.label,
        "status": theme.status,
        "count": len(members),
        "share": round(100 * len(members) / total, 1) if total else 0.0,
        "quotes": [_answer(request, by_id[m.answer_id]) for m in members[:QUOTES]],
        "url": url(request, "theme", question=theme.question_id, theme=str(theme.id)),
    }


def _answer(request: web.Request, answer: TextAnswer) -> dict[str, Any]:
    return {
        "id": answer.answer_id,
        "text": answer.text,
        "reference": answer.reference or str(answer.response_id),
        "url": url(request, "response", id=str(answer.response_id)),
    }


async def theme_page(request: web.Request) -> web.StreamResponse:
    """Every answer in one theme, with a way to move each."""
    user = require(request, "read")
    question = _question(request)
    db = database(request)
    theme = await _stored_theme(request, question)
    answers = await stored.text_answers(
        db, survey_id=question.survey_id, question_id=question.question_id
    )
    current = await stored.theme_set(
        db, survey_id=question.survey_id, question_id=question.question_id
    )
    by_id = {a.answer_id: a for a in answers}
    assert theme.id is not None
    data = {
        **_theme(request, theme, current, by_id, len(answers)),
        "question": question.question_id,
        "question_label": site(request).questions.label(question.question_id),
        "back": url(request, "themes", question=question.question_id),
        "members": [
            _answer(request, by_id[m.answer_id])
            for m in current.in_theme(theme.id)
            if m.answer_id in by_id
        ],
        "others": [{"id": t.id, "label": t.label} for t in current.themes if t.id != theme.id],
        "can_change": "themes" in _can(user.role),
    }
    return page(request, "theme.html", data)


async def _stored_theme(request: web.Request, question: Question) -> Theme:
    """The theme in the address, which must belong to the question; 404 otherwise."""
    theme_id = whole_number(request.match_info["theme"], "The theme number", maximum=MAX_ID)
    try:
        theme = await stored.get_theme(database(request), theme_id=theme_id)
    except RecordNotFound as error:
        raise web.HTTPNotFound(
            text="There is no such theme. It may have been merged or deleted."
        ) from error
    if (theme.survey_id, theme.question_id) != (question.survey_id, question.question_id):
        raise web.HTTPNotFound(text="There is no such theme for this question.")
    return theme


async def _change(request: web.Request) -> tuple[Question, Any]:
    """Permission, the form and its CSRF token, for every change."""
    require(request, "themes")
    question = _question(request)
    form = await read_form(request)
    check_csrf(request, form.get("csrf"))
    return question, form


def _label(form: Any, *, required: bool = True) -> str:
    label = " ".join(str(form.get("label", "")).split())
    if not label and required:
        raise web.HTTPBadRequest(text="Enter a name for the theme.")
    if len(label) > LONGEST_LABEL:
        raise web.HTTPBadRequest(
            text=f"A theme's name must be {LONGEST_LABEL} characters or fewer."
        )
    return label


async def _log(request: web.Request, action: str, question: Question, **detail: Any) -> None:
    await audit.record(
        database(request),
        staff_email=staff(request).email,
        action=action,
        detail={"question": question.question_id, **detail},
    )


def _back(
    request: web.Request, question: Question, theme_id: int | None = None
) -> web.HTTPSeeOther:
    if theme_id is not None:
        return web.HTTPSeeOther(
            url(request, "theme", question=question.question_id, theme=str(theme_id))
        )
    return web.HTTPSeeOther(url(request, "themes", question=question.question_id))


async def find_themes(request: web.Request) -> web.StreamResponse:
    """Suggest themes for the answers not yet in an approved theme."""
    question, _ = await _change(request)
    try:
        found = await find(database(request), _themer(request), question)
    except NothingToDo as reason:
        raise web.HTTPConflict(text=str(reason)) from reason
    await _log(request, "themes_found", question, themes=found)
    raise _back(request, question)


async def sort_new(request: web.Request) -> web.StreamResponse:
    """Sort new answers into the approved themes."""
    question, _ = await _change(request)
    try:
        placed, unplaced = await sort_new_answers(database(request), _themer(request), question)
    except NothingToDo as reason:
        raise web.HTTPConflict(text=str(reason)) from reason
    await _log(request, "themes_sorted", question, sorted=placed, in_no_theme=unplaced)
    raise _back(request, question)


async def rename(request: web.Request) -> web.StreamResponse:
    """Give a theme a new name (which approves it)."""
    question, form = await _change(request)
    theme = await _stored_theme(request, question)
    label = _label(form)
    try:
        await stored.rename_theme(database(request), theme_id=theme.id or 0, label=label)
    except ThemeConflict as error:
        raise web.HTTPBadRequest(text=str(error)) from error
    await _log(request, "theme_renamed", question, theme=theme.id, was=theme.label, now=label)
    raise _back(request, question)


async def approve(request: web.Request) -> web.StreamResponse:
    """Approve a suggested theme, so new answers are sorted into it."""
    question, _ = await _change(request)
    theme = await _stored_theme(request, question)
    await stored.approve_theme(database(request), theme_id=theme.id or 0)
    await _log(request, "theme_approved", question, theme=theme.id, label=theme.label)
    raise _back(request, question)


async def delete(request: web.Request) -> web.StreamResponse:
    """Delete a theme; its answers stay, in their other themes or in none."""
    question, _ = await _change(request)
    theme = await _stored_theme(request, question)
    await stored.delete_theme(database(request), theme_id=theme.id or 0)
    await _log(request, "theme_deleted", question, theme=theme.id, label=theme.label)
    raise _back(request, question)


async def split_in_two(request: web.Request) -> web.StreamResponse:
    """Split a theme in two; the model chooses which answers go."""
    question, _ = await _change(request)
    theme = await _stored_theme(request, question)
    try:
        new = await split(database(request), _themer(request), question, theme.id or 0)
    except NothingToDo as reason:
        raise web.HTTPConflict(text=str(reason)) from reason
    await _log(request, "theme_split", question, theme=theme.id, label=theme.label, new=new)
    raise _back(request, question)


async def merge(request: web.Request) -> web.StreamResponse:
    """Merge the themes ticked into the first of them, with a new name if given."""
    question, form = await _change(request)
    chosen = [
        whole_number(str(v), "A theme number", maximum=MAX_ID) for v in form.getall("theme", [])
    ]
    chosen = list(dict.fromkeys(chosen))
    if len(chosen) < 2:
        raise web.HTTPBadRequest(text="Tick at least two themes to merge.")
    label = _label(form, required=False)
    themes = await _themes_of(request, question, chosen)
    try:
        merged = await stored.merge_themes(
            database(request), into=chosen[0], others=chosen[1:], label=label or None
        )
    except ThemeConflict as error:
        raise web.HTTPBadRequest(text=str(error)) from error
    await rescore(database(request), _optional_themer(request), question, {chosen[0]})
    await _log(
        request,
        "themes_merged",
        question,
        themes=chosen,
        labels=[t.label for t in themes],
        now=merged.label,
    )
    raise _back(request, question)


async def _themes_of(request: web.Request, question: Question, ids: list[int]) -> list[Theme]:
    current = await stored.theme_set(
        database(request), survey_id=question.survey_id, question_id=question.question_id
    )
    known = {t.id: t for t in current.themes}
    missing = [i for i in ids if i not in known]
    if missing:
        raise web.HTTPNotFound(text="One of those themes is not there any more. Reload the page.")
    return [known[i] for i in ids]


def _optional_themer(request: web.Request) -> Themer | None:
    source = request.config_dict.get(THEMER)
    return source() if source is not None else None


async def move(request: web.Request) -> web.StreamResponse:
    """Take an answer out of a theme, put it in one, or both."""
    question, form = await _change(request)
    answer_id = whole_number(str(form.get("answer", "")), "The answer number", maximum=MAX_ID)
    out_of = _optional_id(form, "out_of")
    into = _optional_id(form, "into")
    if not answer_id or (out_of is None and into is None):
        raise web.HTTPBadRequest(text="Choose an answer and the theme to move it to.")
    answers = await stored.text_answers(
        database(request), survey_id=question.survey_id, question_id=question.question_id
    )
    if answer_id not in {a.answer_id for a in answers}:
        raise web.HTTPNotFound(text="There is no such answer to this question.")
    await _themes_of(request, question, [t for t in (out_of, into) if t is not None])
    try:
        await stored.move_answer(database(request), answer_id=answer_id, out_of=out_of, into=into)
    except ThemeConflict as error:
        raise web.HTTPBadRequest(text=str(error)) from error
    touched = {t for t in (out_of, into) if t is not None}
    await rescore(database(request), _optional_themer(request), question, touched)
    await _log(request, "theme_answer_moved", question, answer=answer_id, out_of=out_of, into=into)
    back = str(form.get("back", ""))
    raise _back(request, question, out_of if back == "theme" else None)


def _optional_id(form: Any, name: str) -> int | None:
    value = str(form.get(name, "")).strip()
    if value in ("", "none"):
        return None
    return whole_number(value, "The theme number", maximum=MAX_ID)


async def theme_cells(db: Database, questions: Questions) -> list[tuple[str, dict[int, int]]]:
    """One export column per theme: 1 if the response's answer is in it, 0 if not (empty
    when the response has no typed answer to the question)."""
    columns = []
    for theme in await stored.theme_columns(db, survey_id=questions.survey):
        suggested = " (suggested)" if theme.status == ThemeStatus.SUGGESTED else ""
        heading = f"theme: {questions.label(theme.question_id)}: {theme.label}{suggested}"
        cells = {r: int(r in theme.members) for r in theme.answered}
        columns.append((heading, cells))
    return columns


def theme_routes(app: web.Application) -> None:
    """The themes pages and the changes staff make to them."""
    get, post = app.router.add_get, app.router.add_post
    get("/themes", first_question, name="themes_home")
    question = "/themes/{question:[a-z0-9_]{1,100}}"
    theme = question + "/{theme:[0-9]{1,20}}"
    for path, view, name in ((question, question_page, "themes"), (theme, theme_page, "theme")):
        get(path, view, name=name)
        get(path + ".json", view, name=f"{name}.json")
    for path, view, name in (
        (question + "/find", find_themes, "themes_find"),
        (question + "/sort", sort_new, "themes_sort"),
        (question + "/merge", merge, "themes_merge"),
        (question + "/move", move, "themes_move"),
        (theme + "/rename", rename, "theme_rename"),
        (theme + "/approve", approve, "theme_approve"),
        (theme + "/split", split_in_two, "theme_split"),
        (theme + "/delete", delete, "theme_delete"),
    ):
        post(path, view, name=name)
