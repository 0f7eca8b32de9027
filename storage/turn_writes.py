"""A turn's rows, worked out from what it read, and the two ways of writing them.

`plan_writes` turns a `TurnRecord` and its `TurnStart` into rows. On
PostgreSQL `write_at_once` writes them in one statement (`storage.turn_sql`);
on SQLite `write_each` writes them one statement at a time, on the event loop,
where a statement costs microseconds rather than a round trip. Both raise
`EtagConflict` and `NoOpenResponse` as `storage.turns.commit_turn` says.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import sqlalchemy as sa

from storage.carry_on import forget_codes, keep_code
from storage.database import dialect_of, insert_with_conflicts
from storage.errors import EtagConflict, NoOpenResponse
from storage.models import ActivityLog, Answer, Response, ResponseStatus, TranscriptLine, utcnow
from storage.state import require_plain_json, save_state
from storage.turn_sql import WRITE_TURN
from storage.turn_start import RESPONSE_COLUMNS, OpenResponse, TurnStart

if TYPE_CHECKING:
    from storage.turns import TurnRecord

log = logging.getLogger(__name__)

_RESPONSE: Final[sa.Table] = Response.__table__  # type: ignore[attr-defined]
_ANSWER: Final[sa.Table] = Answer.__table__  # type: ignore[attr-defined]
_TRANSCRIPT: Final[sa.Table] = TranscriptLine.__table__  # type: ignore[attr-defined]
_LOG: Final[sa.Table] = ActivityLog.__table__  # type: ignore[attr-defined]

_NEW_RESPONSE: Final = sa.insert(_RESPONSE).returning(_RESPONSE.c.id)
# The SET clause comes from the parameters given: the columns a turn may change.
_UPDATE_RESPONSE: Final = sa.update(_RESPONSE).where(_RESPONSE.c.id == sa.bindparam("response"))
_ADD_TRANSCRIPT: Final = sa.insert(_TRANSCRIPT)
_ADD_LOG: Final = sa.insert(_LOG)
# The log row's fields the one statement takes; the rest are the turn's own.
_LOGGED: Final = ("seq", "direction", "activity_id", "reply_to", "activity")


@dataclass
class TurnWrites:
    """A turn's rows, worked out from what it read, to be written one way or the other."""

    turn: TurnRecord
    start: TurnStart
    now: datetime
    # The open response's columns after the turn (None: there is none, and none is added),
    # and its id (None: it is to be added).
    response: dict[str, Any] | None
    response_id: int | None
    answers: list[dict[str, Any]]  # question_id, item, value, raw
    transcript: list[dict[str, Any]]  # n, sender, text, at
    log: list[dict[str, Any]]  # as `log_rows` makes them
    forget_codes: bool  # earlier carry-on codes stop working

    @property
    def seqs(self) -> tuple[int | None, list[int]]:
        """The numbers of the incoming activity (if any) and of the replies."""
        seqs = [row["seq"] for row in self.log]
        return (seqs.pop(0) if self.turn.incoming is not None else None), seqs


def plan_writes(turn: TurnRecord, start: TurnStart) -> TurnWrites:
    """What the turn writes, given what it read."""
    now = utcnow()
    response_id, response = _response_after(turn, start.response, now)
    if response is None and (turn.response_changes or turn.add_flags):
        log.info("no open response in %s: response changes not kept", turn.conversation_id)
    # One row per (question, item): the last write wins, as it would one by one.
    latest = {(answer.question_id, answer.item): answer for answer in turn.answers}
    answers = []
    for (question_id, item), answer in latest.items():
        require_plain_json(answer.value, where=f"answer {question_id}")
        answers.append(
            {"question_id": question_id, "item": item, "value": answer.value, "raw": answer.raw}
        )
    transcript = [
        {"n": n, "sender": sender, "text": text, "at": at}
        for n, (sender, text, at) in enumerate(turn.transcript)
    ]
    status = turn.response_changes.get("status")
    return TurnWrites(
        turn=turn,
        start=start,
        now=now,
        response=response,
        response_id=response_id,
        answers=answers,
        transcript=transcript,
        log=turn_log(turn, start.last_seq + 1, now),
        forget_codes=turn.carry_on_code is not None or status in ("completed", "in_progress"),
    )


def _response_after(
    turn: TurnRecord, found: OpenResponse | None, now: datetime
) -> tuple[int | None, dict[str, Any] | None]:
    """The open response's id and its columns once the turn's changes are made.

    (None, columns) when the turn starts a response; (None, None) when there
    is no open response and the turn starts none.
    """
    if found is None and not turn.start_response:
        return None, None
    if found is None:
        columns: dict[str, Any] = {
            "status": ResponseStatus.IN_PROGRESS.value,
            "consented": False,
            "last_question": None,
            "reference": None,
            "flags": [],
            "completed_at": None,
        }
    else:
        columns = found.columns()
    changes = _changes(turn, list(columns["flags"]), columns["completed_at"])
    return (None if found is None else found.id), {**columns, **changes, "updated_at": now}


