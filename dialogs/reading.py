"""What a reader makes of an answer: `Understood`, or `NotUnderstood` with what to type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Understood:
    """An answer that fits the question, as the value to record."""

    value: Any
    # True when the resident picked exactly one option by its own words (a tap).
    tapped: bool = False
    # Something to tell the resident about how the answer was taken ("we kept the first...").
    note: str = ""


@dataclass(frozen=True)
class NotUnderstood:
    """An answer that does not fit, with a message saying what to type."""

    message: str


Reading = Understood | NotUnderstood
