"""One turn of a resident's conversation, from what they sent to what is stored and sent back.

Load the conversation's state, run the engine, and commit the new state, the
answers, the transcript and the replies in one transaction. Only then are the
replies sent. Used by every way in: `/api/messages`, Direct Line and the
terminal chat.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot import channels
from bot.language import Language, load_language
from bot.settings import Settings
from dialogs import engine
from dialogs.safety import Scores
from dialogs.schema import Survey
from storage.carry_on import carry_on, stopped_at
from storage.database import Database
from storage.errors import DuplicateActivity, EtagConflict
from storage.state import ETAG_KEY, StateStore
from storage.turn_start import begin_turn, lock_conversation
from storage.turns import AnswerWrite, TurnRecord, write_turn

log = logging.getLogger(__name__)

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
REFERENCE_LENGTH = 8
ETAG_RETRIES = 5
BOT_ACCOUNT = {"id": "survey-bot", "name": "Survey", "role": "bot"}


@dataclass
class Services:
    """What a turn needs: settings, the survey, the database and the language models."""

    settings: Settings
    survey: Survey
    db: Database
    language: Language = field(default_factory=load_language)

    @property
    def states(self) -> StateStore:
        """Conversation state, with e-tags."""
        return StateStore(self.db)


@dataclass(frozen=True)
class Arrival:
    """Something a resident's channel sent: a message, or the start of a conversation."""

    channel: str
    conversation_id: str
    user_id: str
    text: str = ""
    # The incoming activity as JSON (with "id"), logged with the turn; None for a welcome.
    activity: dict[str, Any] | None = None
    welcome: bool = False
    # For a welcome: where replies go, as a message from the resident would address them
    # (the join event's serviceUrl and conversation, the resident as "from", the bot as
    # "recipient"), since there is no message to reply to.
    address: dict[str, Any] | None = None


def new_reference() -> str:
    """A short reference code a resident can quote, such as "HX7K2P9Q"."""
    # 32 letters: each random byte's low five bits pick one, evenly.
    return "".join(REFERENCE_ALPHABET[byte & 31] for byte in secrets.token_bytes(REFERENCE_LENGTH))


# A code typed to carry on a stopped survey: "HX7K 2P9Q", "hx7k-2p9q", "my code is HX7K2P9Q".
_TYPED_CODE = re.compile(
    r"^(?:(?:my\s+|the\s+)?code(?:\s+is)?\s*:?\s*)?([a-z0-9]{4})[\s-]?([a-z0-9]{4})[.!]?$",
    re.IGNORECASE,
)
# Phases in which a code is looked for: before the survey has started in this chat, or
# stopped in it. Part way through, eight letters are an answer.
CODE_PHASES = frozenset({"new", "consent", "declined", "closed", "taken_part", "stopped"})


def typed_code(text: str) -> str | None:
    """The carry-on code a message consists of, upper-cased, if it is one."""
    found = _TYPED_CODE.match(text.strip())
    if not found:
        return None
    code = (found.group(1) + found.group(2)).upper()
    return code if all(c in REFERENCE_ALPHABET for c in code) else None


def code_hash(settings: Settings, code: str) -> str:
    """The keyed hash a carry-on code is stored under: the code itself is never kept."""
    key = settings.resident_hash_key.get_secret_value().encode()
    return hmac.new(key, f"carry-on:{code}".encode(), hashlib.sha256).hexdigest()


def resident_hash(settings: Settings, channel: str, user_id: str) -> str:
    """A keyed hash that recognises a returning resident without storing their id."""
    key = settings.resident_hash_key.get_secret_value().encode()
    return hmac.new(key, f"{channel}:{user_id}".encode(), hashlib.sha256).hexdigest()[:40]


def state_key(channel: str, conversation_id: str) -> str:
    """Where a conversation's state is stored (botbuilder's key shape)."""
    return f"{channel}/conversations/{conversation_id}"


async def run_turn(services: Services, arrival: Arrival) -> list[dict[str, Any]]:
    """Run one turn and return the reply activities, stored before they are returned."""
    for _ in range(ETAG_RETRIES):
        try:
            return await _attempt(services, arrival)
        except EtagConflict:
            log.info(
                "state of %s changed under us; running the turn again", arrival.conversation_id
            )
        except DuplicateActivity as duplicate:
            log.info(
                "activity seen before in %s; sending the same replies", arrival.conversation_id
            )
            return list(duplicate.replies)
    raise EtagConflict(f"could not run the turn for {arrival.conversation_id}")


