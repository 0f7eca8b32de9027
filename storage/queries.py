"""Reading responses back: for the export command and the staff site."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlmodel import col, select

from storage.database import Database
from storage.errors import RecordNotFound
from storage.models import Answer, Response, ResponseStatus, TranscriptLine


@dataclass
class ResponseRecord:
    """A response with its answers, in the order they were given."""

    id: int
    survey_id: str
    survey_version: int
    conversation_id: str
    channel: str
    resident: str | None
    status: str
    consented: bool
    last_question: str | None
    reference: str | None
    flags: list[str]
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    answers: list[Answer] = field(default_factory=list)

    @classmethod
    def of(cls, response: Response, answers: list[Answer]) -> ResponseRecord:
        """The record for a stored response and its answers."""
        if response.id is None:
            raise ValueError("the response has not been stored")
        return cls(
            id=response.id,
            survey_id=response.survey_id,
            survey_version=response.survey_version,
            conversation_id=response.conversation_id,
            channel=response.channel,
            resident=response.resident,
            status=response.status,
            consented=response.consented,
            last_question=response.last_question,
            reference=response.reference,
            flags=list(response.flags),
            started_at=response.started_at,
            updated_at=response.updated_at,
            completed_at=response.completed_at,
            answers=answers,
        )


async def list_responses(
    db: Database,
    *,
    survey_id: str | None = None,
    status: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[ResponseRecord]:
    """Responses, oldest first, with their answers.

    `since` and `until` bound when the response was started (since inclusive,
    until exclusive). Two queries whatever the number of responses.
    """
    chosen = select(Response)
    if survey_id is not None:
        chosen = chosen.where(Response.survey_id == survey_id)
    if status is not None:
        chosen = chosen.where(Response.status == status)
    if since is not None:
        chosen = chosen.where(Response.started_at >= since)
    if until is not None:
        chosen = chosen.where(Response.started_at < until)
    chosen = chosen.order_by(col(Response.started_at), col(Response.id)).offset(offset)
    if limit is not None:
        chosen = chosen.limit(limit)
    async with db.sessions() as session:
        responses = list(await session.exec(chosen))
        # The same selection as a subquery: no list of ids that could outgrow
        # the database's limit on parameters.
        ids = chosen.with_only_columns(col(Response.id))
        answers = await session.exec(
            select(Answer)
            .where(col(Answer.response_id).in_(ids))
            .order_by(col(Answer.answered_at), col(Answer.id))
        )
        by_response: defaultdict[int, list[Answer]] = defaultdict(list)
        for answer in answers:
            by_response[answer.response_id].append(answer)
    return [ResponseRecord.of(response, by_response[response.id or 0]) for response in responses]


async def get_response(db: Database, *, response_id: int) -> ResponseRecord:
    """One response with its answers; `RecordNotFound` if there is none."""
    async with db.sessions() as session:
        response = await session.get(Response, response_id)
        if response is None:
            raise RecordNotFound(f"no response {response_id}")
        answers = await session.exec(
            select(Answer)
            .where(Answer.response_id == response_id)
            .order_by(col(Answer.answered_at), col(Answer.id))
        )
        return ResponseRecord.of(response, list(answers))


async def transcript(db: Database, *, response_id: int) -> list[TranscriptLine]:
    """The messages of a response, in order; `RecordNotFound` if there is no such response.

    Besides the lines recorded while the response was open, this includes the
    conversation's lines linked to no response (the greeting and the consent
    question come before the response exists).
    """
    async with db.sessions() as session:
        response = await session.get(Response, response_id)
        if response is None:
            raise RecordNotFound(f"no response {response_id}")
        lines = await session.exec(
            select(TranscriptLine)
            .where(
                sa.or_(
                    col(TranscriptLine.response_id) == response_id,
                    sa.and_(
                        col(TranscriptLine.conversation_id) == response.conversation_id,
                        col(TranscriptLine.response_id).is_(None),
                    ),
                )
            )
            .order_by(col(TranscriptLine.at), col(TranscriptLine.id))
        )
        return list(lines)


_COMPLETED: Final = (
    sa.select(col(Response.id))
    .where(
        col(Response.resident) == sa.bindparam("resident"),
        col(Response.survey_id) == sa.bindparam("survey"),
        col(Response.status) == ResponseStatus.COMPLETED.value,
    )
    .limit(1)
)


async def has_completed(db: Database, *, resident: str, survey_id: str) -> bool:
    """Whether this resident has already completed this survey."""
    return await db.run_read(
        lambda connection: completed_before(connection, resident=resident, survey_id=survey_id)
    )


def completed_before(connection: sa.Connection, *, resident: str, survey_id: str) -> bool:
    """`has_completed`, in the caller's transaction."""
    parameters = {"resident": resident, "survey": survey_id}
    return connection.execute(_COMPLETED, parameters).first() is not None


async def find_response_by_reference(db: Database, *, reference: str) -> Response:
    """The response given this reference; `RecordNotFound` if there is none."""
    async with db.sessions() as session:
        found = await session.exec(select(Response).where(Response.reference == reference))
        response = found.first()
    if response is None:
        raise RecordNotFound(f"no response with reference {reference!r}")
    return response
