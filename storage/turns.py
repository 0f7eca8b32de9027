"""A turn, written in one transaction: state, response, answers, transcript, activity log.

Nothing of a turn becomes visible until all of it is committed, so a crash at
any instant loses nothing the resident saw acknowledged; and a retried
activity (same id) is recognised and answered again, not recorded twice.

The activity log numbers each conversation's activities 1, 2, 3... (`seq`);
Direct Line clients poll with the last number they saw (the watermark).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database, dialect_of, insert_with_conflicts
from storage.errors import DuplicateActivity, NoOpenResponse
from storage.models import (
    ActivityLog,
    Answer,
    ConversationState,
    Response,
    ResponseStatus,
    TranscriptLine,
    utcnow,
)
from storage.state import require_plain_json, save_state

log = logging.getLogger(__name__)

RESPONSE_CHANGES: Final = frozenset(
    {"status", "consented", "last_question", "reference", "completed_at"}
)
DIRECTIONS: Final = ("in", "out")


@dataclass
class AnswerWrite:
    """An answer to record (or replace): `item` is the loop option, "" outside loops."""

    question_id: str
    item: str
    value: Any
    raw: str


@dataclass
class TurnRecord:
    """Everything one turn changes, to be written together or not at all."""

    conversation_id: str
    channel: str
    survey_id: str
    survey_version: int
    state_key: str
    expected_etag: str | None  # None: the state must not exist yet; "*": any
    new_state: dict[str, Any] | None  # None: delete the state
    resident: str | None = None  # keyed hash of the user id
    start_response: bool = False  # create the conversation's open response if none is open
    response_changes: dict[str, Any] = field(default_factory=dict)
    add_flags: list[str] = field(default_factory=list)
    answers: list[AnswerWrite] = field(default_factory=list)
    forget: list[tuple[str, str]] = field(default_factory=list)  # (question_id, item)
    transcript: list[tuple[str, str, datetime]] = field(default_factory=list)  # sender, text, at
    incoming: dict[str, Any] | None = None  # the resident's activity, with "id"
    outgoing: list[dict[str, Any]] = field(default_factory=list)  # the replies
    discard_conversation: bool = False  # forget everything (the resident declined consent)


@dataclass
class TurnOutcome:
    """What a committed turn produced."""

    response_id: int | None
    etag: str | None
    incoming_seq: int | None
    outgoing_seqs: list[int]


async def commit_turn(db: Database, *, turn: TurnRecord) -> TurnOutcome:
    """Write the whole turn in one transaction, or nothing.

    Raises `DuplicateActivity` (with the replies logged the first time) when
    the incoming activity was recorded before, `EtagConflict` when the state
    changed since it was read, `NoOpenResponse` when there are answers to
    record but no open response.

    The open response is the conversation's latest one not yet completed: a
    response the resident stopped ("abandoned") reopens when they carry on.
    Response changes and flags when there is no open response are not kept
    (before consent there is nothing to attach them to).
    """
    unknown = set(turn.response_changes) - RESPONSE_CHANGES
    if unknown:
        raise ValueError(f"unknown response changes: {sorted(unknown)}")
    async with db.write() as session:
        await _lock_conversation(session, turn.conversation_id)
        incoming_id = turn.incoming.get("id") if turn.incoming else None
        if incoming_id:
            await _refuse_duplicate(session, turn.conversation_id, incoming_id)
        next_seq = await _last_seq(session, turn.conversation_id) + 1
        if turn.discard_conversation:
            return await _discard(session, turn, next_seq)
        return await _record(session, turn, next_seq)


async def _record(session: AsyncSession, turn: TurnRecord, next_seq: int) -> TurnOutcome:
    """Write the turn's state, response, answers, transcript and activities."""
    etag = await save_state(
        session, key=turn.state_key, data=turn.new_state, expected_etag=turn.expected_etag
    )
    response = await _open_response(session, turn)
    response_id = None if response is None else response.id
    if response is None and turn.answers:
        raise NoOpenResponse(turn.conversation_id)
    if response is None and (turn.response_changes or turn.add_flags):
        log.info("no open response in %s: response changes not kept", turn.conversation_id)
    if response is not None:
        _apply_changes(response, turn)
        await _write_answers(session, response_id, turn)
    session.add_all(
        TranscriptLine(
            conversation_id=turn.conversation_id,
            response_id=response_id,
            sender=sender,
            text=text,
            channel=turn.channel,
            at=at,
        )
        for sender, text, at in turn.transcript
    )
    incoming_seq, outgoing_seqs = await _log_turn(session, turn, next_seq)
    return TurnOutcome(response_id, etag, incoming_seq, outgoing_seqs)


