"""Themes in the answers to free-text questions, and staff's choices about them.

A theme belongs to one question of one survey. An answer may be in several
themes; a member of staff taking it out of one leaves a "removed" row, so the
model never puts it back. Answers the theming has looked at are marked, so
answers that arrive later show as new. Every change here is one transaction;
the views write the audit log.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database
from storage.errors import RecordNotFound, StorageError
from storage.models import (
    Answer,
    AnswerTheme,
    MemberSource,
    Response,
    ResponseStatus,
    Theme,
    ThemedAnswer,
    ThemeStatus,
    utcnow,
)

IN_THEME = (MemberSource.MODEL.value, MemberSource.STAFF.value)


class ThemeConflict(StorageError):  # noqa: N818 (the name says what happened)
    """The change does not fit the themes as they are (a label taken, another question)."""


@dataclass(frozen=True)
class TextAnswer:
    """One typed answer to the question, from a completed response."""

    answer_id: int
    response_id: int
    reference: str | None
    item: str
    text: str


@dataclass(frozen=True)
class Member:
    """An answer's place in a theme (or staff's word that it is not in it)."""

    answer_id: int
    theme_id: int
    source: str
    score: float


@dataclass(frozen=True)
class ThemeSet:
    """A question's themes, who is in them, and which answers have been looked at."""

    themes: list[Theme]
    members: list[Member]
    looked_at: frozenset[int]

    @functools.cached_property
    def _by_theme(self) -> dict[int, list[Member]]:
        found: dict[int, list[Member]] = defaultdict(list)
        for member in self.members:
            found[member.theme_id].append(member)
        return found

    @functools.cached_property
    def _by_answer(self) -> dict[int, list[Member]]:
        found: dict[int, list[Member]] = defaultdict(list)
        for member in self.members:
            found[member.answer_id].append(member)
        return found

    def in_theme(self, theme_id: int) -> list[Member]:
        """The answers in a theme, most typical first."""
        found = [m for m in self._by_theme.get(theme_id, []) if m.source in IN_THEME]
        return sorted(found, key=lambda m: (-m.score, m.answer_id))

    def themes_of(self, answer_id: int) -> list[int]:
        """The themes an answer is in."""
        return [m.theme_id for m in self._by_answer.get(answer_id, []) if m.source in IN_THEME]

    def removed(self, answer_id: int) -> set[int]:
        """The themes staff took this answer out of."""
        return {
            m.theme_id
            for m in self._by_answer.get(answer_id, [])
            if m.source == MemberSource.REMOVED.value
        }


@dataclass(frozen=True)
class NewTheme:
    """A theme to add: its label and its answers with their scores."""

    label: str
    members: Mapping[int, float]


async def text_answers(db: Database, *, survey_id: str, question_id: str) -> list[TextAnswer]:
    """Typed answers to a question from completed responses, oldest first."""
    async with db.sessions() as session:
        rows = await session.exec(
            select(Answer, Response.reference)
            .join(Response, col(Response.id) == col(Answer.response_id))
            .where(
                col(Response.survey_id) == survey_id,
                col(Response.status) == ResponseStatus.COMPLETED.value,
                col(Answer.question_id) == question_id,
            )
            .order_by(col(Answer.answered_at), col(Answer.id))
        )
        found = []
        for answer, reference in rows.all():
            if isinstance(answer.value, str) and answer.value.strip() and answer.id is not None:
                found.append(
                    TextAnswer(answer.id, answer.response_id, reference, answer.item, answer.value)
                )
        return found


async def theme_set(db: Database, *, survey_id: str, question_id: str) -> ThemeSet:
    """A question's themes (in order made), their members and the answers looked at."""
    async with db.sessions() as session:
        return await _theme_set(session, survey_id, question_id)


async def _theme_set(session: AsyncSession, survey_id: str, question_id: str) -> ThemeSet:
    themes = list(
        await session.exec(
            select(Theme)
            .where(col(Theme.survey_id) == survey_id, col(Theme.question_id) == question_id)
            .order_by(col(Theme.id))
        )
    )
    ids = [t.id for t in themes]
    rows = await session.exec(select(AnswerTheme).where(col(AnswerTheme.theme_id).in_(ids)))
    members = [Member(r.answer_id, r.theme_id, r.source, r.score) for r in rows]
    looked = await session.exec(
        select(ThemedAnswer.answer_id)
        .join(Answer, col(Answer.id) == col(ThemedAnswer.answer_id))
        .join(Response, col(Response.id) == col(Answer.response_id))
        .where(col(Response.survey_id) == survey_id, col(Answer.question_id) == question_id)
    )
    return ThemeSet(themes, members, frozenset(looked.all()))


