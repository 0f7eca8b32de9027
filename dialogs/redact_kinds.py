"""The kinds of personal detail redaction finds, the tag that replaces each, and a step.

A `Step` finds one kind of detail with a pattern, and its check decides, match
by match, what to put in its place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

EMAIL = "email"
PHONE = "phone"
POSTCODE = "postcode"
NI_NUMBER = "ni-number"
VEHICLE_REG = "vehicle-reg"
CARD_NUMBER = "card-number"
ADDRESS = "address"
DATE_OF_BIRTH = "date-of-birth"
NAME = "name"
CRIME_REF = "crime-ref"
BANK_DETAILS = "bank-details"
NUMBER = "number"

KINDS: tuple[str, ...] = (
    EMAIL,
    PHONE,
    POSTCODE,
    NI_NUMBER,
    VEHICLE_REG,
    CARD_NUMBER,
    ADDRESS,
    DATE_OF_BIRTH,
    NAME,
    CRIME_REF,
    BANK_DETAILS,
    NUMBER,
)
TAG = re.compile(r"\[(" + "|".join(re.escape(kind) for kind in KINDS) + r")\]")


def tag(kind: str) -> str:
    """The placeholder that replaces a detail of `kind`."""
    return f"[{kind}]"


@dataclass(frozen=True)
class Step:
    """Find one kind of detail and replace what the check accepts.

    `check` sees each match and returns the replacement text, which is the
    match itself when the candidate turns out not to be a personal detail.
    """

    kind: str
    pattern: re.Pattern[str]
    check: Callable[[re.Match[str]], str]

    def apply(self, text: str) -> str:
        """Return `text` with this step's details replaced by tags."""
        return self.pattern.sub(self.check, text)


def whole(kind: str) -> Callable[[re.Match[str]], str]:
    """Replace the whole match with the tag."""
    return lambda match: tag(kind)


def after_prefix(kind: str) -> Callable[[re.Match[str]], str]:
    """Keep the lead-in words (group "lead") and replace the rest with the tag."""
    return lambda match: match.group("lead") + tag(kind)
