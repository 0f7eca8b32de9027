"""The start of a turn: the conversation's lock taken and all the turn reads, in one statement.

A turn reads the conversation's state, where its activity log has got to,
whether the incoming activity was logged before, the open response and
whether the resident has taken part before. One SELECT reads them all, on
SQLite and PostgreSQL alike; on PostgreSQL the same statement also tries to
take the conversation's lock (an advisory lock held until the transaction
ends).

A statement sees the database as it was when the statement began. So when
another instance holds the lock, what the statement read may be from before
that instance's turn was committed: the lock is then waited for and
everything read again, in two more statements. Even a lock taken at once may
have been released by a turn committed a moment after the read began; the
turn's write checks that nothing was logged since (see `storage.turn_sql`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa

from storage.database import dialect_of
from storage.errors import DuplicateActivity
from storage.models import ActivityLog, ConversationState, Response, ResponseStatus
from storage.state import ETAG_KEY

_RESPONSE: Final[sa.Table] = Response.__table__  # type: ignore[attr-defined]
_LOG: Final[sa.Table] = ActivityLog.__table__  # type: ignore[attr-defined]
_STATE: Final[sa.Table] = ConversationState.__table__  # type: ignore[attr-defined]

# The columns of the open response a turn may change (and so reads).
RESPONSE_COLUMNS: Final = (
    "status",
    "consented",
    "last_question",
    "reference",
    "flags",
    "completed_at",
)

_CONVERSATION: Final = sa.bindparam("conversation", type_=sa.String)
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
_PG_LOCK_KEY: Final = sa.func.hashtextextended(sa.bindparam("conversation", type_=sa.Text), 0)
_PG_LOCK: Final = sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK_KEY))


@dataclass
class OpenResponse:
    """The conversation's latest response not yet completed, as it stands."""

    id: int
    status: str
    consented: bool
    last_question: str | None
    reference: str | None
    flags: list[str]
    completed_at: datetime | None

    def columns(self) -> dict[str, Any]:
        """Its columns a turn may change, by name."""
        return {name: getattr(self, name) for name in RESPONSE_COLUMNS}


@dataclass
class TurnStart:
    """What a turn read, holding the conversation's lock."""

    state: dict[str, Any] | None  # with its "e_tag"; None when none is stored
    last_seq: int  # the highest number in the conversation's activity log, 0 if none
    response: OpenResponse | None
    # The resident has completed this survey before, in any conversation (read only when
    # no state is stored: a conversation that has started has asked already).
    taken_part: bool


def begin_turn(
    connection: sa.Connection,
    *,
    conversation_id: str,
    state_key: str,
    activity_id: str | None = None,
    resident: str | None = None,
    survey_id: str = "",
) -> TurnStart:
    """Take the conversation's lock and read what its turn needs, in the caller's transaction.

    Raises `DuplicateActivity` (with the replies logged the first time) when
    the incoming activity `activity_id` was recorded before.
    """
    dialect = dialect_of(connection)
    parameters = {
        "conversation": conversation_id,
        "state_key": state_key,
        "activity": activity_id,
        "resident": resident,
        "survey": survey_id,
    }
    row = connection.execute(_statement(dialect), parameters).one()
    if dialect == "postgresql" and not row.locked:
        # Another writer has the conversation: wait for its commit, then read again.
        connection.execute(_PG_LOCK, parameters)
        row = connection.execute(_statement(dialect), parameters).one()
    if row.seen:
        refuse_duplicate(connection, conversation_id, str(activity_id))
    state = None if row.etag is None else {**row.data, ETAG_KEY: row.etag}
    response = None
    if row.response_id is not None:
        columns = {name: getattr(row, name) for name in RESPONSE_COLUMNS}
        columns["flags"] = list(columns["flags"] or [])
        response = OpenResponse(id=int(row.response_id), **columns)
    return TurnStart(state, int(row.last_seq or 0), response, bool(row.taken_part))


def lock_conversation(connection: sa.Connection, conversation_id: str) -> None:
    """Make writers to one conversation take turns, until the transaction ends.

    On PostgreSQL this keeps the `seq` numbering gapless and the duplicate
    check race-free across instances; on SQLite the write transaction itself
    already excludes every other writer.
    """
    if dialect_of(connection) == "postgresql":
        connection.execute(_PG_LOCK, {"conversation": conversation_id})


def refuse_duplicate(connection: sa.Connection, conversation_id: str, activity_id: str) -> None:
    """Raise `DuplicateActivity` if this incoming activity was recorded (or answered) before."""
    found = connection.execute(
        _SEEN, {"conversation": conversation_id, "activity": activity_id}
    ).all()
    if found:
        replies = [dict(activity) for direction, activity in found if direction == "out"]
        raise DuplicateActivity(replies=replies, activity_id=activity_id)


@functools.cache
def _statement(dialect: str) -> sa.Select[Any]:
    """The one SELECT of a turn's start, in the database's dialect."""
    in_conversation = _LOG.c.conversation_id == _CONVERSATION
    activity = sa.bindparam("activity", type_=sa.String)
    last_seq = sa.select(sa.func.max(_LOG.c.seq)).where(in_conversation).scalar_subquery()
    seen = sa.exists().where(
        in_conversation,
        sa.or_(
            sa.and_(_LOG.c.direction == "in", _LOG.c.activity_id == activity),
            # After a discarded conversation only the replies remain.
            sa.and_(_LOG.c.direction == "out", _LOG.c.reply_to == activity),
        ),
    )
    taken_part = sa.exists().where(
        _RESPONSE.c.resident == sa.bindparam("resident", type_=sa.String),
        _RESPONSE.c.survey_id == sa.bindparam("survey", type_=sa.String),
        _RESPONSE.c.status == ResponseStatus.COMPLETED.value,
    )
    stored = (
        sa.select(_STATE.c.etag, _STATE.c.data)
        .where(_STATE.c.key == sa.bindparam("state_key", type_=sa.String))
        .subquery("stored")
    )
    open_response = (
        sa.select(_RESPONSE.c.id, *(_RESPONSE.c[name] for name in RESPONSE_COLUMNS))
        .where(
            _RESPONSE.c.conversation_id == _CONVERSATION,
            _RESPONSE.c.status != ResponseStatus.COMPLETED.value,
        )
        .order_by(_RESPONSE.c.started_at.desc(), _RESPONSE.c.id.desc())
        .limit(1)
        .subquery("open_response")
    )
    # One row whatever is stored: the state and the response are joined to it, if there.
    turn = sa.select(sa.literal_column("1").label("one")).subquery("turn")
    columns: list[Any] = [
        last_seq.label("last_seq"),
        seen.label("seen"),
        # Only a conversation without state asks (both databases evaluate CASE lazily).
        sa.case((stored.c.etag.is_(None), taken_part), else_=sa.false()).label("taken_part"),
        stored.c.etag,
        stored.c.data,
        open_response.c.id.label("response_id"),
        *(open_response.c[name] for name in RESPONSE_COLUMNS),
    ]
    if dialect == "postgresql":
        columns.append(sa.func.pg_try_advisory_xact_lock(_PG_LOCK_KEY).label("locked"))
    joined = turn.outerjoin(stored, sa.true()).outerjoin(open_response, sa.true())
    return sa.select(*columns).select_from(joined)
