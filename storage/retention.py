"""Keeping data no longer than needed: erasure on request, and purging by age."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select

from storage.database import Database
from storage.errors import RecordNotFound
from storage.models import (
    ActivityLog,
    Answer,
    CarryOnCode,
    ConversationState,
    Response,
    ResponseStatus,
    TranscriptLine,
    utcnow,
)
from storage.turns import purge_conversation

log = logging.getLogger(__name__)


def state_key(channel: str, conversation_id: str) -> str:
    """Where a conversation's state is stored (botbuilder's key shape)."""
    return f"{channel}/conversations/{conversation_id}"


async def erase_by_reference(db: Database, *, reference: str) -> str:
    """Delete a response and everything about its conversation; return the conversation id.

    The response, its answers, the transcript, the conversation state and the
    chat log all go. Raises RecordNotFound when no response has the reference.
    """
    async with db.write() as session:
        found = (
            await session.exec(select(Response).where(Response.reference == reference.upper()))
        ).first()
        if found is None:
            raise RecordNotFound(f"no response has the reference {reference}")
        conversation_id = found.conversation_id
        await purge_conversation(
            session, conversation_id, state_key(found.channel, conversation_id)
        )
    log.info("erased the response with reference %s", reference)
    return conversation_id


@dataclass(frozen=True)
class PurgeCounts:
    """How much a purge deleted."""

    transcript_lines: int
    activities: int
    responses: int
    states: int


async def purge(
    db: Database, *, transcripts_before: datetime, unfinished_before: datetime
) -> PurgeCounts:
    """Delete transcripts and chat logs older than one time, and unfinished responses
    (abandoned or never completed) last touched before another. Answers of completed
    responses stay."""
    async with db.write() as session:
        lines = await session.exec(
            sa.delete(TranscriptLine).where(col(TranscriptLine.at) < transcripts_before)
        )
        activities = await session.exec(
            sa.delete(ActivityLog).where(col(ActivityLog.at) < transcripts_before)
        )
        stale = select(Response.id).where(
            col(Response.status).in_([ResponseStatus.ABANDONED, ResponseStatus.IN_PROGRESS]),
            col(Response.updated_at) < unfinished_before,
        )
        await session.exec(sa.delete(Answer).where(col(Answer.response_id).in_(stale)))
        await session.exec(
            sa.delete(TranscriptLine).where(col(TranscriptLine.response_id).in_(stale))
        )
        responses = await session.exec(sa.delete(Response).where(col(Response.id).in_(stale)))
        states = await session.exec(
            sa.delete(ConversationState).where(
                col(ConversationState.updated_at) < unfinished_before
            )
        )
        # Codes to carry on a stopped survey, past their time.
        await session.exec(sa.delete(CarryOnCode).where(col(CarryOnCode.expires_at) <= utcnow()))
    counts = PurgeCounts(
        transcript_lines=lines.rowcount,
        activities=activities.rowcount,
        responses=responses.rowcount,
        states=states.rowcount,
    )
    log.info("purged %s", counts)
    return counts