async def _attempt(services: Services, arrival: Arrival) -> list[dict[str, Any]]:
    """Read the state, run the survey and write the turn, in one write transaction.

    One transaction, run whole (see `Database.run_write`), is the cheapest way
    through the database: one statement takes the lock and reads, one writes
    (on PostgreSQL; `storage.turns`). The e-tag check stays, for a state
    written by another instance in between.
    """
    survey, settings = services.survey, services.settings
    key = state_key(arrival.channel, arrival.conversation_id)
    now = datetime.now(UTC)
    resident = resident_hash(settings, arrival.channel, arrival.user_id)
    reference = new_reference()
    check_taken_part = settings.one_response_per_resident
    # Outside the transaction: the redaction, once, and the classifier, only for typed words.
    redacted = services.language.redactor.redact(arrival.text)
    scores = await _scores(services, arrival)

    code = None if arrival.welcome else typed_code(arrival.text)
    carry_on_code = new_reference()

    def step(connection: sa.Connection) -> list[dict[str, Any]]:
        start = begin_turn(
            connection,
            conversation_id=arrival.conversation_id,
            state_key=key,
            activity_id=(arrival.activity or {}).get("id") or None,
            resident=resident if check_taken_part else None,
            survey_id=survey.id,
        )
        stored = start.state
        carried = None
        if code is not None and (stored is None or stored.get("phase") in CODE_PHASES):
            carried = _carried_on(services, connection, arrival, key, stored, code, now)
        if carried is not None:
            outcome, etag = carried
        elif stored is None:
            taken_part = start.taken_part
            if arrival.welcome:
                outcome = engine.start(survey, now, taken_part=taken_part)
            else:
                incoming = engine.Incoming(
                    arrival.text,
                    now,
                    reference,
                    taken_part=taken_part,
                    redacted=redacted,
                    scores=scores,
                    carry_on_code=carry_on_code,
                )
                outcome = engine.turn(survey, engine.new_state(survey), incoming)
            etag = None
        elif arrival.welcome:
            return []  # A conversation that has started already: nothing to say until they speak.
        else:
            etag = stored.pop(ETAG_KEY)
            incoming = engine.Incoming(
                arrival.text,
                now,
                reference,
                redacted=redacted,
                scores=scores,
                carry_on_code=carry_on_code,
            )
            outcome = engine.turn(survey, stored, incoming)
        outgoing = _addressed(channels.render(outcome.messages, arrival.channel), arrival, now)
        record = _record(services, arrival, outcome, key, etag, outgoing, resident, now, redacted)
        # A survey carried on from another chat has moved its response here: read it again.
        write_turn(connection, record, None if carried is not None else start)
        return outgoing

    return await services.db.run_write(step)


def _carried_on(
    services: Services,
    connection: sa.Connection,
    arrival: Arrival,
    key: str,
    stored: dict[str, Any] | None,
    code: str,
    now: datetime,
) -> tuple[engine.Outcome, str | None] | None:
    """A carry-on code typed here: the survey it stopped, moved into this chat.

    Returns the turn's outcome and the e-tag to write over, or None when the
    message is not a code after all and the turn goes on as usual.
    """
    survey = services.survey
    hashed = code_hash(services.settings, code)
    found = stopped_at(connection, code_hash=hashed, now=now)
    if found is None:
        if stored is not None and stored.get("phase") == "stopped":
            return None  # Stopped here: "continue" is what they need; the engine says so.
        etag = None if stored is None else stored.pop(ETAG_KEY)
        return engine.code_not_recognised(survey, stored, now), etag
    old_conversation, old_key = found
    if old_conversation == arrival.conversation_id:
        if stored is None:
            return None
        etag = stored.pop(ETAG_KEY)
        return engine.carried_on(survey, stored, now), etag
    if stored is not None and stored.get("phase") == "stopped":
        # A survey stopped in this chat too: one chat holds one survey, so this one stays.
        return None
    lock_conversation(connection, old_conversation)
    state = carry_on(
        connection,
        code_hash=hashed,
        old_key=old_key,
        old_conversation=old_conversation,
        new_key=key,
        new_conversation=arrival.conversation_id,
        channel=arrival.channel,
    )
    if state is None:
        etag = None if stored is None else stored.pop(ETAG_KEY)
        return engine.code_not_recognised(survey, stored, now), etag
    state.pop(ETAG_KEY, None)
    log.info("survey carried on from %s in %s", old_conversation, arrival.conversation_id)
    return engine.carried_on(survey, state, now), None


