"""Ratings and numbers typed as answers: "4", "four", "4/5", "about a 4 i reckon", "42".

A number that counts something ("on hold for 45 mins") is not a rating; then
the words decide (`dialogs.ratings`).
"""

from __future__ import annotations

import re

from dialogs.hints import number_message, scale_message
from dialogs.numbers import number, numbers_in, ordinal
from dialogs.ratings import rating_in_words, unhedged
from dialogs.reading import NotUnderstood, Reading, Understood
from dialogs.schema import Question
from dialogs.spelling import normalise, words

OUT_OF = re.compile(r"\b(\w+) ?(?:/|out of|outta|of) ?(\w+)\b")


def read_scale(question: Question, text: str) -> Reading:
    """A rating: "4", "four", "4/5", "4 out of 5", "about a 4 i reckon", or in words."""
    for label, value in (
        (question.min_label, question.minimum),
        (question.max_label, question.maximum),
    ):
        if normalise(label) in (text, text.removeprefix(f"{value} ")):
            return Understood(value)
    tokens = words(text)
    plain = unhedged(tokens)
    given = {
        rated
        for said, top in OUT_OF.findall(" ".join(plain))
        if number(top) == question.maximum and (rated := number(said)) is not None
    }
    if len(given) == 1:
        return _in_scale(question, given.pop())
    place = ordinal(" ".join(plain), question.maximum - question.minimum + 1)
    if place is not None and not any(t.isdecimal() for t in tokens):
        # "the third one": the third of the numbers offered, not "one".
        return _in_scale(question, question.minimum + place - 1)
    found = numbers_in(_not_counting(plain))
    if len(set(found)) == 1 and question.minimum <= found[0] <= question.maximum:
        return Understood(found[0])
    # A number that is not a rating ("on hold for 45 mins") leaves the words to judge.
    worded = rating_in_words(question, tokens)
    if worded is not None:
        return Understood(worded)
    return NotUnderstood(scale_message(question))


# Words after a number that make it a count, not a rating: "passed round three departments".
_COUNT_WORDS = frozenset(
    "minute hour day week month year time call person department officer".split()
)
_RATING_WORDS = frozenset("stars points marks out".split())


def _not_counting(tokens: list[str]) -> list[str]:
    """The words, less numbers that count something ("3 departments", "two hours")."""
    kept = []
    for at, token in enumerate(tokens):
        after = tokens[at + 1] if at + 1 < len(tokens) else ""
        if after in ("or", "to") and at + 2 < len(tokens) and number(tokens[at + 2]) is not None:
            after = tokens[at + 3] if at + 3 < len(tokens) else ""  # "one or two pcsos"
        counted = after not in _RATING_WORDS and (
            after in _COUNT_WORDS or (len(after) > 3 and after.endswith("s") and after.isalpha())
        )
        kept.append("" if counted and number(token) is not None else token)
    return kept


def _in_scale(question: Question, value: int) -> Reading:
    if question.minimum <= value <= question.maximum:
        return Understood(value)
    return NotUnderstood(scale_message(question))


def read_number(question: Question, text: str) -> Reading:
    """A whole number within the question's range."""
    found = numbers_in(words(text))
    if len(found) == 1 and question.minimum <= found[0] <= question.maximum:
        return Understood(found[0])
    return NotUnderstood(number_message(question))