async def replace_suggestions(
    db: Database,
    *,
    survey_id: str,
    question_id: str,
    found: Sequence[NewTheme],
    looked_at: Iterable[int],
) -> list[Theme]:
    """Put new suggested themes in place of the question's old suggestions.

    Approved themes and everything staff chose stay as they are.
    """
    async with db.write() as session:
        await session.exec(
            sa.delete(Theme).where(
                col(Theme.survey_id) == survey_id,
                col(Theme.question_id) == question_id,
                col(Theme.status) == ThemeStatus.SUGGESTED.value,
            )
        )
        made = []
        for new in found:
            theme = Theme(survey_id=survey_id, question_id=question_id, label=new.label[:100])
            session.add(theme)
            await session.flush()
            assert theme.id is not None
            for answer_id, score in new.members.items():
                session.add(AnswerTheme(answer_id=answer_id, theme_id=theme.id, score=score))
            made.append(theme)
        await _look_at(session, looked_at)
    return made


async def add_members(
    db: Database, *, members: Mapping[int, Mapping[int, float]], looked_at: Iterable[int]
) -> int:
    """The model's themes for answers (answer -> theme -> score); how many places it added.

    An answer staff took out of a theme is not put back in it.
    """
    added = 0
    async with db.write() as session:
        wanted = list(members)
        existing = await session.exec(
            select(AnswerTheme.answer_id, AnswerTheme.theme_id).where(
                col(AnswerTheme.answer_id).in_(wanted)
            )
        )
        taken = set(existing.all())
        for answer_id, themes in members.items():
            for theme_id, score in themes.items():
                if (answer_id, theme_id) not in taken:
                    session.add(AnswerTheme(answer_id=answer_id, theme_id=theme_id, score=score))
                    added += 1
        await _look_at(session, looked_at)
    return added


async def _look_at(session: AsyncSession, answer_ids: Iterable[int]) -> None:
    """Mark answers as looked at by the theming."""
    wanted = set(answer_ids)
    if not wanted:
        return
    already = await session.exec(
        select(ThemedAnswer.answer_id).where(col(ThemedAnswer.answer_id).in_(wanted))
    )
    for answer_id in sorted(wanted - set(already.all())):
        session.add(ThemedAnswer(answer_id=answer_id))


async def get_theme(db: Database, *, theme_id: int) -> Theme:
    """One theme; `RecordNotFound` if there is none."""
    async with db.sessions() as session:
        theme = await session.get(Theme, theme_id)
    if theme is None:
        raise RecordNotFound(f"theme {theme_id}")
    return theme


async def _theme(session: AsyncSession, theme_id: int) -> Theme:
    theme = await session.get(Theme, theme_id)
    if theme is None:
        raise RecordNotFound(f"theme {theme_id}")
    return theme


async def _check_label(session: AsyncSession, theme: Theme, label: str) -> None:
    """Refuse a label another theme of the same question already has."""
    same = await session.exec(
        select(Theme.id).where(
            col(Theme.survey_id) == theme.survey_id,
            col(Theme.question_id) == theme.question_id,
            sa.func.lower(col(Theme.label)) == label.lower(),
            col(Theme.id) != theme.id,
        )
    )
    if same.first() is not None:
        raise ThemeConflict(
            f'Another theme is already called "{label}". Choose another name, or merge the two.'
        )


async def rename_theme(db: Database, *, theme_id: int, label: str) -> Theme:
    """Give a theme a new label; renaming approves it."""
    async with db.write() as session:
        theme = await _theme(session, theme_id)
        await _check_label(session, theme, label)
        theme.label, theme.status, theme.updated_at = label, ThemeStatus.APPROVED, utcnow()
        session.add(theme)
    return theme


async def approve_theme(db: Database, *, theme_id: int) -> Theme:
    """Approve a suggested theme: new answers will be sorted into it."""
    async with db.write() as session:
        theme = await _theme(session, theme_id)
        theme.status, theme.updated_at = ThemeStatus.APPROVED, utcnow()
        session.add(theme)
    return theme


async def delete_theme(db: Database, *, theme_id: int) -> Theme:
    """Delete a theme; its answers stay, in their other themes or in none."""
    async with db.write() as session:
        theme = await _theme(session, theme_id)
        await session.exec(sa.delete(AnswerTheme).where(col(AnswerTheme.theme_id) == theme_id))
        await session.delete(theme)
    return theme


async def merge_themes(
    db: Database, *, into: int, others: Sequence[int], label: str | None = None
) -> Theme:
    """Move the answers of `others` into `into`, then delete `others`; the result is approved."""
    async with db.write() as session:
        target = await _theme(session, into)
        merged = [await _theme(session, other) for other in others if other != into]
        if not merged:
            raise ThemeConflict("Choose at least two themes to merge.")
        for theme in merged:
            if (theme.survey_id, theme.question_id) != (target.survey_id, target.question_id):
                raise ThemeConflict("Only themes of the same question can be merged.")
        rows = await session.exec(
            select(AnswerTheme).where(col(AnswerTheme.theme_id).in_([into, *others]))
        )
        kept: dict[int, AnswerTheme] = {}
        for row in rows:
            if row.theme_id == into:
                kept[row.answer_id] = row
        for theme in merged:
            for row in [r for r in await _rows(session, theme.id) if r.source in IN_THEME]:
                mine = kept.get(row.answer_id)
                if mine is None:
                    mine = AnswerTheme(answer_id=row.answer_id, theme_id=into, score=row.score)
                    kept[row.answer_id] = mine
                # Staff's own choice wins over the model's; merging undoes a removal.
                if mine.source != MemberSource.STAFF.value:
                    mine.source = row.source
                mine.score = max(mine.score, row.score)
                session.add(mine)
            await session.exec(sa.delete(AnswerTheme).where(col(AnswerTheme.theme_id) == theme.id))
            await session.delete(theme)
        if label:
            await _check_label(session, target, label)
            target.label = label
        target.status, target.updated_at = ThemeStatus.APPROVED, utcnow()
        session.add(target)
    return target


