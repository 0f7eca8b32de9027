"""Numbers as people type them: "42", "forty two", "forty-two", "fortytwo", "fourty".

Misspelt number words are read only when they are long and close to one number
word alone, so that "there" is never three.
"""

from __future__ import annotations

from functools import lru_cache

from dialogs.naming import SEPARATORS
from dialogs.spelling import distance, words

NUMBER_WORDS = {
    "zero": 0, "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "eleventh": 11, "11th": 11, "twelfth": 12,
    "12th": 12,
}  # fmt: skip
TENS = frozenset({20, 30, 40, 50, 60, 70, 80, 90})
# Longer runs of digits than any answer needs are read as one number past every bound.
MAX_DIGITS = 12
TOO_BIG = 10**MAX_DIGITS
# A misspelt number word is at least this long ("fourty", "nintey"), so that short words
# one letter from a number ("there", "sixth") are left alone.
MISSPELT_FROM = 6
# No number word, run together or misspelt, is longer ("seventyseven" is 12).
LONGEST_WORD = 16


def whole_number(token: str) -> int | None:
    """A run of digits (in any script) as a number; None if it is not one."""
    if not token.isdecimal():
        return None
    return int(token) if len(token) <= MAX_DIGITS else TOO_BIG


@lru_cache(maxsize=4096)
def number_word(token: str) -> int | None:
    """A number said in one word: "forty", "fourty", "fortytwo", "fourish"."""
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    if token in ORDINALS or not token.isalpha() or len(token) > LONGEST_WORD:
        return None
    if token.endswith("ish") and token[:-3] in NUMBER_WORDS:
        return NUMBER_WORDS[token[:-3]]
    for split in range(3, len(token) - 2):
        tens, unit = number_word(token[:split]), NUMBER_WORDS.get(token[split:])
        if tens in TENS and unit is not None and 0 < unit < 10:
            return tens + unit
    if len(token) < MISSPELT_FROM:
        return None
    near = {
        value
        for word, value in NUMBER_WORDS.items()
        if word[0] == token[0] and len(word) > 3 and distance(token, word) == 1
    }
    return near.pop() if len(near) == 1 else None


def number(token: str) -> int | None:
    """A word as a number, in digits or in words; None if it is not one."""
    value = whole_number(token)
    return value if value is not None else number_word(token)


def numbers_in(tokens: list[str]) -> list[int]:
    """Every number in the words, digits or words, with "forty two" read as 42."""
    found: list[int] = []
    after_tens = False
    for token in tokens:
        value = number(token) if token not in {"none", "zero"} else None
        if value is None:
            after_tens = False
            continue
        if after_tens and 0 < value < 10 and not token.isdecimal():
            found[-1] += value
            after_tens = False
            continue
        found.append(value)
        after_tens = value in TENS and not token.isdecimal()
    return found


def numbers_only(text: str) -> list[int] | None:
    """The numbers in a text made only of numbers ("1, 3 and 5", "2nd and 4th")."""
    tokens = [t for t in words(text.replace("/", " / ")) if t not in SEPARATORS]
    tokens = [t for t in tokens if t not in {"number", "numbers", "option", "options", "the"}]
    if not tokens:
        return None
    # "the third one": "one" after an ordinal stands for the option, it is not a number.
    tokens = [
        t
        for i, t in enumerate(tokens)
        if not (t in {"one", "ones"} and i and tokens[i - 1] in ORDINALS)
    ]
    numbers = []
    for token in tokens:
        value = number(token) if token != "none" else None
        if value is None:
            value = ORDINALS.get(token)
        if value is None:
            return None
        numbers.append(value)
    return numbers


# Words after an ordinal that show it picks an option: "the second one", "third option".
_PICKS = frozenset({"one", "option", "choice", "box", "number", "answer"})


def ordinal(text: str, count: int) -> int | None:
    """An ordinal that picks an option in a short answer ("the second one", "the last one"),
    not one that is part of a phrase ("first class")."""
    tokens = words(text)
    if len(tokens) > 5:
        return None
    for at, token in enumerate(tokens):
        if token not in ORDINALS and token != "last":
            continue
        after = tokens[at + 1] if at + 1 < len(tokens) else ""
        if after and after not in _PICKS and not (at and tokens[at - 1] == "the"):
            continue
        return count if token == "last" else ORDINALS[token]
    return None
