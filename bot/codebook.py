"""The survey's columns for exports and results, as plain data.

The staff site reads storage only; it learns what the questions are from this
codebook, which the bot builds from the survey file and hands over.
"""

from __future__ import annotations

from typing import Any

from dialogs.render import fill
from dialogs.schema import Kind, Survey


def codebook(survey: Survey) -> dict[str, Any]:
    """Every answer column, in survey order: loop questions get one column per option."""
    columns: list[dict[str, Any]] = []
    for question in survey.questions:
        if question.kind is Kind.STATEMENT:
            continue
        items = [""]
        if question.for_each:
            source = survey.question(question.for_each)
            items = [o.id for o in source.options if not o.exclusive]
        for item in items:
            columns.append(_column(survey, question.id, item))
    return {
        "survey": survey.id,
        "version": survey.version,
        "title": survey.title,
        "columns": columns,
    }


def _column(survey: Survey, question_id: str, item: str) -> dict[str, Any]:
    question = survey.question(question_id)
    label = question.short or question.text
    values: dict[str, str] = {o.id: o.label for o in question.options}
    if question.kind is Kind.SCALE:
        values = {str(n): str(n) for n in range(question.minimum, question.maximum + 1)}
        values[str(question.minimum)] = f"{question.minimum} {question.min_label}"
        values[str(question.maximum)] = f"{question.maximum} {question.max_label}"
    return {
        "name": f"{question_id}[{item}]" if item else question_id,
        "question": question_id,
        "item": item,
        "kind": str(question.kind),
        "label": fill(label, survey, {}, item),
        "text": fill(question.text, survey, {}, item) if item else question.text,
        "values": values,
        # A follow-up asked only after a vague answer: the question it follows up.
        "follows_up": question.follows_up,
        # The free-text questions that go on from this one's answer: its follow-up, and a
        # question asked because it was answered ("why those changes would help").
        "goes_with": _goes_with(survey, question_id),
    }


def _goes_with(survey: Survey, question_id: str) -> list[str]:
    question = survey.question(question_id)
    if question.kind is not Kind.FREE_TEXT:
        return []
    return [
        q.id
        for q in survey.questions
        if q.kind is Kind.FREE_TEXT
        and q.id != question_id
        and (
            q.follows_up == question_id
            or (q.when is not None and q.when.question == question_id and q.when.answered)
        )
    ]
