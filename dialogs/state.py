"""The conversation's state: where it stands, and the answers so far.

The state is plain JSON, so any store can hold it and a person can read it:
`State` names its keys. A phase is kept as its string ("asking"); `Phase` is a
`StrEnum`, equal to that string, and `load` makes it a `Phase` again when a
stored state is read back.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NotRequired, TypedDict, cast

from dialogs.schema import Survey

STATE_VERSION = 1


class Phase(StrEnum):
    """Where a conversation stands: which handler reads the resident's next message."""

    # Not started: nothing has been said yet.
    NEW = "new"
    # Started after the survey closed, or before it opened.
    CLOSED = "closed"
    # This resident has completed the survey before.
    TAKEN_PART = "taken_part"
    # Asked whether they want to take part.
    CONSENT = "consent"
    # Said no to taking part: nothing is kept.
    DECLINED = "declined"
    # Asked a question of the survey.
    ASKING = "asking"
    # Asked whether other options apply too, after one option was tapped.
    ADDING = "adding"
    # Shown the check-your-answers summary.
    SUMMARY = "summary"
    # Asked which answer of the summary to change.
    CHOOSE_CHANGE = "choose_change"
    # Asked whether to clear every answer and start again.
    CONFIRM_RESTART = "confirm_restart"
    # Stopped: the answers so far are kept, and "continue" carries on.
    STOPPED = "stopped"
    # Submitted, with a reference.
    DONE = "done"
    # Asked whether to delete everything they have sent.
    CONFIRM_ERASE = "confirm_erase"
    # Everything they sent was deleted.
    ERASED = "erased"


# Before the survey has started: the next message starts it afresh.
NOT_STARTED = frozenset({Phase.NEW, Phase.CLOSED})
# No response is open, so there is nothing to flag.
NO_RESPONSE = frozenset(
    {Phase.NEW, Phase.CONSENT, Phase.CLOSED, Phase.DECLINED, Phase.TAKEN_PART, Phase.ERASED}
)
# Inside the survey: help, back, skip, restart and stop work here.
IN_SURVEY = frozenset({Phase.ASKING, Phase.ADDING, Phase.SUMMARY, Phase.CHOOSE_CHANGE})
# Waiting on an answer that can be asked again, after safety advice or a kept answer.
REPEATABLE = IN_SURVEY | {Phase.CONSENT}
# At the check-your-answers step.
AT_SUMMARY = frozenset({Phase.SUMMARY, Phase.CHOOSE_CHANGE})


class Answer(TypedDict):
    """One answer: the value recorded and what the resident typed for it (redacted)."""

    # The value's type depends on the question's kind: an option id, a list of them, a
    # number, a text, or None for a question skipped.
    value: Any
    raw: str


# Answers by key: "ease|call_101" inside a loop, "channels" outside one.
Answers = dict[str, Answer]


class State(TypedDict):
    """A conversation's state, as stored."""

    v: int
    survey: str
    version: int
    phase: Phase
    # The question being asked, [question id, loop option id or ""], or None.
    at: list[str] | None
    answers: Answers
    # The statements already shown, by answer key.
    shown: list[str]
    # Answers to the current question not understood, in a row.
    misses: int
    # True while changing one answer from the summary: the next answer goes back to it.
    returning: bool
    # Safety categories flagged in the conversation.
    flags: list[str]
    # The reference given on submitting.
    reference: str | None
    # When the resident last sent something, in ISO 8601.
    seen: str | None
    # The phase to go back to after "restart", "stop" or "delete my answers" is answered.
    before_restart: NotRequired[Phase]
    before_stop: NotRequired[Phase]
    before_erase: NotRequired[Phase]


def new_state(survey: Survey) -> State:
    """The state of a conversation that has not started."""
    return {
        "v": STATE_VERSION,
        "survey": survey.id,
        "version": survey.version,
        "phase": Phase.NEW,
        "at": None,
        "answers": {},
        "shown": [],
        "misses": 0,
        "returning": False,
        "flags": [],
        "reference": None,
        "seen": None,
    }


def load(stored: Mapping[str, Any]) -> State:
    """A state as stored (plain JSON), copied deep enough that the stored one never changes.

    The keys stay as they were; the phases become `Phase` again.
    """
    state = cast(State, dict(stored))
    state["phase"] = Phase(stored["phase"])
    for before in ("before_restart", "before_stop", "before_erase"):
        if before in stored:
            state[before] = Phase(stored[before])
    answers = stored.get("answers", {})
    state["answers"] = {key: cast(Answer, dict(entry)) for key, entry in answers.items()}
    state["shown"] = list(stored.get("shown", []))
    state["flags"] = list(stored.get("flags", []))
    return state
