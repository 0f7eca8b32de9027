"""A turn's writes as one PostgreSQL statement: state, response, answers, transcript, log.

PostgreSQL runs data-modifying statements inside WITH (common table
expressions) as one statement, so the whole of a turn's writing is one round
trip. Rows come in as JSON arrays (`json_to_recordset`); the JSON values in
them (an answer's value, an activity) come as JSON text inside those arrays,
so they are stored exactly as SQLAlchemy's JSON type would store them.

Everything after the state is written only if the state was: its e-tag
still matched (or, on a first turn, none was stored) and nothing was logged
in the conversation since the turn's start read it (`storage.turn_start`:
that read may predate a turn another instance committed just before this one
took the lock). Otherwise nothing is written and `written` is 0.

SQLite has no data-modifying WITH; it writes the same rows one statement at
a time (`storage.turns`), on the event loop, where a statement costs
microseconds, not a round trip.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa

from storage.models import UTCDateTime


class JSONRows(sa.TypeDecorator[Sequence[dict[str, Any]]]):
    """Rows sent as one JSON array: JSON fields as JSON text, timestamps in UTC.

    Encoding happens as the statement is sent, so a value that is not JSON
    fails the statement, as it would in a JSON column.
    """

    impl = sa.JSON
    cache_ok = True

    def __init__(self, *json_fields: str) -> None:
        super().__init__()
        self.json_fields = json_fields

    def process_bind_param(
        self, value: Sequence[dict[str, Any]] | None, dialect: sa.Dialect
    ) -> list[dict[str, Any]] | None:
        """Each row with its JSON fields encoded and its timestamps as UTC ISO text."""
        if value is None:
            return None
        encode = getattr(dialect, "_json_serializer", None) or json.dumps
        return [
            {name: _field(name, item, self.json_fields, encode) for name, item in row.items()}
            for row in value
        ]


def _field(name: str, value: Any, json_fields: tuple[str, ...], encode: Any) -> Any:
    if name in json_fields:
        return encode(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"timestamps must be timezone-aware, got {value!r}")
        return value.astimezone(UTC).isoformat()
    return value


_WRITE_TURN: Final = """
WITH fresh AS (
    SELECT 1 WHERE NOT EXISTS (
        SELECT 1 FROM activitylog WHERE conversation_id = :conversation AND seq > :last_seq
    )
),
state_added AS (
    INSERT INTO conversationstate (key, etag, data, updated_at)
    SELECT :state_key, :etag, :data, :now FROM fresh WHERE :expected IS NULL
    ON CONFLICT (key) DO NOTHING
    RETURNING 1
),
state_changed AS (
    UPDATE conversationstate SET etag = :etag, data = :data, updated_at = :now
    WHERE key = :state_key AND etag = :expected AND EXISTS (SELECT 1 FROM fresh)
    RETURNING 1
),
written AS (SELECT 1 FROM state_added UNION ALL SELECT 1 FROM state_changed),
response_added AS (
    INSERT INTO response (
        survey_id, survey_version, conversation_id, channel, resident, status, consented,
        last_question, reference, flags, started_at, updated_at, completed_at
    )
    SELECT :survey_id, :survey_version, :conversation, :channel, :resident, :status, :consented,
        :last_question, :reference, :flags, :now, :now, :completed_at
    FROM written WHERE :add_response
    RETURNING id
),
response_changed AS (
    UPDATE response SET status = :status, consented = :consented,
        last_question = :last_question, reference = :reference, flags = :flags,
        updated_at = :now, completed_at = :completed_at
    WHERE id = :response_id AND EXISTS (SELECT 1 FROM written)
    RETURNING id
),
the_response AS (SELECT id FROM response_added UNION ALL SELECT id FROM response_changed),
answers_forgotten AS (
    DELETE FROM answer
    WHERE response_id IN (SELECT id FROM the_response)
        AND (question_id, item) IN (
            SELECT f.question_id, f.item
            FROM json_to_recordset(:forget) AS f(question_id text, item text)
        )
),
answers_given AS (
    INSERT INTO answer (response_id, question_id, item, value, raw, answered_at)
    SELECT r.id, a.question_id, a.item, CAST(a.value AS json), a.raw, :now
    FROM the_response AS r,
        json_to_recordset(:answers) AS a(question_id text, item text, value text, raw text)
    ON CONFLICT (response_id, question_id, item) DO UPDATE
        SET value = excluded.value, raw = excluded.raw, answered_at = excluded.answered_at
),
transcribed AS (
    INSERT INTO transcriptline (conversation_id, response_id, sender, text, channel, at)
    SELECT :conversation, (SELECT id FROM the_response), t.sender, t.text, :channel, t.at
    FROM written,
        json_to_recordset(:transcript) AS t(n integer, sender text, text text, at timestamptz)
    ORDER BY t.n
),
logged AS (
    INSERT INTO activitylog (conversation_id, seq, direction, activity_id, reply_to, activity, at)
    SELECT :conversation, l.seq, l.direction, l.activity_id, l.reply_to,
        CAST(l.activity AS json), :now
    FROM written, json_to_recordset(:log)
        AS l(seq integer, direction text, activity_id text, reply_to text, activity text)
    ORDER BY l.seq
),
codes_forgotten AS (
    DELETE FROM carryoncode
    WHERE conversation_id = :conversation AND :forget_codes AND EXISTS (SELECT 1 FROM written)
),
code_kept AS (
    INSERT INTO carryoncode (code_hash, conversation_id, state_key, expires_at)
    SELECT :code_hash, :conversation, :state_key, :code_expires
    FROM written WHERE :code_hash IS NOT NULL
)
SELECT (SELECT count(*) FROM written) AS written, (SELECT id FROM the_response) AS response_id
"""


def _statement() -> sa.TextClause:
    """The statement, each parameter with its type (timestamps as every timestamp column)."""
    text, integer, boolean, stamp = sa.String(), sa.Integer(), sa.Boolean(), UTCDateTime()
    types: dict[str, sa.types.TypeEngine[Any]] = {
        "conversation": text,
        "last_seq": integer,
        "state_key": text,
        "etag": text,
        "expected": text,
        "data": sa.JSON(),
        "now": stamp,
        "survey_id": text,
        "survey_version": integer,
        "channel": text,
        "resident": text,
        "status": text,
        "consented": boolean,
        "last_question": text,
        "reference": text,
        "flags": sa.JSON(),
        "completed_at": stamp,
        "add_response": boolean,
        "response_id": integer,
        "forget": JSONRows(),
        "answers": JSONRows("value"),
        "transcript": JSONRows(),
        "log": JSONRows("activity"),
        "forget_codes": boolean,
        "code_hash": text,
        "code_expires": stamp,
    }
    return sa.text(_WRITE_TURN).bindparams(
        *(sa.bindparam(name, type_=kind) for name, kind in types.items())
    )


WRITE_TURN: Final = _statement()
