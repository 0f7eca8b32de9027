"""A turn, written in one transaction: state, response, answers, transcript, activity log.

Nothing of a turn becomes visible until all of it is committed, so a crash at
any instant loses nothing the resident saw acknowledged; and a retried
activity (same id) is recognised and answered again, not recorded twice.

The activity log numbers each conversation's activities 1, 2, 3... (`seq`);
Direct Line clients poll with the last number they saw (the watermark).

A turn is plain SQLAlchemy Core run whole on one connection (see
`Database.run_write`): this is the path every message takes, so it stays lean.
It begins with one statement that takes the conversation's lock and reads
everything the turn needs (`storage.turn_start`), and on PostgreSQL ends with
one that writes everything (`storage.turn_sql`): two round trips to the
database, with BEGIN and COMMIT four.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.carry_on import forget_codes
from storage.database import Database, dialect_of
from storage.errors import EtagConflict
from storage.models import (
    ActivityLog,
    Answer,
    AuditEntry,
    ConversationState,
    Response,
    TranscriptLine,
    utcnow,
)
from storage.state import ANY_ETAG
from storage.turn_start import TurnStart, begin_turn, lock_conversation, refuse_duplicate
from storage.turn_writes import (
    append_rows,
    log_rows,
    plan_writes,
    turn_log,
    write_at_once,
    write_each,
)

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
_AUDIT: Final[sa.Table] = AuditEntry.__table__  # type: ignore[attr-defined]

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
_LOGGED_SINCE: Final = sa.select(
    sa.exists().where(
        _LOG.c.conversation_id == sa.bindparam("conversation"),
        _LOG.c.seq > sa.bindparam("last_seq"),
    )
)


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


def write_turn(
    connection: sa.Connection, turn: TurnRecord, start: TurnStart | None = None
) -> TurnOutcome:
    """`commit_turn`'s work, in the caller's write transaction.

    `start` is what the turn read as it began (`begin_turn`, which took the
    lock and refused a duplicate); without it, it is read here.

    This is where the two databases part: on PostgreSQL an ordinary turn is
    written in one statement (`storage.turn_sql`), on SQLite one statement
    at a time. The rarer turns (deleting the state, discarding the
    conversation) go one statement at a time on both.
    """
    unknown = set(turn.response_changes) - RESPONSE_CHANGES
    if unknown:
        raise ValueError(f"unknown response changes: {sorted(unknown)}")
    if start is None:
        incoming_id = turn.incoming.get("id") if turn.incoming else None
        start = begin_turn(
            connection,
            conversation_id=turn.conversation_id,
            state_key=turn.state_key,
            activity_id=incoming_id or None,
        )
    postgres = dialect_of(connection) == "postgresql"
    at_once = (
        postgres
        and not turn.discard_conversation
        and turn.new_state is not None
        and turn.expected_etag != ANY_ETAG
    )
    if postgres and not at_once:
        # The one statement checks this itself; one statement at a time, it is checked first.
        _require_fresh(connection, turn.conversation_id, start)
    if turn.discard_conversation:
        return _discard(connection, turn, start.last_seq + 1)
    writes = plan_writes(turn, start)
    write = write_at_once if at_once else write_each
    response_id, etag = write(connection, writes)
    return TurnOutcome(response_id, etag, *writes.seqs)


def _require_fresh(connection: sa.Connection, conversation_id: str, start: TurnStart) -> None:
    """Raise `EtagConflict` if the conversation's log grew since the turn's start read it.

    On PostgreSQL the start's read may predate a turn committed just before
    the lock was taken (see `storage.turn_start`); the turn is then run again.
    """
    parameters = {"conversation": conversation_id, "last_seq": start.last_seq}
    if connection.execute(_LOGGED_SINCE, parameters).scalar():
        raise EtagConflict(f"the log of {conversation_id} grew since the turn began")


def _discard(connection: sa.Connection, turn: TurnRecord, next_seq: int) -> TurnOutcome:
    """Forget the conversation, then log this turn's message and replies.

    A chat widget waits for the echo of the resident's message (Web Chat says "Send
    failed" without it), so that one message stays in the chat log, which is deleted
    with the transcripts at the end of retention. Numbering carries on past the purge
    so clients' watermarks stay valid.
    """
    references = connection.execute(
        sa.select(_RESPONSE.c.reference).where(_RESPONSE.c.conversation_id == turn.conversation_id)
    ).all()
    purge_conversation_now(connection, turn.conversation_id, turn.state_key)
    if references:
        # A resident who had consented deleted their answers: staff see that it happened
        # (and the reference, if the response had one), not what was deleted.
        connection.execute(
            sa.insert(_AUDIT).values(
                staff_email="(resident)",
                action="erase",
                detail={
                    "reference": next((r for (r,) in references if r), "(not completed)"),
                    "by": "resident",
                    "channel": turn.channel,
                },
                at=utcnow(),
            )
        )
    rows = turn_log(turn, next_seq, utcnow())
    append_rows(connection, rows)
    log.info("discarded conversation %s", turn.conversation_id)
    seqs = [row["seq"] for row in rows]
    return TurnOutcome(None, None, seqs.pop(0) if turn.incoming is not None else None, seqs)


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
                    refuse_duplicate(connection, conversation_id, activity["id"])
        next_seq = _last_seq(connection, conversation_id) + 1
        rows = log_rows(conversation_id, activities, direction, next_seq, None, utcnow())
        return append_rows(connection, rows)

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


def _last_seq(connection: sa.Connection, conversation_id: str) -> int:
    """The highest `seq` logged for the conversation, 0 if none."""
    last = connection.execute(_LAST_SEQ, {"conversation": conversation_id}).scalar()
    return int(last or 0)


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
