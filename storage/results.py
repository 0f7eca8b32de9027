"""Read queries for the review site: filtered responses, counts of answers, the funnel.

Every function takes a `ResponseFilter`, so the list of responses, the
results, the free-text answers and the exports all describe the same
responses. Counting is done by the database; only the small grouped results
come back.

Answers are JSON. To compare them the same way on every database, a value is
compared as the JSON text it was stored as: an option id "watford" is the text
`"watford"`, and a list of ids contains `"call_101"` somewhere in its text.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.database import Database
from storage.models import Answer, Response, ResponseStatus, TranscriptLine
from storage.queries import ResponseRecord


@dataclass(frozen=True)
class ResponseFilter:
    """Which responses to show: every field left as None (or empty) matches all."""

    survey_id: str | None = None
    status: str | None = None
    since: datetime | None = None  # started at or after
    until: datetime | None = None  # started before
    channel: str | None = None  # the channel the response came through
    flagged: bool | None = None
    search: str | None = None  # words in any answer, as typed
    # (question id, option id): the answer is that option, or a list that includes it.
    answers: tuple[tuple[str, str], ...] = ()

    @property
    def only_response_fields(self) -> bool:
        """Whether only the survey, dates and channel are filtered on (not answers or status)."""
        return self.status is None and self.flagged is None and not self.search and not self.answers


@dataclass(frozen=True)
class ValueCount:
    """How many answers to a question (and loop option) had one value."""

    question_id: str
    item: str
    value: Any  # decoded JSON: an option id, a list of ids, a number, text or None
    count: float  # a whole number from the database; weighted counts are fractions


@dataclass(frozen=True)
class Funnel:
    """How far people got."""

    waiting: int  # opened the chat but have not yet said whether to take part
    started: int  # responses: people who agreed to take part
    completed: int
    abandoned: int
    in_progress: int
    stopped_at: dict[str, int]  # question id -> responses not completed that stopped there


@dataclass(frozen=True)
class FreeTextAnswer:
    """One typed answer, with where it came from."""

    response_id: int
    reference: str | None
    item: str
    text: str
    answered_at: datetime


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _value_matches(value: Any, option: str) -> sa.ColumnElement[bool]:
    """The stored answer is this option, or a list that includes it."""
    as_text = sa.cast(value, sa.Text)
    quoted = json.dumps(option)
    return sa.or_(
        as_text == quoted,
        sa.and_(
            as_text.like("[%"),
            as_text.like(f"%{_escape_like(quoted)}%", escape="\\"),
        ),
    )


def filtered_ids(filters: ResponseFilter) -> SelectOfScalar[Any]:
    """A query for the ids of the responses the filter picks."""
    chosen: SelectOfScalar[Any] = select(Response.id)
    if filters.survey_id:
        chosen = chosen.where(Response.survey_id == filters.survey_id)
    if filters.status:
        chosen = chosen.where(Response.status == filters.status)
    if filters.since is not None:
        chosen = chosen.where(Response.started_at >= filters.since)
    if filters.until is not None:
        chosen = chosen.where(Response.started_at < filters.until)
    if filters.channel:
        chosen = chosen.where(Response.channel == filters.channel)
    if filters.flagged is not None:
        no_flags = sa.cast(col(Response.flags), sa.Text).in_(["[]", "null"])
        chosen = chosen.where(sa.not_(no_flags) if filters.flagged else no_flags)
    if filters.search:
        pattern = f"%{_escape_like(filters.search.strip().lower())}%"
        chosen = chosen.where(
            sa.exists().where(
                col(Answer.response_id) == col(Response.id),
                sa.func.lower(col(Answer.raw)).like(pattern, escape="\\"),
            )
        )
    for question_id, option in filters.answers:
        chosen = chosen.where(
            sa.exists().where(
                col(Answer.response_id) == col(Response.id),
                col(Answer.question_id) == question_id,
                _value_matches(col(Answer.value), option),
            )
        )
    return chosen


async def count_by_status(db: Database, *, filters: ResponseFilter) -> dict[str, int]:
    """How many of the chosen responses have each status (every status, zero if none)."""
    ids = filtered_ids(filters)
    async with db.sessions() as session:
        rows = await session.exec(
            select(Response.status, func.count())
            .where(col(Response.id).in_(ids))
            .group_by(col(Response.status))
        )
        found = dict(rows.all())
    return {status.value: int(found.get(status.value, 0)) for status in ResponseStatus}


async def find_responses(
    db: Database,
    *,
    filters: ResponseFilter,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = True,
) -> list[ResponseRecord]:
    """The chosen responses (newest first unless told), each with its answers in order given."""
    ids = filtered_ids(filters)
    order = [col(Response.started_at), col(Response.id)]
    chosen = (
        select(Response)
        .where(col(Response.id).in_(ids))
        .order_by(*(o.desc() for o in order) if newest_first else order)
        .offset(offset)
    )
    if limit is not None:
        chosen = chosen.limit(limit)
    async with db.sessions() as session:
        responses = list(await session.exec(chosen))
        wanted = [r.id for r in responses]
        by_response: defaultdict[int, list[Answer]] = defaultdict(list)
        # In slices: a long export must not pass the database's limit on parameters.
        for start in range(0, len(wanted), 500):
            answers = await session.exec(
                select(Answer)
                .where(col(Answer.response_id).in_(wanted[start : start + 500]))
                .order_by(col(Answer.answered_at), col(Answer.id))
            )
            for answer in answers:
                by_response[answer.response_id].append(answer)
    return [ResponseRecord.of(r, by_response[r.id or 0]) for r in responses]


async def value_counts(db: Database, *, filters: ResponseFilter) -> list[ValueCount]:
    """For every question (and loop option), how many of the chosen responses gave each value."""
    as_text = sa.cast(col(Answer.value), sa.Text)
    async with db.sessions() as session:
        rows = await session.exec(
            select(Answer.question_id, Answer.item, as_text.label("value_text"), func.count())
            .where(col(Answer.response_id).in_(filtered_ids(filters)))
            .group_by(col(Answer.question_id), col(Answer.item), as_text)
        )
        return [
            ValueCount(question_id, item, _decode(text), int(count))
            for question_id, item, text, count in rows.all()
        ]


async def value_counts_by(
    db: Database, *, filters: ResponseFilter, group_question: str
) -> dict[Any, list[ValueCount]]:
    """Like `value_counts`, split by the answer to `group_question` (None: not answered)."""
    group = aliased(Answer)
    group_text = sa.cast(group.value, sa.Text)
    as_text = sa.cast(col(Answer.value), sa.Text)
    async with db.sessions() as session:
        rows = await session.exec(
            # Five columns: more than the typed overloads of select() spell out.
            select(  # type: ignore[call-overload]
                group_text.label("group_text"),
                Answer.question_id,
                Answer.item,
                as_text.label("value_text"),
                func.count(),
            )
            .select_from(Answer)
            .outerjoin(
                group,
                sa.and_(
                    col(group.response_id) == col(Answer.response_id),
                    col(group.question_id) == group_question,
                    col(group.item) == "",
                ),
            )
            .where(col(Answer.response_id).in_(filtered_ids(filters)))
            .group_by(group_text, col(Answer.question_id), col(Answer.item), as_text)
        )
        split: defaultdict[Any, list[ValueCount]] = defaultdict(list)
        for group_value, question_id, item, text, count in rows.all():
            key = _decode(group_value)
            split[key].append(ValueCount(question_id, item, _decode(text), int(count)))
    return dict(split)


async def funnel(db: Database, *, filters: ResponseFilter) -> Funnel:
    """How many started, completed and abandoned, and where the unfinished ones stopped."""
    counts = await count_by_status(db, filters=filters)
    async with db.sessions() as session:
        stopped = await session.exec(
            select(Response.last_question, func.count())
            .where(
                col(Response.id).in_(filtered_ids(filters)),
                col(Response.status) != ResponseStatus.COMPLETED.value,
            )
            .group_by(col(Response.last_question))
        )
        stopped_at = {question or "": int(n) for question, n in stopped.all()}
        waiting = await _waiting(session, filters) if filters.only_response_fields else 0
    return Funnel(
        waiting=waiting,
        started=sum(counts.values()),
        completed=counts[ResponseStatus.COMPLETED.value],
        abandoned=counts[ResponseStatus.ABANDONED.value],
        in_progress=counts[ResponseStatus.IN_PROGRESS.value],
        stopped_at=stopped_at,
    )


async def _waiting(session: Any, filters: ResponseFilter) -> int:
    """Conversations still kept that have no response: not yet agreed to take part."""
    chosen = select(func.count(sa.distinct(col(TranscriptLine.conversation_id)))).where(
        col(TranscriptLine.response_id).is_(None),
        sa.not_(
            sa.exists().where(col(Response.conversation_id) == col(TranscriptLine.conversation_id))
        ),
    )
    if filters.since is not None:
        chosen = chosen.where(col(TranscriptLine.at) >= filters.since)
    if filters.until is not None:
        chosen = chosen.where(col(TranscriptLine.at) < filters.until)
    if filters.channel:
        chosen = chosen.where(col(TranscriptLine.channel) == filters.channel)
    return int((await session.exec(chosen)).one())


async def free_text(
    db: Database,
    *,
    filters: ResponseFilter,
    question_id: str,
    search: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[FreeTextAnswer], int]:
    """The typed answers to one question (every loop option), newest first, and their number."""
    chosen = (
        select(Answer, Response.reference)
        .join(Response, col(Response.id) == col(Answer.response_id))
        .where(
            col(Answer.response_id).in_(filtered_ids(filters)),
            col(Answer.question_id) == question_id,
            col(Answer.raw) != "",
            # Skipped questions are stored as null.
            sa.cast(col(Answer.value), sa.Text).not_in(["null"]),
        )
    )
    if search:
        pattern = f"%{_escape_like(search.strip().lower())}%"
        chosen = chosen.where(sa.func.lower(col(Answer.raw)).like(pattern, escape="\\"))
    async with db.sessions() as session:
        total = (await session.exec(select(func.count()).select_from(chosen.subquery()))).one()
        paged = chosen.order_by(col(Answer.answered_at).desc(), col(Answer.id).desc()).offset(
            offset
        )
        if limit is not None:
            paged = paged.limit(limit)
        rows = (await session.exec(paged)).all()
    answers = [
        FreeTextAnswer(a.response_id, reference, a.item, a.raw, a.answered_at)
        for a, reference in rows
    ]
    return answers, int(total)


async def typed_answers(
    db: Database, *, response_ids: list[int], question_ids: list[str]
) -> dict[tuple[int, str, str], str]:
    """What these responses typed at these questions: (response, question, item) -> text."""
    if not response_ids or not question_ids:
        return {}
    chosen = select(Answer).where(
        col(Answer.response_id).in_(response_ids),
        col(Answer.question_id).in_(question_ids),
        col(Answer.raw) != "",
        sa.cast(col(Answer.value), sa.Text).not_in(["null"]),
    )
    async with db.sessions() as session:
        rows = (await session.exec(chosen)).all()
    return {(a.response_id, a.question_id, a.item): a.raw for a in rows}


async def asked_and_answered(
    db: Database, *, filters: ResponseFilter, question_id: str
) -> tuple[int, int]:
    """How often a question was reached (answered or skipped), and how often answered."""
    reached = select(Answer).where(
        col(Answer.response_id).in_(filtered_ids(filters)),
        col(Answer.question_id) == question_id,
    )
    answered = reached.where(
        col(Answer.raw) != "", sa.cast(col(Answer.value), sa.Text).not_in(["null"])
    )
    async with db.sessions() as session:
        counts = [
            (await session.exec(select(func.count()).select_from(q.subquery()))).one()
            for q in (reached, answered)
        ]
    return int(counts[0]), int(counts[1])


async def channels(db: Database) -> list[str]:
    """The channels responses have come through, for the filter form."""
    async with db.sessions() as session:
        rows = await session.exec(
            select(Response.channel).distinct().order_by(col(Response.channel))
        )
        return list(rows.all())


async def surveys(db: Database) -> list[str]:
    """The surveys there are responses to, for the filter form."""
    async with db.sessions() as session:
        rows = await session.exec(
            select(Response.survey_id).distinct().order_by(col(Response.survey_id))
        )
        return list(rows.all())


def _decode(text: str | None) -> Any:
    """A stored JSON value back as Python (SQL NULL and JSON null are both None)."""
    if text is None:
        return None
    return json.loads(text)
