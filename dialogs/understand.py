"""Understand what a resident typed, however they typed it.

A tapped button, a number, an ordinal ("the second one"), the option's words or
a synonym ("I rang 101"), small typos, several options at once ("1, 3 and 5",
"101 and the website", "all of them"), denials ("not the website, I rang 101"),
ratings and ages in words ("pretty rubbish", "late forties"). Each question kind
has one reader, registered in `READERS`: the choice readers are here, yes/no in
`dialogs.yes_no`, ratings and numbers in `dialogs.scales`. A reader returns
`Understood` or `NotUnderstood` (`dialogs.reading`) with a message that says
what to type (`dialogs.hints`). Anything typed rather than tapped is read back
to the resident by the engine, so a wrong reading can be put right at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from dialogs.ages import OLDEST, age_span
from dialogs.hints import choice_message, hint, listed, multiple_message, or_skip
from dialogs.naming import answer_words, mentioned, named, named_exactly
from dialogs.numbers import numbers_only, ordinal
from dialogs.places import ASK_AGAIN, where_they_are
from dialogs.reading import NotUnderstood, Reading, Understood
from dialogs.scales import read_number, read_scale
from dialogs.schema import Kind, Option, Question
from dialogs.spelling import normalise, words
from dialogs.yes_no import NO_WORDS, UNSURE_WORDS, lead_in_gone, read_yes_no, starts_with

ALL_WORDS = (
    "all", "all of them", "all of these", "all of those", "all of the above", "everything",
    "every one", "all the above", "the lot", "all options", "each of them",
)  # fmt: skip

# The longest answer to a choice, rating or yes/no question that is read for its meaning:
# past it, it is a story, not an answer, and reading it word by word would be slow.
LONGEST_ANSWER = 1000


def mentioned_options(question: Question, text: str) -> list[Option]:
    """The question's options named in a normalised text (in its first part, if long)."""
    return mentioned(question.options, text[:LONGEST_ANSWER])


def _just_one(question: Question, options: list[Option]) -> NotUnderstood:
    """Several options named where one is wanted: ask which."""
    return NotUnderstood(
        f"Choose just one answer: {listed([o.label for o in options])}? "
        f"Type its number{or_skip(question)}."
    )


def read_single(question: Question, text: str, today: date | None = None) -> Reading:
    """A single-choice answer: one option."""
    exact = named_exactly(question.options, text)
    if exact:
        return Understood(exact.id, tapped=True)
    where = where_they_are(question, text)
    if where == ASK_AGAIN:
        return NotUnderstood(choice_message(question))
    if where:
        # Read back, not taken as a tap: "I have put: I work here".
        reading = read_single(replace(question, places=()), where)
        return Understood(reading.value) if isinstance(reading, Understood) else reading
    found = mentioned(question.options, text)
    if any(o.range for o in question.options) and not found and not _option_number(text):
        # An age in words or a span ("late forties", "65+"): before the numbers alone,
        # which would read "65+" as 65.
        banded = _banded(question, text, today)
        if banded:
            return Understood(banded[0].id) if len(banded) == 1 else _just_one(question, banded)
    numbers = numbers_only(text)
    if numbers and len(numbers) == 1:
        return _by_number(question, numbers[0])
    place = ordinal(text, len(question.options))
    if place and 1 <= place <= len(question.options):
        return Understood(question.options[place - 1].id)
    if len(found) == 1:
        return Understood(found[0].id)
    if len(found) > 1:
        return _just_one(question, found)
    return NotUnderstood(choice_message(question))


def _option_number(text: str) -> bool:
    """Whether the text is a bare number short enough to be an option's (not "1985")."""
    return text.isdecimal() and len(text) < 4


def _by_number(question: Question, number: int) -> Reading:
    """An option by its number in the list, or by a band the number falls in (an age)."""
    if 1 <= number <= len(question.options):
        return Understood(question.options[number - 1].id)
    for option in question.options:
        if option.range and option.range[0] <= number <= option.range[1]:
            return Understood(option.id)
    return NotUnderstood(choice_message(question))


