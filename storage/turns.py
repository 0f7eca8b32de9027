"""A turn, written in one transaction: state, response, answers, transcript, activity log.

Nothing of a turn becomes visible until all of it is committed, so a crash at
any instant loses nothing the resident saw acknowledged; and a retried
activity (same id) is recognised and answered again, not recorded twice.

The activity log numbers each conversation's activities 1, 2, 3... (`seq`);
Direct Line clients poll with the last number they saw (the watermark).

A turn is plain SQLAlchemy Core run whole on one connection (see
`Database.run_write`): this is the path every message takes, so it stays lean.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.carry_on import forget_codes, keep_code
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

_RESPONSE: Final[sa.Table] = Response.__table__  # type: ignore[attr-defined]
_ANSWER: Final[sa.Table] = Answer.__table__  # type: ignore[attr-defined]
_TRANSCRIPT: Final[sa.Table] = TranscriptLine.__table__  # type: ignore[attr-defined]
_LOG: Final[sa.Table] = ActivityLog.__table__  # type: ignore[attr-defined]
_STATE: Final[sa.Table] = ConversationState.__table__  # type: ignore[attr-defined]

# The statements of the hot path, built once (building one costs more than running it).
_STARTED: Final = (
    sa.select(_LOG.c.seq).where(_LOG.c.conversation_id == sa.bindparam("conversation")).limit(1)
)
_SINCE: Final = (
    sa.select(_LOG.c.seq, _LOG.c.activity)
    .where(
        _LOG.c.conversation_id == sa.bindparam("conversation"),
        _LOG.c.seq > sa.bindparam("watermark"),
    )
    .order_by(_LOG.c.seq)
)
# The same, each activity as the JSON text it is stored as (no decoding, no encoding again).
_SINCE_TEXT: Final = (
    sa.select(_LOG.c.seq, sa.cast(_LOG.c.activity, sa.Text))
    .where(
        _LOG.c.conversation_id == sa.bindparam("conversation"),
        _LOG.c.seq > sa.bindparam("watermark"),
    )
    .order_by(_LOG.c.seq)
)
_LAST_SEQ: Final = sa.select(sa.func.max(_LOG.c.seq)).where(
    _LOG.c.conversation_id == sa.bindparam("conversation")
)
_SEEN: Final = (
    sa.select(_LOG.c.direction, _LOG.c.activity)
    .where(
        _LOG.c.conversation_id == sa.bindparam("conversation"),
        sa.or_(
            sa.and_(_LOG.c.direction == "in", _LOG.c.activity_id == sa.bindparam("activity")),
            # After a discarded conversation only the replies remain.
            sa.and_(_LOG.c.direction == "out", _LOG.c.reply_to == sa.bindparam("activity")),
        ),
    )
    .order_by(_LOG.c.seq)
)
_PG_LOCK: Final = sa.select(
    sa.func.pg_advisory_xact_lock(
        sa.func.hashtextextended(sa.bindparam("conversation", type_=sa.Text), 0)
    )
)
_OPEN_RESPONSE: Final = (
    sa.select(_RESPONSE.c.id, _RESPONSE.c.flags, _RESPONSE.c.completed_at)
    .where(
        _RESPONSE.c.conversation_id == sa.bindparam("conversation"),
        _RESPONSE.c.status != ResponseStatus.COMPLETED.value,
    )
    .order_by(_RESPONSE.c.started_at.desc(), _RESPONSE.c.id.desc())
    .limit(1)
)
_NEW_RESPONSE: Final = sa.insert(_RESPONSE).returning(_RESPONSE.c.id)
# The SET clause comes from the parameters given: the columns the turn changes.
_UPDATE_RESPONSE: Final = sa.update(_RESPONSE).where(_RESPONSE.c.id == sa.bindparam("response"))
_ADD_TRANSCRIPT: Final = sa.insert(_TRANSCRIPT)
_ADD_LOG: Final = sa.insert(_LOG)


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
    # A code given to carry on in another chat: its keyed hash and when it stops working.
    carry_on_code: tuple[str, datetime] | None = None


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
    return await db.run_write(lambda connection: write_turn(connection, turn))


def write_turn(connection: sa.Connection, turn: TurnRecord) -> TurnOutcome:
    """`commit_turn`'s work, in the caller's write transaction."""
    unknown = set(turn.response_changes) - RESPONSE_CHANGES
    if unknown:
        raise ValueError(f"unknown response changes: {sorted(unknown)}")
    lock_conversation(connection, turn.conversation_id)
    incoming_id = turn.incoming.get("id") if turn.incoming else None
    if incoming_id:
        _refuse_duplicate(connection, turn.conversation_id, incoming_id)
    next_seq = _last_seq(connection, turn.conversation_id) + 1
    if turn.discard_conversation:
        return _discard(connection, turn, next_seq)
    return _record(connection, turn, next_seq)


def _record(connection: sa.Connection, turn: TurnRecord, next_seq: int) -> TurnOutcome:
    """Write the turn's state, response, answers, transcript and activities."""
    etag = save_state(
        connection, key=turn.state_key, data=turn.new_state, expected_etag=turn.expected_etag
    )
    response_id = _open_response(connection, turn)
    if turn.carry_on_code is not None:
        code_hash, expires_at = turn.carry_on_code
        keep_code(
            connection,
            code_hash=code_hash,
            conversation_id=turn.conversation_id,
            state_key=turn.state_key,
            expires_at=expires_at,
        )
    elif turn.response_changes.get("status") in ("completed", "in_progress"):
        forget_codes(connection, conversation_id=turn.conversation_id)
    if response_id is None and turn.answers:
        raise NoOpenResponse(turn.conversation_id)
    if response_id is None and (turn.response_changes or turn.add_flags):
        log.info("no open response in %s: response changes not kept", turn.conversation_id)
    if response_id is not None:
        _write_answers(connection, response_id, turn)
    if turn.transcript:
        connection.execute(
            _ADD_TRANSCRIPT,
            [
                {
                    "conversation_id": turn.conversation_id,
                    "response_id": response_id,
                    "sender": sender,
                    "text": text,
                    "channel": turn.channel,
                    "at": at,
                }
                for sender, text, at in turn.transcript
            ],
        )
    incoming_seq, outgoing_seqs = _log_turn(connection, turn, next_seq)
    return TurnOutcome(response_id, etag, incoming_seq, outgoing_seqs)


