"""Understand what a resident typed, however they typed it.

A tapped button, a number, an ordinal ("the second one"), the option's words or
a synonym ("I rang 101"), small typos, several options at once ("1, 3 and 5",
"101 and the website", "all of them"). Each question kind has one reader,
registered in `READERS`; a reader returns `Understood` or `NotUnderstood` with
a message that says what to type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from dialogs.schema import Kind, Option, Question

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
# Words that carry no meaning when matching an answer to an option.
FILLER = frozenset(
    (
        "the a an my i me we it its to of by on at in or and for with via through using used "
        "use was were is did do have has had just only mostly mainly usually probably think "
        "guess one ones option number answer please ok okay um erm uh yes well so like really"
    ).split()
)
SEPARATORS = frozenset({"and", "or", "plus", "also", "then", "&", "+", "/", ","})
ALL_WORDS = (
    "all", "all of them", "all of these", "all of those", "all of the above", "everything",
    "every one", "all the above", "the lot", "all options", "each of them",
)  # fmt: skip
YES_WORDS = (
    "yes", "y", "yeah", "yea", "yeh", "yep", "yup", "ya", "aye", "sure", "of course",
    "definitely", "absolutely", "correct", "it was", "i did", "i do", "i would", "certainly",
    "yes please", "ok", "okay", "indeed", "totally", "very much so", "course",
)  # fmt: skip
NO_WORDS = (
    "no", "n", "nope", "nah", "na", "not really", "never", "no way", "i didnt", "it wasnt",
    "i dont", "i wouldnt", "definitely not", "absolutely not", "not at all", "no thanks",
    "no thank you", "not for me", "nay", "negative",
)  # fmt: skip
INTENSIFIERS = frozenset({"very", "extremely", "really", "super", "totally", "completely"})
NEGATIONS = frozenset({"not", "isnt", "wasnt", "arent", "werent", "never", "no"})
MIDDLE_WORDS = frozenset({
    "ok", "okay", "average", "neutral", "neither", "so so", "alright", "fine", "middling",
    "in between", "in the middle", "not bad", "mixed", "its ok", "it was ok", "it was okay",
})  # fmt: skip
UNSURE_WORDS = (
    "not sure", "maybe", "perhaps", "dont know", "do not know", "dunno", "unsure",
    "possibly", "might", "might be", "it depends", "depends", "not certain", "idk",
    "no idea", "could be", "sometimes", "kind of", "sort of",
)  # fmt: skip


@dataclass(frozen=True)
class Understood:
    """An answer that fits the question, as the value to record."""

    value: Any
    # True when the resident picked exactly one option by its own words (a tap).
    tapped: bool = False


@dataclass(frozen=True)
class NotUnderstood:
    """An answer that does not fit, with a message saying what to type."""

    message: str


Reading = Understood | NotUnderstood


def normalise(text: str) -> str:
    """Lower case, plain apostrophes gone, punctuation as spaces, spaces collapsed."""
    text = text.lower().replace("\u2019", "'").replace("'", "")
    text = re.sub(r"(\d)\s*/\s*(\d)", r"\1/\2", text)
    text = re.sub(r"[^a-z0-9/&+]+", " ", text)
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The words of a normalised text, with "&" and "+" standing alone."""
    return re.sub(r"([&+])", r" \1 ", text).split()


def _stem(word: str) -> str:
    """A rough stem, so "phoned", "phones" and "phone" meet."""
    for ending in ("ing", "ed", "es", "s"):
        if len(word) > len(ending) + 3 and word.endswith(ending):
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=4096)
def _close(typed: str, wanted: str) -> bool:
    """Whether a typed word is the wanted word, allowing a small typo."""
    if typed == wanted or _stem(typed) == _stem(wanted):
        return True
    if typed.isdigit() or wanted.isdigit() or len(wanted) < 4 or typed[:1] != wanted[:1]:
        return False
    ratio = SequenceMatcher(None, typed, wanted).ratio()
    return ratio >= (0.8 if len(wanted) < 8 else 0.75)