async def _log_turn(
    session: AsyncSession, turn: TurnRecord, next_seq: int
) -> tuple[int | None, list[int]]:
    """Log the resident's activity and the replies to it; their sequence numbers."""
    incoming = [] if turn.incoming is None else [turn.incoming]
    rows = _log_rows(turn.conversation_id, incoming, "in", next_seq, None)
    reply_to = rows[0].activity_id if rows else None
    rows += _log_rows(turn.conversation_id, turn.outgoing, "out", next_seq + len(rows), reply_to)
    seqs = await _append(session, rows)
    return (seqs.pop(0) if incoming else None), seqs


async def _discard(session: AsyncSession, turn: TurnRecord, next_seq: int) -> TurnOutcome:
    """Forget the conversation, then log this turn's message and replies.

    A chat widget waits for the echo of the resident's message (Web Chat says "Send
    failed" without it), so that one message stays in the chat log, which is deleted
    with the transcripts at the end of retention. Numbering carries on past the purge
    so clients' watermarks stay valid.
    """
    await purge_conversation(session, turn.conversation_id, turn.state_key)
    incoming_seq, outgoing_seqs = await _log_turn(session, turn, next_seq)
    log.info("discarded conversation %s", turn.conversation_id)
    return TurnOutcome(None, None, incoming_seq, outgoing_seqs)


async def append_activities(
    db: Database,
    *,
    conversation_id: str,
    activities: Sequence[dict[str, Any]],
    direction: str = "out",
) -> list[int]:
    """Log activities outside a turn (a greeting, an incoming event); returns their seqs.

    Outgoing activities reply to their `"replyToId"`, if any. An incoming
    activity whose id is already logged raises `DuplicateActivity`.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    async with db.write() as session:
        await _lock_conversation(session, conversation_id)
        if direction == "in":
            for activity in activities:
                if activity.get("id"):
                    await _refuse_duplicate(session, conversation_id, activity["id"])
        next_seq = await _last_seq(session, conversation_id) + 1
        rows = _log_rows(conversation_id, activities, direction, next_seq, None)
        return await _append(session, rows)


async def conversation_started(db: Database, *, conversation_id: str) -> bool:
    """Whether anything is logged for the conversation yet."""
    async with db.sessions() as session:
        found = await session.exec(
            select(ActivityLog.seq)
            .where(col(ActivityLog.conversation_id) == conversation_id)
            .limit(1)
        )
        return found.first() is not None


async def activities_since(
    db: Database, *, conversation_id: str, watermark: int
) -> tuple[list[dict[str, Any]], int]:
    """The conversation's activities numbered after `watermark`, and the new watermark."""
    async with db.sessions() as session:
        rows = await session.exec(
            select(ActivityLog.seq, ActivityLog.activity)
            .where(ActivityLog.conversation_id == conversation_id, ActivityLog.seq > watermark)
            .order_by(col(ActivityLog.seq))
        )
        found = rows.all()
    if not found:
        return [], watermark
    return [dict(activity) for _seq, activity in found], found[-1][0]


async def _lock_conversation(session: AsyncSession, conversation_id: str) -> None:
    """Make writers to one conversation take turns, until the transaction ends.

    On PostgreSQL this keeps the `seq` numbering gapless and the duplicate
    check race-free across instances; on SQLite the write transaction itself
    already excludes every other writer.
    """
    if dialect_of(session) == "postgresql":
        key = func.hashtextextended(conversation_id, 0)
        await session.exec(select(func.pg_advisory_xact_lock(key)))


async def _refuse_duplicate(session: AsyncSession, conversation_id: str, activity_id: str) -> None:
    """Raise `DuplicateActivity` if this incoming activity was recorded (or answered) before."""
    seen = await session.exec(
        select(ActivityLog.direction, ActivityLog.activity)
        .where(
            ActivityLog.conversation_id == conversation_id,
            sa.or_(
                sa.and_(
                    col(ActivityLog.direction) == "in", col(ActivityLog.activity_id) == activity_id
                ),
                # After a discarded conversation only the replies remain.
                sa.and_(
                    col(ActivityLog.direction) == "out", col(ActivityLog.reply_to) == activity_id
                ),
            ),
        )
        .order_by(col(ActivityLog.seq))
    )
    found = seen.all()
    if found:
        replies = [dict(activity) for direction, activity in found if direction == "out"]
        raise DuplicateActivity(replies=replies, activity_id=activity_id)


async def _last_seq(session: AsyncSession, conversation_id: str) -> int:
    """The highest `seq` logged for the conversation, 0 if none."""
    last = await session.exec(
        select(func.max(ActivityLog.seq)).where(ActivityLog.conversation_id == conversation_id)
    )
    return last.one() or 0