def _log_turn(
    connection: sa.Connection, turn: TurnRecord, next_seq: int
) -> tuple[int | None, list[int]]:
    """Log the resident's activity and the replies to it; their sequence numbers."""
    incoming = [] if turn.incoming is None else [turn.incoming]
    rows = _log_rows(turn.conversation_id, incoming, "in", next_seq, None)
    reply_to = rows[0]["activity_id"] if rows else None
    rows += _log_rows(turn.conversation_id, turn.outgoing, "out", next_seq + len(rows), reply_to)
    seqs = _append(connection, rows)
    return (seqs.pop(0) if incoming else None), seqs


def _discard(connection: sa.Connection, turn: TurnRecord, next_seq: int) -> TurnOutcome:
    """Forget the conversation, then log this turn's message and replies.

    A chat widget waits for the echo of the resident's message (Web Chat says "Send
    failed" without it), so that one message stays in the chat log, which is deleted
    with the transcripts at the end of retention. Numbering carries on past the purge
    so clients' watermarks stay valid.
    """
    purge_conversation_now(connection, turn.conversation_id, turn.state_key)
    incoming_seq, outgoing_seqs = _log_turn(connection, turn, next_seq)
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

    def work(connection: sa.Connection) -> list[int]:
        lock_conversation(connection, conversation_id)
        if direction == "in":
            for activity in activities:
                if activity.get("id"):
                    _refuse_duplicate(connection, conversation_id, activity["id"])
        next_seq = _last_seq(connection, conversation_id) + 1
        rows = _log_rows(conversation_id, activities, direction, next_seq, None)
        return _append(connection, rows)

    return await db.run_write(work)