def _banded(question: Question, text: str, today: date | None) -> list[Option]:
    """The bands an age could fall in ("late forties", "65+", "born in 1985"): one when
    the answer is clear, two or more when it could be either."""
    span = age_span(words(text), today)
    if span is None:
        return []
    bands = [o for o in question.options if o.range]
    low = max(span[0], min(o.range[0] for o in bands if o.range))
    high = min(span[1], max(o.range[1] for o in bands if o.range), OLDEST)
    return [o for o in bands if o.range and o.range[0] <= high and low <= o.range[1]]


def read_multiple(question: Question, text: str) -> Reading:
    """A multiple-choice answer: a list of option ids, in the question's order."""
    exact = named_exactly(question.options, text)
    if exact:
        return Understood([exact.id], tapped=True)
    if text in ALL_WORDS:
        return Understood([o.id for o in question.options if not o.exclusive])
    numbers = numbers_only(text)
    if numbers is not None:
        count = len(question.options)
        found = mentioned(question.options, text)
        if not all(1 <= n <= count for n in numbers) and found:
            return _combined(question, found)  # "only the 101 number": 101 is a name here
        if not all(1 <= n <= count for n in numbers):
            return NotUnderstood(
                f"Choose numbers from 1 to {count}, for example 1, 4{or_skip(question)}."
            )
        chosen = {question.options[n - 1].id for n in numbers}
        return _combined(question, [o for o in question.options if o.id in chosen])
    found = mentioned(question.options, text)
    if not found:
        return NotUnderstood(multiple_message(question))
    return _combined(question, found)


def _combined(question: Question, chosen: list[Option]) -> Reading:
    """Several options at once, as long as none of them stands alone."""
    lone = [o for o in chosen if o.exclusive]
    if lone and len(chosen) > 1:
        return NotUnderstood(
            f'You chose "{lone[0].label}" with other answers. Choose "{lone[0].label}" '
            "on its own, or just the answers that apply."
        )
    return Understood([o.id for o in chosen])


def read_free_text(question: Question, text: str) -> Reading:
    """Free text within the question's length limits (the original text, not normalised)."""
    length = len(text)
    if length > question.max_length:
        # Kept, not thrown away: the first part, and the resident is told.
        return Understood(
            text[: question.max_length].rstrip(),
            note=(
                f"Your answer was {length:,} characters long, so we kept the first "
                f"{question.max_length:,}. Type back if you want to shorten it yourself."
            ),
        )
    if length < question.min_length:
        return NotUnderstood(f"Please type your answer{or_skip(question)}.")
    return Understood(text)


Reader = Callable[[Question, str], Reading]
READERS: dict[Kind, Reader] = {
    Kind.SINGLE_CHOICE: read_single,
    Kind.MULTIPLE_CHOICE: read_multiple,
    Kind.SCALE: read_scale,
    Kind.YES_NO: read_yes_no,
    Kind.NUMBER: read_number,
}


def understand(question: Question, typed: str, *, today: date | None = None) -> Reading:
    """Read what the resident typed as an answer to the question.

    `today` is the day of the turn, for an age given as a year of birth.
    """
    if question.kind is Kind.FREE_TEXT:
        return read_free_text(question, typed.strip())
    if len(typed) > LONGEST_ANSWER:
        return NotUnderstood(hint(question))

    def reader(question: Question, text: str) -> Reading:
        if question.kind is Kind.SINGLE_CHOICE:
            return read_single(question, text, today)
        return READERS[question.kind](question, text)

    text = normalise(typed)
    reading = reader(question, text)
    if question.kind not in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE):
        return reading
    if isinstance(reading, Understood) and reading.tapped:
        return reading
    if where_they_are(question, text) is not None:
        return reading  # where they live and work weighs its own denials
    if question.kind is Kind.MULTIPLE_CHOICE:
        excepted = _all_except(question, typed)
        if excepted is not None:
            return excepted
    affirmed = _affirmed(question, typed)
    if question.kind is Kind.MULTIPLE_CHOICE and _no_contact(question, text, affirmed):
        return Understood([o.id for o in question.options if o.exclusive])
    if affirmed == text:
        return reading
    kept = reader(question, affirmed) if affirmed else reader(question, "")
    if isinstance(kept, Understood):
        return kept
    # Everything named was denied ("I've never contacted them"): only "None of these" stands.
    if isinstance(reading, Understood) and _only_exclusive(question, reading.value):
        return reading
    return kept