def write_at_once(connection: sa.Connection, writes: TurnWrites) -> tuple[int | None, str | None]:
    """Write the turn in one PostgreSQL statement; its response's id and the new e-tag."""
    turn = writes.turn
    if turn.new_state is not None:
        require_plain_json(turn.new_state)
    etag = uuid.uuid4().hex
    response = writes.response or dict.fromkeys(RESPONSE_COLUMNS)
    answered = {(row["question_id"], row["item"]) for row in writes.answers}
    # An answer forgotten and given again in one turn is simply replaced.
    forget = [{"question_id": q, "item": i} for q, i in turn.forget if (q, i) not in answered]
    code_hash, code_expires = turn.carry_on_code or (None, None)
    row = connection.execute(
        WRITE_TURN,
        {
            "conversation": turn.conversation_id,
            "last_seq": writes.start.last_seq,
            "state_key": turn.state_key,
            "etag": etag,
            "expected": turn.expected_etag,
            "data": turn.new_state,
            "now": writes.now,
            "survey_id": turn.survey_id,
            "survey_version": turn.survey_version,
            "channel": turn.channel,
            "resident": turn.resident,
            **{name: response[name] for name in RESPONSE_COLUMNS},
            "add_response": writes.response is not None and writes.response_id is None,
            "response_id": writes.response_id,
            "forget": forget,
            "answers": writes.answers,
            "transcript": writes.transcript,
            "log": [{name: entry[name] for name in _LOGGED} for entry in writes.log],
            "forget_codes": writes.forget_codes,
            "code_hash": code_hash,
            "code_expires": code_expires,
        },
    ).one()
    if not row.written:
        raise EtagConflict(turn.state_key)
    if writes.response is None and turn.answers:
        raise NoOpenResponse(turn.conversation_id)
    return row.response_id, etag


def write_each(connection: sa.Connection, writes: TurnWrites) -> tuple[int | None, str | None]:
    """Write the turn one statement at a time; its response's id and the new e-tag."""
    turn = writes.turn
    etag = save_state(
        connection, key=turn.state_key, data=turn.new_state, expected_etag=turn.expected_etag
    )
    response_id = writes.response_id
    if writes.response is not None and response_id is None:
        values = {
            "survey_id": turn.survey_id,
            "survey_version": turn.survey_version,
            "conversation_id": turn.conversation_id,
            "channel": turn.channel,
            "resident": turn.resident,
            "started_at": writes.now,
            **writes.response,
        }
        response_id = connection.execute(_NEW_RESPONSE, values).scalar_one()
    elif writes.response is not None:
        connection.execute(_UPDATE_RESPONSE, {"response": response_id, **writes.response})
    if turn.carry_on_code is not None:
        code_hash, expires_at = turn.carry_on_code
        keep_code(
            connection,
            code_hash=code_hash,
            conversation_id=turn.conversation_id,
            state_key=turn.state_key,
            expires_at=expires_at,
        )
    elif writes.forget_codes:
        forget_codes(connection, conversation_id=turn.conversation_id)
    if response_id is None and turn.answers:
        raise NoOpenResponse(turn.conversation_id)
    if response_id is not None:
        _write_answers(connection, response_id, writes)
    if writes.transcript:
        connection.execute(
            _ADD_TRANSCRIPT,
            [
                {
                    "conversation_id": turn.conversation_id,
                    "response_id": response_id,
                    "sender": line["sender"],
                    "text": line["text"],
                    "channel": turn.channel,
                    "at": line["at"],
                }
                for line in writes.transcript
            ],
        )
    append_rows(connection, writes.log)
    return response_id, etag


def turn_log(turn: TurnRecord, next_seq: int, now: datetime) -> list[dict[str, Any]]:
    """Log rows for the resident's activity and the replies to it."""
    incoming = [] if turn.incoming is None else [turn.incoming]
    rows = log_rows(turn.conversation_id, incoming, "in", next_seq, None, now)
    reply_to = rows[0]["activity_id"] if rows else None
    first_reply = next_seq + len(rows)
    return rows + log_rows(turn.conversation_id, turn.outgoing, "out", first_reply, reply_to, now)


def log_rows(
    conversation_id: str,
    activities: Sequence[dict[str, Any]],
    direction: str,
    first_seq: int,
    reply_to: str | None,
    now: datetime,
) -> list[dict[str, Any]]:
    """Log rows for the activities, numbered from `first_seq`, with ids and timestamps filled in.

    The caller's dicts are copied, not changed.
    """
    rows = []
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


def append_rows(connection: sa.Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the log rows (a bad one fails the transaction here); returns their seqs."""
    if rows:
        connection.execute(_ADD_LOG, rows)
    return [row["seq"] for row in rows]


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


def _write_answers(connection: sa.Connection, response_id: int, writes: TurnWrites) -> None:
    """Delete the forgotten answers, then record the new ones (replacing earlier ones)."""
    forget = writes.turn.forget
    if forget:
        connection.execute(
            sa.delete(_ANSWER).where(
                _ANSWER.c.response_id == response_id,
                sa.tuple_(_ANSWER.c.question_id, _ANSWER.c.item).in_(forget),
            )
        )
    if not writes.answers:
        return
    rows = [
        {**answer, "response_id": response_id, "answered_at": writes.now}
        for answer in writes.answers
    ]
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
