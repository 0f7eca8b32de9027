"""Themes of a question's answers: the model the bot hands over, and what it is used for.

The staff site does not load models: the bot gives it a `Themer` (a plain
object with the methods below) through a function called when one is first
needed. Everything it does is arithmetic on text, so it runs in a thread, off
the event loop, and its results go to storage in one transaction each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from storage import themes as stored
from storage.database import Database
from storage.models import ThemeStatus
from storage.themes import NewTheme, TextAnswer, ThemeSet


class Themer(Protocol):
    """Grouping, labelling and sorting typed answers."""

    def group(self, texts: Sequence[str]) -> list[tuple[str, list[int]]]:
        """Themes found in `texts`: (label, indices of its answers)."""

    def split(self, texts: Sequence[str]) -> tuple[list[int], list[int]]:
        """`texts` in two groups (indices)."""

    def closeness(self, texts: Sequence[str]) -> list[float]:
        """How near each text is to the middle of them all."""

    def label(self, texts: Sequence[str], others: Sequence[str]) -> str:
        """A short label from the words that set `texts` apart from `others`."""

    def assign(
        self, examples: Mapping[str, Sequence[str]], texts: Sequence[str]
    ) -> list[dict[str, float]]:
        """For each text, the themes it fits (from each theme's examples) and how well."""


ThemerSource = Callable[[], Themer]


class NothingToDo(Exception):  # noqa: N818 (the name says what happened)
    """The request makes no sense for the themes as they are; the message says why."""


@dataclass(frozen=True)
class Question:
    """The question whose answers are themed."""

    survey_id: str
    question_id: str


async def find_themes(db: Database, themer: Themer, question: Question) -> int:
    """Suggest themes for the answers not in an approved theme; how many were found.

    Earlier suggestions give way to the new ones; approved themes stay.
    """
    answers = await _answers(db, question)
    if not answers:
        raise NothingToDo("There are no answers to this question yet.")
    current = await _themes(db, question)
    approved = {t.id for t in current.themes if t.status == ThemeStatus.APPROVED}
    pool = [a for a in answers if not set(current.themes_of(a.answer_id)) & approved]
    if not pool:
        raise NothingToDo("Every answer is in an approved theme already.")
    texts = [a.text for a in pool]
    groups = await asyncio.to_thread(themer.group, texts)
    found = []
    taken = {t.label.lower() for t in current.themes if t.id in approved}
    for label, members in groups:
        label = _unused(label, taken)
        taken.add(label.lower())
        scores = await asyncio.to_thread(themer.closeness, [texts[i] for i in members])
        found.append(
            NewTheme(label, {pool[i].answer_id: s for i, s in zip(members, scores, strict=True)})
        )
    await stored.replace_suggestions(
        db,
        survey_id=question.survey_id,
        question_id=question.question_id,
        found=found,
        looked_at=[a.answer_id for a in answers],
    )
    return len(found)


async def sort_new_answers(db: Database, themer: Themer, question: Question) -> tuple[int, int]:
    """Sort answers not yet looked at into the approved themes: (sorted, fitting none)."""
    answers = await _answers(db, question)
    current = await _themes(db, question)
    by_id = {a.answer_id: a for a in answers}
    examples: dict[str, list[str]] = {}
    for theme in current.themes:
        if theme.status == ThemeStatus.APPROVED and theme.id is not None:
            texts = [
                by_id[m.answer_id].text for m in current.in_theme(theme.id) if m.answer_id in by_id
            ]
            examples[str(theme.id)] = [t for t in texts if t]
    if not any(examples.values()):
        raise NothingToDo("Approve at least one theme with answers in it first.")
    new = [a for a in answers if a.answer_id not in current.looked_at]
    if not new:
        raise NothingToDo("There are no new answers to sort.")
    given = await asyncio.to_thread(themer.assign, examples, [a.text for a in new])
    members = {
        a.answer_id: {int(theme): score for theme, score in fits.items()}
        for a, fits in zip(new, given, strict=True)
        if fits
    }
    await stored.add_members(db, members=members, looked_at=[a.answer_id for a in new])
    touched = {theme for fits in members.values() for theme in fits}
    await rescore(db, themer, question, touched)
    return len(members), len(new) - len(members)


async def split_theme(db: Database, themer: Themer, question: Question, theme_id: int) -> int:
    """Split a theme's answers in two; the second half becomes a new theme. Its id."""
    answers = {a.answer_id: a for a in await _answers(db, question)}
    current = await _themes(db, question)
    members = [answers[m.answer_id] for m in current.in_theme(theme_id) if m.answer_id in answers]
    if len(members) < 2:
        raise NothingToDo("A theme needs at least two answers to be split.")
    texts = [a.text for a in members]
    first, second = await asyncio.to_thread(themer.split, texts)
    if not second:
        raise NothingToDo("The answers in this theme are too alike to split.")
    label = await asyncio.to_thread(
        themer.label, [texts[i] for i in second], [texts[i] for i in first]
    )
    scores: dict[int, float] = {}
    for half in (first, second):
        near = await asyncio.to_thread(themer.closeness, [texts[i] for i in half])
        scores.update({members[i].answer_id: s for i, s in zip(half, near, strict=True)})
    label = _unused(label, {t.label.lower() for t in current.themes})
    new = await stored.split_theme(
        db,
        theme_id=theme_id,
        label=label,
        answer_ids=[members[i].answer_id for i in second],
        scores=scores,
    )
    assert new.id is not None
    return new.id


def _unused(label: str, taken: set[str]) -> str:
    """The label, with a number after it if another theme has it already."""
    base, number = label, 2
    while label.lower() in taken:
        label, number = f"{base} ({number})", number + 1
    return label


async def rescore(
    db: Database, themer: Themer | None, question: Question, theme_ids: set[int]
) -> None:
    """Work out again which answers are most typical of these themes (for the quotes)."""
    if themer is None or not theme_ids:
        return
    answers = {a.answer_id: a.text for a in await _answers(db, question)}
    current = await _themes(db, question)
    for theme_id in sorted(theme_ids):
        members = [m.answer_id for m in current.in_theme(theme_id) if m.answer_id in answers]
        if not members:
            continue
        near = await asyncio.to_thread(themer.closeness, [answers[i] for i in members])
        await stored.set_scores(db, theme_id=theme_id, scores=dict(zip(members, near, strict=True)))


async def _answers(db: Database, question: Question) -> list[TextAnswer]:
    return await stored.text_answers(
        db, survey_id=question.survey_id, question_id=question.question_id
    )


async def _themes(db: Database, question: Question) -> ThemeSet:
    return await stored.theme_set(
        db, survey_id=question.survey_id, question_id=question.question_id
    )