# "i didnt contact them", "not in the last 12 months", "nope not once": nothing used.
NO_CONTACT = re.compile(
    r"^(?:no|nope|nah|na|never|none|nothing|nil|zero)\b"
    r"|\b(?:not|never|didnt|havent|hasnt|dont|no|nope)\b(?: \w+){0,4}? "
    r"(?:contact\w*|use[ds]?|using|need(?:ed)?|been in touch|got in touch|get in touch|once|"
    r"any\w*|bothered|last|this year|yet|had to|reason)\b"
)


def _no_contact(question: Question, text: str, affirmed: str) -> bool:
    """Whether the answer says nothing was used ("nope, not once", "i didnt contact them"),
    naming no option, where the question has one "None of these"."""
    if len([o for o in question.options if o.exclusive]) != 1:
        return False
    if mentioned(question.options, affirmed):
        return False
    if starts_with(lead_in_gone(text), UNSURE_WORDS):
        return False
    if mentioned(question.options, text) and affirmed:
        return False
    return (not affirmed and starts_with(text, NO_WORDS)) or bool(NO_CONTACT.search(text))


# Words that deny what follows them in the same clause ("I didn't use the website").
DENIALS = frozenset(
    "not dont didnt doesnt havent hadnt hasnt never no wont wouldnt cant cannot couldnt "
    "without nor".split()
)
# Where a clause ends: a denial before it does not reach past it.
CLAUSE_BREAK = re.compile(
    r"[,;.!?()]+|\s[-\u2013\u2014]\s|\b(?:but|just|only|instead|although|though|whereas|"
    r"however|rather|except|so)\b",
    re.IGNORECASE,
)
EXCEPT = re.compile(r"\b(?:except(?: for)?|apart from|other than|but not|besides|bar)\b", re.I)


def _affirmed(question: Question, typed: str) -> str:
    """The text without what it denies: in each clause, the words from a denial on, unless
    the denial is part of an option's own name ("no preference", "not contacted")."""
    kept: list[str] = []
    for clause in CLAUSE_BREAK.split(typed):
        tokens = answer_words(question.options, normalise(clause))
        if DENIALS & set(tokens):
            names = [n for n in named(question.options, tokens) if n.first < n.last]
            for index, token in enumerate(tokens):
                if token in DENIALS and not any(n.first <= index <= n.last for n in names):
                    tokens = tokens[:index]
                    break
        kept.extend(tokens)
    return " ".join(kept)


def _all_except(question: Question, typed: str) -> Reading | None:
    """ "All of them except Facebook": every option but the ones named after the exception."""
    found = EXCEPT.search(typed)
    if found is None:
        return None
    before = normalise(typed[: found.start()])
    if not any(before == w or before.endswith(" " + w) for w in ALL_WORDS):
        return None
    left_out = mentioned(question.options, normalise(typed[found.end() :]))
    if not left_out:
        return None
    return Understood([o.id for o in question.options if not o.exclusive and o not in left_out])


def _only_exclusive(question: Question, value: Any) -> bool:
    chosen = value if isinstance(value, list) else [value]
    options = [question.option(option_id) for option_id in chosen]
    return bool(options) and all(o is not None and o.exclusive for o in options)