def _log_rows(
    conversation_id: str,
    activities: Sequence[dict[str, Any]],
    direction: str,
    first_seq: int,
    reply_to: str | None,
) -> list[ActivityLog]:
    """Log rows for the activities, numbered from `first_seq`, with ids and timestamps filled in.

    The caller's dicts are copied, not changed.
    """
    rows = []
    for seq, original in enumerate(activities, start=first_seq):
        activity = dict(original)
        if not activity.get("id"):
            activity["id"] = f"{conversation_id}|{seq:07d}"
        if not activity.get("timestamp"):
            activity["timestamp"] = utcnow().isoformat().replace("+00:00", "Z")
        rows.append(
            ActivityLog(
                conversation_id=conversation_id,
                seq=seq,
                direction=direction,
                activity_id=activity["id"] if direction == "in" else None,
                reply_to=None if direction == "in" else reply_to or activity.get("replyToId"),
                activity=activity,
            )
        )
    return rows


async def _append(session: AsyncSession, rows: list[ActivityLog]) -> list[int]:
    """Insert the log rows now (so a bad one fails the transaction here); returns their seqs."""
    session.add_all(rows)
    await session.flush()
    return [row.seq for row in rows]


async def _open_response(session: AsyncSession, turn: TurnRecord) -> Response | None:
    """The conversation's latest response not completed; created if the turn starts one."""
    found = await session.exec(
        select(Response)
        .where(
            Response.conversation_id == turn.conversation_id,
            Response.status != ResponseStatus.COMPLETED.value,
        )
        .order_by(col(Response.started_at).desc(), col(Response.id).desc())
        .limit(1)
    )
    response = found.first()
    if response is None and turn.start_response:
        response = Response(
            survey_id=turn.survey_id,
            survey_version=turn.survey_version,
            conversation_id=turn.conversation_id,
            channel=turn.channel,
            resident=turn.resident,
        )
        session.add(response)
        await session.flush()
    return response


def _apply_changes(response: Response, turn: TurnRecord) -> None:
    """Apply the turn's changes and flags to the response and mark it updated."""
    changes = dict(turn.response_changes)
    if "status" in changes:
        changes["status"] = ResponseStatus(changes["status"]).value
        if changes["status"] == ResponseStatus.COMPLETED and response.completed_at is None:
            changes.setdefault("completed_at", utcnow())
    for name, value in changes.items():
        setattr(response, name, value)
    new_flags = [flag for flag in dict.fromkeys(turn.add_flags) if flag not in response.flags]
    if new_flags:
        # A new list: the JSON column does not notice a list changed in place.
        response.flags = [*response.flags, *new_flags]
    response.updated_at = utcnow()


async def _write_answers(session: AsyncSession, response_id: int | None, turn: TurnRecord) -> None:
    """Delete the forgotten answers, then record the new ones (replacing earlier ones)."""
    table = Answer.__table__  # type: ignore[attr-defined]
    if turn.forget:
        await session.exec(
            sa.delete(table).where(
                table.c.response_id == response_id,
                sa.tuple_(table.c.question_id, table.c.item).in_(turn.forget),
            )
        )
    if not turn.answers:
        return
    now = utcnow()
    # One row per (question, item): the last write wins, as it would one by one.
    latest = {(answer.question_id, answer.item): answer for answer in turn.answers}
    values = []
    for (question_id, item), answer in latest.items():
        require_plain_json(answer.value, where=f"answer {question_id}")
        values.append(
            {
                "response_id": response_id,
                "question_id": question_id,
                "item": item,
                "value": answer.value,
                "raw": answer.raw,
                "answered_at": now,
            }
        )
    insert = insert_with_conflicts(session, table).values(values)
    await session.exec(
        insert.on_conflict_do_update(
            index_elements=["response_id", "question_id", "item"],
            set_={
                "value": insert.excluded.value,
                "raw": insert.excluded.raw,
                "answered_at": insert.excluded.answered_at,
            },
        )
    )


async def purge_conversation(session: AsyncSession, conversation_id: str, state_key: str) -> None:
    """Delete everything stored about a conversation, in the caller's write transaction.

    Its responses with their answers, its transcript, its activity log and
    its state (at `state_key`).
    """
    responses = select(Response.id).where(Response.conversation_id == conversation_id)
    # Explicit deletes rather than trusting ON DELETE CASCADE to be enabled.
    await session.exec(sa.delete(Answer).where(col(Answer.response_id).in_(responses)))
    await session.exec(
        sa.delete(TranscriptLine).where(
            sa.or_(
                col(TranscriptLine.conversation_id) == conversation_id,
                col(TranscriptLine.response_id).in_(responses),
            )
        )
    )
    await session.exec(sa.delete(Response).where(col(Response.conversation_id) == conversation_id))
    await session.exec(
        sa.delete(ActivityLog).where(col(ActivityLog.conversation_id) == conversation_id)
    )
    await session.exec(sa.delete(ConversationState).where(col(ConversationState.key) == state_key))
