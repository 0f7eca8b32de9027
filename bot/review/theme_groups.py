"""How many in each group gave each theme: by district, age band, sex and way of taking part.

Counts, and shares of the group's answers to the question, weighted to the
population when there are figures; a cell from fewer than 10 answers reads
"fewer than 10", as everywhere on the site, so nobody can be singled out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from bot.review.results import FEWER, SMALL, amount
from bot.review.site import Site
from bot.review.weighted import given, weigh
from storage.database import Database
from storage.models import ResponseStatus
from storage.queries import ResponseRecord
from storage.results import ResponseFilter, find_responses
from storage.themes import TextAnswer, ThemeSet

CHANNEL = "channel"


async def theme_groups(
    here: Site,
    db: Database,
    *,
    answers: Sequence[TextAnswer],
    current: ThemeSet,
    weighted: bool,
) -> list[dict[str, Any]]:
    """One table per breakdown: a row per theme, a column per group."""
    records = await find_responses(
        db,
        filters=ResponseFilter(
            survey_id=here.questions.survey, status=ResponseStatus.COMPLETED.value
        ),
    )
    by_id = {r.id: r for r in records}
    weights = {r.id: 1.0 for r in records}
    if weighted and here.population.margins and records:
        raking = weigh([given(r) for r in records], here.population)
        weights = dict(zip((r.id for r in records), raking.weights, strict=True))
    # Each answer once per response: a resident who typed about two ways of contact counts once.
    responses_of: dict[int, set[int]] = defaultdict(set)
    answered: set[int] = set()
    for answer in answers:
        answered.add(answer.response_id)
        for member in current.themes_of(answer.answer_id):
            responses_of[member].add(answer.response_id)
    tables = []
    for question_id in [*here.config.breakdowns, CHANNEL]:
        tables.append(_table(here, question_id, current, responses_of, answered, by_id, weights))
    return [t for t in tables if t["groups"]]


def _table(
    here: Site,
    question_id: str,
    current: ThemeSet,
    responses_of: dict[int, set[int]],
    answered: set[int],
    by_id: dict[int, ResponseRecord],
    weights: dict[int, float],
) -> dict[str, Any]:
    questions = here.questions
    if question_id == CHANNEL:
        label, names = "Way of taking part", {}
    else:
        column = questions.column(question_id) or {"label": question_id, "values": {}}
        label, names = str(column["label"]), dict(column["values"])

    def group_of(response_id: int) -> str | None:
        record = by_id.get(response_id)
        if record is None:
            return None
        if question_id == CHANNEL:
            return record.channel
        value = given(record).get((question_id, ""))
        return str(value) if value is not None else None

    groups: dict[str, list[int]] = defaultdict(list)
    for response_id in answered:
        group = group_of(response_id)
        if group is not None:
            groups[group].append(response_id)
    order = [g for g in names if g in groups] + sorted(g for g in groups if g not in names)
    rows = []
    for theme in current.themes:
        members = responses_of.get(theme.id or 0, set())
        cells: list[dict[str, float | str]] = []
        for group in order:
            everyone = groups[group]
            inside = [r for r in everyone if r in members]
            total = sum(weights.get(r, 0.0) for r in everyone)
            count = sum(weights.get(r, 0.0) for r in inside)
            if len(everyone) < SMALL:
                cells.append({"count": FEWER, "share": FEWER})
            else:
                share = round(100 * count / total, 1) if total else 0.0
                cells.append({"count": amount(round(count, 1)), "share": share})
        rows.append({"theme": theme.label, "cells": cells})
    return {
        "question": question_id,
        "label": label,
        "groups": [
            {"id": g, "label": names.get(g, g), "answers": _size(len(groups[g]))} for g in order
        ],
        "rows": rows,
    }


def _size(answers: int) -> int | str:
    return answers if answers >= SMALL else FEWER
