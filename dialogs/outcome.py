"""A turn's input and output: what the resident sent, and what the engine makes of it.

Every handler of the engine takes the survey, the turn's `Outcome` so far and
the `Incoming` message, and returns the `Outcome`, with messages added and the
state moved on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypedDict

from dialogs.flow import Position
from dialogs.render import Message
from dialogs.safety import Scores
from dialogs.schema import Survey
from dialogs.state import State


@dataclass(frozen=True)
class Incoming:
    """What the resident sent, with the time and a reference code to use if they submit."""

    text: str
    now: datetime
    reference: str = ""
    # Whether this resident has completed the survey before (checked by the caller).
    taken_part: bool = False
    # The text with personal details removed: all the engine keeps of what was typed.
    redacted: str | None = field(default=None, kw_only=True)
    # The learned safety classifier's view of the text, when the caller ran it
    # (see `engine.needs_scores`); the rules run on every message regardless.
    scores: Scores | None = field(default=None, kw_only=True)
    # A fresh code to give if the resident stops, to carry on in any chat (made by the caller).
    carry_on_code: str = field(default="", kw_only=True)


class Recorded(TypedDict):
    """An answer to record: `item` is the loop option, "" outside loops."""

    question: str
    item: str
    value: Any
    raw: str


class Events(TypedDict, total=False):
    """What the caller does with the response as a whole, when a turn changes it."""

    # The resident said yes to taking part: start their response.
    consented: bool
    status: Literal["in_progress", "completed", "abandoned"]
    # The reference given on submitting.
    reference: str
    # Safety categories to flag on the response.
    flags: list[str]
    # The last question asked, for the response's record of where the resident got to.
    last_question: str
    # The resident declined, or asked for their answers to be deleted: keep nothing.
    discard: bool
    # The code given on stopping, to carry on in another chat.
    carry_on_code: str


@dataclass
class Outcome:
    """What a turn produces: messages to send, answers to record, and the new state."""

    state: State
    messages: list[Message] = field(default_factory=list)
    record: list[Recorded] = field(default_factory=list)
    forget: list[Position] = field(default_factory=list)
    events: Events = field(default_factory=Events)
    # Seconds since the resident's previous message (0 for the first).
    away: float = 0.0

    def say(self, *messages: Message) -> Outcome:
        """Add messages to send."""
        self.messages.extend(messages)
        return self

    def say_first(self, messages: list[Message]) -> Outcome:
        """Put messages before the ones already here."""
        self.messages[:0] = messages
        return self


# Reads the resident's message in one phase, or one command, and moves the conversation on.
Handler = Callable[[Survey, Outcome, Incoming], Outcome]