def _meaningful(tokens: Iterable[str]) -> list[str]:
    return [t for t in tokens if t not in FILLER]


@lru_cache(maxsize=256)
def _phrases(option: Option) -> tuple[tuple[str, ...], ...]:
    """Every way of naming an option, as word sequences, longest first."""
    texts = [option.label, option.name, option.id.replace("_", " "), *option.synonyms]
    seen: set[tuple[str, ...]] = set()
    for text in texts:
        tokens = tuple(_meaningful(words(normalise(text))))
        if tokens:
            seen.add(tokens)
    return tuple(sorted(seen, key=len, reverse=True))


def _exact(question: Question, text: str) -> Option | None:
    """The option whose label, name or synonym is exactly what was typed."""
    for option in question.options:
        names = (option.label, option.name, option.id.replace("_", " "), *option.synonyms)
        if any(normalise(name) == text for name in names):
            return option
    return None


def _mentioned(options: tuple[Option, ...], text: str) -> list[Option]:
    """The options named anywhere in the text, each word used for one option at most."""
    tokens = _meaningful(words(text))
    used = [False] * len(tokens)
    candidates = sorted(
        ((phrase, option) for option in options for phrase in _phrases(option)),
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
    found: list[Option] = []
    for phrase, option in candidates:
        span = len(phrase)
        for start in range(len(tokens) - span + 1):
            window = range(start, start + span)
            if any(used[i] for i in window):
                continue
            if all(_close(tokens[i], phrase[i - start]) for i in window):
                for i in window:
                    used[i] = True
                if option not in found:
                    found.append(option)
    return [o for o in options if o in found]


# Longer runs of digits than any answer needs are read as one number past every bound.
MAX_DIGITS = 12
TOO_BIG = 10**MAX_DIGITS


def whole_number(token: str) -> int | None:
    """A run of digits (in any script) as a number; None if it is not one."""
    if not token.isdecimal():
        return None
    return int(token) if len(token) <= MAX_DIGITS else TOO_BIG


def _number(token: str) -> int | None:
    value = whole_number(token)
    return value if value is not None else NUMBER_WORDS.get(token)


def _numbers_only(text: str) -> list[int] | None:
    """The numbers in a text made only of numbers ("1, 3 and 5", "2nd and 4th")."""
    tokens = [t for t in words(text.replace("/", " / ")) if t not in SEPARATORS]
    tokens = [t for t in tokens if t not in {"number", "numbers", "option", "options", "the"}]
    if not tokens:
        return None
    numbers = []
    for token in tokens:
        value = _number(token) if token != "none" else None
        if value is None:
            value = ORDINALS.get(token)
        if value is None:
            return None
        numbers.append(value)
    return numbers


def _ordinal(text: str, count: int) -> int | None:
    """An ordinal anywhere in a short answer ("the second one", "the last one")."""
    tokens = words(text)
    if len(tokens) > 5:
        return None
    for token in tokens:
        if token in ORDINALS:
            return ORDINALS[token]
        if token == "last":
            return count
    return None


def _list(labels: list[str]) -> str:
    """Labels joined as a person would: "a, b and c"."""
    if len(labels) < 2:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _or_skip(question: Question) -> str:
    return ", or type skip" if question.optional else ""


def choice_message(question: Question) -> str:
    """What to type for a single-choice question."""
    count = len(question.options)
    return f"Choose one answer: type its number, from 1 to {count}{_or_skip(question)}."


def multiple_message(question: Question) -> str:
    """What to type for a multiple-choice question."""
    return f"Choose one or more answers: type their numbers, for example 1, 4{_or_skip(question)}."


def read_single(question: Question, text: str) -> Reading:
    """A single-choice answer: one option."""
    exact = _exact(question, text)
    if exact:
        return Understood(exact.id, tapped=True)
    numbers = _numbers_only(text)
    if numbers and len(numbers) == 1:
        return _by_number(question, numbers[0])
    banded = _banded(question, text)
    if banded:
        return Understood(banded.id)
    place = _ordinal(text, len(question.options))
    if place and 1 <= place <= len(question.options):
        return Understood(question.options[place - 1].id)
    found = _mentioned(question.options, text)
    if len(found) == 1:
        return Understood(found[0].id)
    if len(found) > 1:
        return NotUnderstood(
            f"Choose just one answer: {_list([o.label for o in found])}? "
            f"Type its number{_or_skip(question)}."
        )
    return NotUnderstood(choice_message(question))


def _by_number(question: Question, number: int) -> Reading:
    """An option by its number in the list, or by a band the number falls in (an age)."""
    if 1 <= number <= len(question.options):
        return Understood(question.options[number - 1].id)
    for option in question.options:
        if option.range and option.range[0] <= number <= option.range[1]:
            return Understood(option.id)
    return NotUnderstood(choice_message(question))


def _banded(question: Question, text: str) -> Option | None:
    """The option whose numeric band holds the one number in the text ("I'm 67")."""
    if not any(o.range for o in question.options):
        return None
    numbers = [whole_number(n) or 0 for n in re.findall(r"\d+", text)]
    if len(numbers) != 1:
        return None
    for option in question.options:
        if option.range and option.range[0] <= numbers[0] <= option.range[1]:
            return option
    return None


def read_multiple(question: Question, text: str) -> Reading:
    """A multiple-choice answer: a list of option ids, in the question's order."""
    exact = _exact(question, text)
    if exact:
        return Understood([exact.id], tapped=True)
    if text in ALL_WORDS:
        return Understood([o.id for o in question.options if not o.exclusive])
    numbers = _numbers_only(text)
    if numbers is not None:
        count = len(question.options)
        if not all(1 <= n <= count for n in numbers):
            return NotUnderstood(
                f"Choose numbers from 1 to {count}, for example 1, 4{_or_skip(question)}."
            )
        chosen = {question.options[n - 1].id for n in numbers}
        return _combined(question, [o for o in question.options if o.id in chosen])
    found = _mentioned(question.options, text)
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


def scale_message(question: Question) -> str:
    """What to type for a rating scale."""
    return (
        f"Choose a number from {question.minimum} to {question.maximum}, where "
        f"{question.minimum} is {question.min_label.lower()} and {question.maximum} is "
        f"{question.max_label.lower()}{_or_skip(question)}."
    )


def read_scale(question: Question, text: str) -> Reading:
    """A rating: "4", "four", "4/5", "4 out of 5", or the words at either end."""
    for label, value in (
        (question.min_label, question.minimum),
        (question.max_label, question.maximum),
    ):
        if normalise(label) in (text, text.removeprefix(f"{value} ")):
            return Understood(value)
    out_of = re.fullmatch(r"(?:a )?(\w+) ?(?:/|out of|outta) ?(\w+)(?: stars?)?", text)
    if out_of:
        given, top = _number(out_of.group(1)), _number(out_of.group(2))
        if given is not None and top == question.maximum:
            return _in_scale(question, given)
    found = [n for n in (_number(t) for t in words(text)) if n is not None]
    if len(set(found)) == 1:
        return _in_scale(question, found[0])
    worded = _scale_words(question, text)
    if worded is not None:
        return Understood(worded)
    return NotUnderstood(scale_message(question))


def _scale_words(question: Question, text: str) -> int | None:
    """A rating in words, judged against the scale's end labels.

    "Very easy" is the top, "easy" or "fairly easy" one below it; likewise at
    the bottom; "ok" or "average" is the middle. A negation ("not easy") is
    left for the resident to put as a number.
    """
    tokens = words(text)
    if len(tokens) > 6 or NEGATIONS & set(tokens):
        return None
    strong = bool(INTENSIFIERS & set(tokens))
    ends = ((question.min_label, question.minimum, 1), (question.max_label, question.maximum, -1))
    for label, end, inward in ends:
        core = words(normalise(label))[-1:]
        if core and any(_close(token, core[0]) for token in tokens):
            return end if strong else end + inward
    middle = (question.minimum + question.maximum) / 2
    if middle.is_integer() and (" ".join(tokens) in MIDDLE_WORDS):
        return int(middle)
    return None


def _in_scale(question: Question, value: int) -> Reading:
    if question.minimum <= value <= question.maximum:
        return Understood(value)
    return NotUnderstood(scale_message(question))


def _starts_with(text: str, phrases: Iterable[str]) -> bool:
    return any(text == p or text.startswith(p + " ") for p in phrases)


def read_yes_no(question: Question, text: str) -> Reading:
    """Yes, no, or the third answer ("Not sure", "Maybe") where the question has one."""
    exact = _exact(question, text)
    if exact:
        return Understood(exact.id, tapped=True)
    third = next((o for o in question.options if o.id not in ("yes", "no")), None)
    if _starts_with(text, UNSURE_WORDS) or (third and _mentioned((third,), text)):
        if third:
            return Understood(third.id)
        return NotUnderstood(yes_no_message(question))
    if _starts_with(text, NO_WORDS):
        return Understood("no")
    if _starts_with(text, YES_WORDS):
        return Understood("yes")
    numbers = _numbers_only(text)
    if numbers and len(numbers) == 1 and 1 <= numbers[0] <= len(question.options):
        return Understood(question.options[numbers[0] - 1].id)
    return NotUnderstood(yes_no_message(question))


def yes_no_message(question: Question) -> str:
    """What to type for a yes/no question."""
    labels = [o.label.lower() for o in question.options]
    return f"Type {_list(labels).replace(' and ', ' or ')}{_or_skip(question)}."


def number_message(question: Question) -> str:
    """What to type for a number question."""
    return (
        f"Enter a whole number from {question.minimum} to {question.maximum}{_or_skip(question)}."
    )


def read_number(question: Question, text: str) -> Reading:
    """A whole number within the question's range."""
    found = [n for n in (_number(t) for t in words(text)) if n is not None]
    if len(found) == 1 and question.minimum <= found[0] <= question.maximum:
        return Understood(found[0])
    return NotUnderstood(number_message(question))


def read_free_text(question: Question, text: str) -> Reading:
    """Free text within the question's length limits (the original text, not normalised)."""
    length = len(text)
    if length > question.max_length:
        return NotUnderstood(
            f"Your answer is {length:,} characters long. Please keep it to "
            f"{question.max_length:,} characters or fewer."
        )
    if length < question.min_length:
        return NotUnderstood(f"Please type your answer{_or_skip(question)}.")
    return Understood(text)


Reader = Callable[[Question, str], Reading]
READERS: dict[Kind, Reader] = {
    Kind.SINGLE_CHOICE: read_single,
    Kind.MULTIPLE_CHOICE: read_multiple,
    Kind.SCALE: read_scale,
    Kind.YES_NO: read_yes_no,
    Kind.NUMBER: read_number,
}


def understand(question: Question, typed: str) -> Reading:
    """Read what the resident typed as an answer to the question."""
    if question.kind is Kind.FREE_TEXT:
        return read_free_text(question, typed.strip())
    reader = READERS[question.kind]
    return reader(question, normalise(typed))


def hint(question: Question) -> str:
    """How to answer the question, for help and for a wrong answer."""
    messages: dict[Kind, Callable[[Question], str]] = {
        Kind.SINGLE_CHOICE: choice_message,
        Kind.MULTIPLE_CHOICE: multiple_message,
        Kind.SCALE: scale_message,
        Kind.YES_NO: yes_no_message,
        Kind.NUMBER: number_message,
    }
    if question.kind in messages:
        return messages[question.kind](question)
    if question.kind is Kind.FREE_TEXT:
        return f"Type your answer in your own words{_or_skip(question)}."
    return ""