async def conversation_started(db: Database, *, conversation_id: str) -> bool:
    """Whether anything is logged for the conversation yet."""
    parameters = {"conversation": conversation_id}
    return await db.run_read(
        lambda connection: connection.execute(_STARTED, parameters).first() is not None
    )


async def activities_since(
    db: Database, *, conversation_id: str, watermark: int
) -> tuple[list[dict[str, Any]], int]:
    """The conversation's activities numbered after `watermark`, and the new watermark."""
    parameters = {"conversation": conversation_id, "watermark": watermark}
    found = await db.run_read(lambda connection: connection.execute(_SINCE, parameters).all())
    if not found:
        return [], watermark
    return [dict(activity) for _seq, activity in found], found[-1][0]


async def activities_since_as_json(
    db: Database, *, conversation_id: str, watermark: int
) -> tuple[list[str], int]:
    """`activities_since`, each activity as its JSON text: for sending on as it is."""
    parameters = {"conversation": conversation_id, "watermark": watermark}
    found = await db.run_read(lambda connection: connection.execute(_SINCE_TEXT, parameters).all())
    if not found:
        return [], watermark
    return [str(text) for _seq, text in found], found[-1][0]


def lock_conversation(connection: sa.Connection, conversation_id: str) -> None:
    """Make writers to one conversation take turns, until the transaction ends.

    On PostgreSQL this keeps the `seq` numbering gapless and the duplicate
    check race-free across instances; on SQLite the write transaction itself
    already excludes every other writer.
    """
    if dialect_of(connection) == "postgresql":
        connection.execute(_PG_LOCK, {"conversation": conversation_id})


def _refuse_duplicate(connection: sa.Connection, conversation_id: str, activity_id: str) -> None:
    """Raise `DuplicateActivity` if this incoming activity was recorded (or answered) before."""
    found = connection.execute(
        _SEEN, {"conversation": conversation_id, "activity": activity_id}
    ).all()
    if found:
        replies = [dict(activity) for direction, activity in found if direction == "out"]
        raise DuplicateActivity(replies=replies, activity_id=activity_id)


def _last_seq(connection: sa.Connection, conversation_id: str) -> int:
    """The highest `seq` logged for the conversation, 0 if none."""
    last = connection.execute(_LAST_SEQ, {"conversation": conversation_id}).scalar()
    return int(last or 0)


def _log_rows(
    conversation_id: str,
    activities: Sequence[dict[str, Any]],
    direction: str,
    first_seq: int,
    reply_to: str | None,
) -> list[dict[str, Any]]:
    """Log rows for the activities, numbered from `first_seq`, with ids and timestamps filled in.

    The caller's dicts are copied, not changed.
    """
    rows = []
    now = utcnow()
    for seq, original in enumerate(activities, start=first_seq):
        activity = dict(original)
        if not activity.get("id"):
            activity["id"] = f"{conversation_id}|{seq:07d}"
        if not activity.get("timestamp"):
            activity["timestamp"] = now.isoformat().replace("+00:00", "Z")
        rows.append(
            {
                "conversation_id": conversation_id,
                "seq": seq,
                "direction": direction,
                "activity_id": activity["id"] if direction == "in" else None,
                "reply_to": None if direction == "in" else reply_to or activity.get("replyToId"),
                "activity": activity,
                "at": now,
            }
        )
    return rows