async def _scores(services: Services, arrival: Arrival) -> Scores | None:
    """The safety classifier's view of a message typed in the resident's own words.

    Taps and the survey's own words skip it. It runs on a worker thread (numpy
    lets go of the interpreter lock), before the turn's transaction.
    """
    if arrival.welcome or not engine.needs_scores(services.survey, arrival.text):
        return None
    return await asyncio.to_thread(services.language.safety.predict, arrival.text)


def _addressed(
    activities: list[dict[str, Any]], arrival: Arrival, now: datetime
) -> list[dict[str, Any]]:
    """Replies addressed back to the resident, as they are stored and sent."""
    incoming = arrival.activity or arrival.address or {}
    base: dict[str, Any] = {
        "from": incoming.get("recipient") or BOT_ACCOUNT,
        "recipient": incoming.get("from") or {"id": arrival.user_id},
        "conversation": incoming.get("conversation") or {"id": arrival.conversation_id},
        "channelId": arrival.channel,
        "timestamp": now.isoformat().replace("+00:00", "Z"),
    }
    if incoming.get("serviceUrl"):
        base["serviceUrl"] = incoming["serviceUrl"]
    if incoming.get("id") and arrival.activity is not None:
        base["replyToId"] = incoming["id"]
    return [{**activity, **base} for activity in activities]


def _record(
    services: Services,
    arrival: Arrival,
    outcome: engine.Outcome,
    key: str,
    etag: str | None,
    outgoing: list[dict[str, Any]],
    resident: str,
    now: datetime,
    redacted: str,
) -> TurnRecord:
    """The turn as storage writes it, in one transaction."""
    events = outcome.events
    changes: dict[str, Any] = {}
    for name in ("status", "reference", "last_question"):
        if name in events:
            changes[name] = events[name]
    if events.get("consented"):
        changes["consented"] = True
    if events.get("status") == "completed":
        changes["completed_at"] = now
    transcript = []
    if not arrival.welcome:
        transcript.append(("resident", redacted, now))
    transcript += [("bot", _transcript_text(m), now) for m in outcome.messages]
    survey = services.survey
    return TurnRecord(
        conversation_id=arrival.conversation_id,
        channel=arrival.channel,
        survey_id=survey.id,
        survey_version=survey.version,
        state_key=key,
        expected_etag=etag,
        new_state=dict(outcome.state),
        resident=resident,
        start_response=bool(events.get("consented")),
        response_changes=changes,
        add_flags=list(events.get("flags", [])),
        answers=[
            AnswerWrite(r["question"], r["item"], r["value"], r["raw"]) for r in outcome.record
        ],
        forget=list(outcome.forget),
        transcript=transcript,
        incoming=_redacted_activity(services, arrival, redacted),
        outgoing=outgoing,
        discard_conversation=bool(events.get("discard")),
        carry_on_code=_code_to_keep(services, events, now),
    )


def _code_to_keep(
    services: Services, events: engine.Events, now: datetime
) -> tuple[str, datetime] | None:
    """The code the resident was given to carry on in another chat, as it is stored."""
    code = events.get("carry_on_code")
    if not code:
        return None
    expires = now + timedelta(days=engine.CARRY_ON_DAYS)
    return code_hash(services.settings, str(code)), expires


def _redacted_activity(
    services: Services, arrival: Arrival, redacted: str
) -> dict[str, Any] | None:
    """The resident's activity as logged: its text redacted like everything else kept."""
    if arrival.activity is None:
        return None
    logged = dict(arrival.activity)
    text = logged.get("text")
    if isinstance(text, str):
        same = text == arrival.text
        logged["text"] = redacted if same else services.language.redactor.redact(text)
    return logged


def _transcript_text(message: dict[str, Any]) -> str:
    """A bot message as one transcript line."""
    lines = [message["text"]]
    lines += [f"{r['number']}. {r['question']}: {r['answer']}" for r in message.get("rows", [])]
    return "\n".join(lines)