async def _rows(session: AsyncSession, theme_id: int | None) -> list[AnswerTheme]:
    found = await session.exec(select(AnswerTheme).where(col(AnswerTheme.theme_id) == theme_id))
    return list(found)


async def split_theme(
    db: Database,
    *,
    theme_id: int,
    label: str,
    answer_ids: Iterable[int],
    scores: Mapping[int, float],
) -> Theme:
    """Move some of a theme's answers into a new theme beside it; new scores for all."""
    moving = set(answer_ids)
    async with db.write() as session:
        theme = await _theme(session, theme_id)
        new = Theme(
            survey_id=theme.survey_id,
            question_id=theme.question_id,
            label=label[:100],
            status=theme.status,
        )
        await _check_label(session, new, new.label)
        session.add(new)
        await session.flush()
        assert new.id is not None
        for row in await _rows(session, theme_id):
            if row.answer_id in moving and row.source in IN_THEME:
                row.theme_id = new.id
            row.score = scores.get(row.answer_id, row.score)
            session.add(row)
        theme.updated_at = utcnow()
        session.add(theme)
    return new


async def move_answer(
    db: Database,
    *,
    answer_id: int,
    out_of: int | None,
    into: int | None,
    score: float = 0.0,
) -> None:
    """Staff's choice: take an answer out of a theme, put it in another, or both."""
    async with db.write() as session:
        answer = await session.get(Answer, answer_id)
        if answer is None:
            raise RecordNotFound(f"answer {answer_id}")
        response = await session.get(Response, answer.response_id)
        assert response is not None
        for theme_id in (t for t in (out_of, into) if t is not None):
            theme = await _theme(session, theme_id)
            if (theme.survey_id, theme.question_id) != (response.survey_id, answer.question_id):
                raise ThemeConflict("That theme is for another question.")
        if out_of is not None and out_of == into:
            raise ThemeConflict("Choose a different theme to move the answer to.")
        if out_of is not None:
            await _set_member(session, answer_id, out_of, MemberSource.REMOVED, None)
        if into is not None:
            await _set_member(session, answer_id, into, MemberSource.STAFF, score)
        await _look_at(session, [answer_id])


async def _set_member(
    session: AsyncSession, answer_id: int, theme_id: int, source: MemberSource, score: float | None
) -> None:
    found = await session.exec(
        select(AnswerTheme).where(
            col(AnswerTheme.answer_id) == answer_id, col(AnswerTheme.theme_id) == theme_id
        )
    )
    row = found.first() or AnswerTheme(answer_id=answer_id, theme_id=theme_id)
    row.source, row.at = source, utcnow()
    if score is not None:
        row.score = score
    session.add(row)


async def set_scores(db: Database, *, theme_id: int, scores: Mapping[int, float]) -> None:
    """New closeness scores for a theme's answers (after its answers changed)."""
    async with db.write() as session:
        for row in await _rows(session, theme_id):
            if row.answer_id in scores:
                row.score = scores[row.answer_id]
                session.add(row)


@dataclass(frozen=True)
class ThemeColumn:
    """One theme as a column of an export: which responses answered, which are in it."""

    question_id: str
    label: str
    status: str
    answered: frozenset[int]  # responses with a typed answer to the question
    members: frozenset[int]  # responses whose answer is in the theme


async def theme_columns(db: Database, *, survey_id: str) -> list[ThemeColumn]:
    """Every theme of the survey, by question and in the order made, as export columns."""
    async with db.sessions() as session:
        themes = list(
            await session.exec(
                select(Theme).where(col(Theme.survey_id) == survey_id).order_by(col(Theme.id))
            )
        )
        rows = await session.exec(
            select(AnswerTheme.theme_id, Answer.response_id)
            .join(Answer, col(Answer.id) == col(AnswerTheme.answer_id))
            .where(
                col(AnswerTheme.theme_id).in_([t.id for t in themes]),
                col(AnswerTheme.source).in_(IN_THEME),
            )
        )
        members: dict[int, set[int]] = {}
        for theme_id, response_id in rows.all():
            members.setdefault(theme_id, set()).add(response_id)
    answered: dict[str, frozenset[int]] = {}
    for question_id in dict.fromkeys(t.question_id for t in themes):
        found = await text_answers(db, survey_id=survey_id, question_id=question_id)
        answered[question_id] = frozenset(a.response_id for a in found)
    return [
        ThemeColumn(
            t.question_id,
            t.label,
            t.status,
            answered[t.question_id],
            frozenset(members.get(t.id or 0, set())),
        )
        for t in themes
    ]