def _append(connection: sa.Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the log rows (a bad one fails the transaction here); returns their seqs."""
    if rows:
        connection.execute(_ADD_LOG, rows)
    return [row["seq"] for row in rows]


def _open_response(connection: sa.Connection, turn: TurnRecord) -> int | None:
    """The id of the conversation's latest response not completed, with the turn's changes
    applied; created if the turn starts one."""
    found = connection.execute(_OPEN_RESPONSE, {"conversation": turn.conversation_id}).first()
    now = utcnow()
    if found is None:
        if not turn.start_response:
            return None
        values = {
            "survey_id": turn.survey_id,
            "survey_version": turn.survey_version,
            "conversation_id": turn.conversation_id,
            "channel": turn.channel,
            "resident": turn.resident,
            "status": ResponseStatus.IN_PROGRESS.value,
            "consented": False,
            "flags": [],
            "started_at": now,
            "updated_at": now,
        }
        created = connection.execute(_NEW_RESPONSE, values)
        response_id, flags, completed_at = created.scalar_one(), None, None
    else:
        response_id, flags, completed_at = found
    changes = _changes(turn, list(flags or []), completed_at)
    connection.execute(_UPDATE_RESPONSE, {"response": response_id, "updated_at": now, **changes})
    return int(response_id)


def _changes(turn: TurnRecord, flags: list[str], completed_at: datetime | None) -> dict[str, Any]:
    """The turn's changes and new flags as column values."""
    changes = dict(turn.response_changes)
    if "status" in changes:
        changes["status"] = ResponseStatus(changes["status"]).value
        if changes["status"] == ResponseStatus.COMPLETED and completed_at is None:
            changes.setdefault("completed_at", utcnow())
    new_flags = [flag for flag in dict.fromkeys(turn.add_flags) if flag not in flags]
    if new_flags:
        changes["flags"] = [*flags, *new_flags]
    return changes


def _write_answers(connection: sa.Connection, response_id: int, turn: TurnRecord) -> None:
    """Delete the forgotten answers, then record the new ones (replacing earlier ones)."""
    if turn.forget:
        connection.execute(
            sa.delete(_ANSWER).where(
                _ANSWER.c.response_id == response_id,
                sa.tuple_(_ANSWER.c.question_id, _ANSWER.c.item).in_(turn.forget),
            )
        )
    if not turn.answers:
        return
    now = utcnow()
    # One row per (question, item): the last write wins, as it would one by one.
    latest = {(answer.question_id, answer.item): answer for answer in turn.answers}
    rows = []
    for (question_id, item), answer in latest.items():
        require_plain_json(answer.value, where=f"answer {question_id}")
        rows.append(
            {
                "response_id": response_id,
                "question_id": question_id,
                "item": item,
                "value": answer.value,
                "raw": answer.raw,
                "answered_at": now,
            }
        )
    connection.execute(_upsert_answer(dialect_of(connection)), rows)


@functools.cache
def _upsert_answer(dialect: str) -> sa.Insert:
    """INSERT an answer, replacing the one given before to the same question and item."""
    insert = insert_with_conflicts(dialect, _ANSWER)
    return insert.on_conflict_do_update(
        index_elements=["response_id", "question_id", "item"],
        set_={
            "value": insert.excluded.value,
            "raw": insert.excluded.raw,
            "answered_at": insert.excluded.answered_at,
        },
    )


async def purge_conversation(session: AsyncSession, conversation_id: str, state_key: str) -> None:
    """Delete everything stored about a conversation, in the caller's write transaction.

    Its responses with their answers, its transcript, its activity log and
    its state (at `state_key`).
    """
    await session.run_sync(
        lambda sync: purge_conversation_now(sync.connection(), conversation_id, state_key)
    )


def purge_conversation_now(connection: sa.Connection, conversation_id: str, state_key: str) -> None:
    """`purge_conversation` on a connection, in its transaction."""
    responses = sa.select(_RESPONSE.c.id).where(_RESPONSE.c.conversation_id == conversation_id)
    # Explicit deletes rather than trusting ON DELETE CASCADE to be enabled.
    connection.execute(sa.delete(_ANSWER).where(_ANSWER.c.response_id.in_(responses)))
    connection.execute(
        sa.delete(_TRANSCRIPT).where(
            sa.or_(
                _TRANSCRIPT.c.conversation_id == conversation_id,
                _TRANSCRIPT.c.response_id.in_(responses),
            )
        )
    )
    connection.execute(sa.delete(_RESPONSE).where(_RESPONSE.c.conversation_id == conversation_id))
    connection.execute(sa.delete(_LOG).where(_LOG.c.conversation_id == conversation_id))
    connection.execute(sa.delete(_STATE).where(_STATE.c.key == state_key))
    forget_codes(connection, conversation_id=conversation_id)
