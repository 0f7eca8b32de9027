"""Ages as people say them: "67", "sixty-seven", "late forties", "65+", "born in 1985".

Each is read as the span of ages it could mean, so that an answer is put in a
band only when the whole span falls inside it: "late forties" (47 to 49) is
45 to 54, while "mid fifties" (54 to 56) or "65+" could be either of two bands
and the resident is asked which.
"""

from __future__ import annotations

import re
from datetime import date

from dialogs.numbers import TENS, number, numbers_in

OLDEST = 120
DECADES = {
    "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
    "seventies": 70, "eighties": 80, "nineties": 90, "20s": 20, "30s": 30, "40s": 40, "50s": 50,
    "60s": 60, "70s": 70, "80s": 80, "90s": 90,
}  # fmt: skip
# Which years of a decade "early", "mid" and "late" mean.
PART_OF_DECADE = {"early": (0, 3), "mid": (4, 6), "middle": (4, 6), "late": (7, 9)}
# A decade said as "thirty something" or "forty odd".
SOMETHING = frozenset({"something", "odd", "ish"})
ABOVE = frozenset({"over", "above", "older", "more"})  # "over 80", "older than 70"
BELOW = frozenset({"under", "below", "younger", "less"})  # "under 18"
AND_UP = ("+", "plus", "or over", "and over", "or older", "and older", "or more", "and up")
NEARLY = frozenset({"nearly", "almost", "nearing", "approaching"})  # "nearly 40" is 39
HALF = re.compile(r"\bhalf (?:way )?(?:to|of) (?:a )?(\w+)\b")
BORN = re.compile(r"\b(?:born|b)(?: in)? (\d{4})\b|^(\d{4})$")
Span = tuple[int, int]


def age_span(tokens: list[str], today: date | None = None) -> Span | None:
    """The ages an answer could mean, youngest and oldest; None when it gives no age."""
    text = " ".join(tokens)
    born = BORN.search(text)
    if born:
        year = int(born.group(1) or born.group(2))
        if today is None or not today.year - OLDEST <= year <= today.year:
            return None
        return (max(0, today.year - year - 1), today.year - year)
    half = HALF.search(text)
    if half and (whole := number(half.group(1))) is not None:
        return (whole // 2, whole // 2)
    return _decade(tokens) or _bounded(tokens) or _plain(tokens)


def _decade(tokens: list[str]) -> Span | None:
    """ "Early thirties" is 30 to 33, "late 60s" 67 to 69, "in my 80s" 80 to 89."""
    for at, token in enumerate(tokens):
        tens = DECADES.get(token)
        if tens is None and at + 1 < len(tokens) and tokens[at + 1] in SOMETHING:
            tens = number(token) if number(token) in TENS else None
        if tens is None:
            continue
        part = tokens[at - 1] if at else ""
        first, last = PART_OF_DECADE.get(part, (0, 9))
        if at >= 3 and tokens[at - 2] == "to" and tokens[at - 3] in PART_OF_DECADE:
            first = PART_OF_DECADE[tokens[at - 3]][0]  # "mid to late forties"
        return (tens + first, tens + last)
    return None


def _bounded(tokens: list[str]) -> Span | None:
    """ "Over 80", "65+", "70 or over", "under 18", "nearly 40", "just turned 60"."""
    for at, token in enumerate(tokens):
        value = number(token)
        if value is None:
            continue
        # "65 and over" or "sixty five plus": the number may be two words.
        end = at + 1
        unit = number(tokens[end]) if end < len(tokens) and value in TENS else None
        if unit is not None and 0 < unit < 10:
            value, end = value + unit, end + 1
        before = tokens[max(0, at - 3) : at]
        said_before = " ".join(before)
        after = " ".join(tokens[end : end + 2])
        if any(after == w or after.startswith(w + " ") for w in AND_UP):
            return (value, OLDEST)
        if said_before.endswith("just over"):
            return (value, value + 1)
        if ABOVE & set(before[-2:]):
            return (value + 1, OLDEST)
        if BELOW & set(before[-2:]):
            return (0, value - 1)
        if NEARLY & set(before[-2:]) or said_before.endswith(("coming up to", "just under")):
            return (value - 1, value - 1)
    return None


def _plain(tokens: list[str]) -> Span | None:
    """One age ("67", "sixty-seven"), or a range of two ("18-24", "between 40 and 50")."""
    found = numbers_in(tokens)
    if len(found) == 1:
        return (found[0], found[0])
    if len(found) == 2 and found[0] < found[1]:
        return (found[0], found[1])
    return None
