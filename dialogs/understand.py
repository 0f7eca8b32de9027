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
from dataclasses import dataclass, replace
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
PLAIN_NO = frozenset({"no", "nope", "nah", "never"})
PLAIN_YES = frozenset({"yes", "yeah", "yep", "yup", "sure", "definitely"})
# Words that make a rating stronger: "very easy", "dead easy", "v good".
INTENSIFIERS = frozenset(
    {"very", "extremely", "really", "super", "totally", "completely", "dead", "so", "incredibly",
     "absolutely", "utterly", "proper", "well", "seriously", "too", "truly", "v", "rly", "soo"}
)  # fmt: skip
NEGATIONS = frozenset({"not", "isnt", "wasnt", "arent", "werent", "never", "no"})
MIDDLE_WORDS = frozenset({
    "ok", "okay", "average", "neutral", "neither", "so so", "alright", "fine", "middling",
    "in between", "in the middle", "not bad", "mixed", "its ok", "it was ok", "it was okay",
    "meh", "ok i guess", "okay i guess", "ok i suppose", "alright i guess", "50/50",
    "50 50", "fair", "middle", "bit of both", "neither good nor bad", "not good not bad",
    "could be worse", "adequate", "passable", "not great not terrible", "indifferent",
    "neither here nor there", "not bad not good", "so-so", "average i guess",
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
    # Something to tell the resident about how the answer was taken ("we kept the first...").
    note: str = ""


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
        full = words(normalise(text))
        tokens = tuple(_meaningful(full))
        # "one oh one" without its filler is "oh": a scrap, not a way of naming the option.
        if tokens and not (len(full) > 1 and len(tokens) == 1 and len(tokens[0]) < 3):
            seen.add(tokens)
    return tuple(sorted(seen, key=len, reverse=True))


def _exact(question: Question, text: str) -> Option | None:
    """The option whose label, name or synonym is exactly what was typed."""
    for option in question.options:
        names = (option.label, option.name, option.id.replace("_", " "), *option.synonyms)
        if any(normalise(name) == text for name in names):
            return option
    return None


def mentioned_options(question: Question, text: str) -> list[Option]:
    """The question's options named anywhere in a normalised text."""
    return _mentioned(question.options, text)


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


TENS = frozenset({20, 30, 40, 50, 60, 70, 80, 90})


def numbers_in(tokens: list[str]) -> list[int]:
    """Every number in the words, digits or words, with "forty two" read as 42."""
    found: list[int] = []
    after_tens = False
    for token in tokens:
        value = _number(token) if token not in {"none", "zero"} else None
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


DECADES = {
    "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
    "seventies": 70, "eighties": 80, "nineties": 90, "20s": 20, "30s": 30, "40s": 40, "50s": 50,
    "60s": 60, "70s": 70, "80s": 80, "90s": 90,
}  # fmt: skip
PART_OF_DECADE = {"early": 2, "mid": 5, "middle": 5, "late": 8}


def _decade(tokens: list[str]) -> int | None:
    """ "Early thirties" as 32, "late 60s" as 68: an age within its decade, when said."""
    for index, token in enumerate(tokens):
        if token in DECADES and index and tokens[index - 1] in PART_OF_DECADE:
            return DECADES[token] + PART_OF_DECADE[tokens[index - 1]]
    return None


def _numbers_only(text: str) -> list[int] | None:
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
    where = _where_they_are(question, text)
    if where == ASK_AGAIN:
        return NotUnderstood(choice_message(question))
    if where:
        # Read back, not taken as a tap: "I have put: I work here".
        reading = read_single(replace(question, places=()), where)
        return Understood(reading.value) if isinstance(reading, Understood) else reading
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


# Where a resident says they live and work, for a question with `places` ("Do you live or
# work in Hertfordshire?"): "work in watford but live in london" is work.
_LIVES = frozenset("live living lives lived reside resident".split())
_WORKS = frozenset("work working works job employed commute commuting".split())
# Other reasons to be in the area: the answer is not for the words to decide.
_OTHER_REASONS = frozenset("study studying student school college uni university".split())
_AT_PLACE = frozenset("in at to into near outside round around".split())
# Words after "in" that name no place of their own: "work in a shop in Hitchin".
_NOT_PLACES = frozenset("a an the my our his her their this that one some it town home".split())
_AREA = frozenset({"herts", "hertfordshire", "here", "the county", "the area", "this area"})
ASK_AGAIN = "?"


def _where_they_are(question: Question, text: str) -> str | None:
    """For a question with `places`: "live", "work", "live and work" or "neither of them"
    when the answer says where, ASK_AGAIN when it says only that one is elsewhere, and
    None when it names no place (the usual reading then applies)."""
    if not question.places:
        return None
    tokens = words(text)
    if NEGATIONS & set(tokens) or {"dont", "didnt", "doesnt"} & set(tokens):
        return None
    places = {normalise(p) for p in question.places} | _AREA
    # Each verb with the words after it, up to the next verb: "work at tesco in stevenage
    # live in bedford" is work in Stevenage, live in Bedford.
    starts = [i for i, t in enumerate(tokens) if t in _LIVES or t in _WORKS]
    said: dict[str, bool] = {}
    waiting: list[str] = []  # verbs whose place comes later: "live and work in luton"
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(tokens)
        verb = "live" if tokens[start] in _LIVES else "work"
        inside = _inside(tokens[start:end], places)
        if inside is None:
            waiting.append(verb)
            continue
        for each in [*waiting, verb]:
            said[each] = inside
        waiting = []
    if not said:
        return None
    if "neither" in tokens or "both" in tokens:
        # Said outright, with where: kept when the places agree, asked again when not.
        agrees = not any(said.values()) if "neither" in tokens else all(said.values())
        return ("neither of them" if "neither" in tokens else "live and work") if agrees else None
    if _OTHER_REASONS & set(tokens):
        # "I study in Hatfield but live in London": not for the words to decide, but
        # not "I live here" either.
        return ASK_AGAIN if False in said.values() else None
    live, work = said.get("live"), said.get("work")
    if live and work:
        return "live and work"
    if live or work:
        return "live" if live else "work"
    if live is False and work is False:
        return "neither of them"
    return ASK_AGAIN


def _inside(tokens: list[str], places: set[str]) -> bool | None:
    """Whether the place a clause names is in the area: None when it names none."""
    found = None
    for at, token in enumerate(tokens):
        if token not in _AT_PLACE or at + 1 >= len(tokens):
            continue
        after = tokens[at + 1 :]
        if after[0] == "to" and len(after) > 1:
            after = after[1:]  # "in to stevenage"
        if any(" ".join(after[:n]) in places for n in (1, 2, 3)):
            return True
        if after[0] not in _NOT_PLACES and after[0] not in _AT_PLACE:
            found = False
    return found


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
    digits = re.findall(r"\d+", text)
    numbers = [whole_number(n) or 0 for n in digits] if digits else numbers_in(words(text))
    decade = _decade(words(text))
    if decade is not None and not digits:
        numbers = [decade]
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
        named = _mentioned(question.options, text)
        if not all(1 <= n <= count for n in numbers) and named:
            return _combined(question, named)  # "only the 101 number": 101 is a name here
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
    tokens = words(text)
    place = _ordinal(text, question.maximum - question.minimum + 1)
    if place is not None and not any(t.isdecimal() for t in tokens):
        # "the third one": the third of the numbers offered, not "one".
        return _in_scale(question, question.minimum + place - 1)
    found = [n for n in numbers_in(_not_counting(tokens)) if n is not None]
    if len(set(found)) == 1 and question.minimum <= found[0] <= question.maximum:
        return Understood(found[0])
    # A number that is not a rating ("on hold for 45 mins") leaves the words to judge.
    worded = _scale_words(question, text)
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
        if after in ("or", "to") and at + 2 < len(tokens) and _number(tokens[at + 2]) is not None:
            after = tokens[at + 3] if at + 3 < len(tokens) else ""  # "one or two pcsos"
        counted = after not in _RATING_WORDS and (
            after in _COUNT_WORDS or (len(after) > 3 and after.endswith("s") and after.isalpha())
        )
        kept.append("" if counted and _number(token) is not None else token)
    return kept


# How people rate in words, on a scale whose top end is the good one. Each entry is how
# far from the middle it lies: 2 is an end, 1 one step in from it.
GOOD_WORDS = {
    "excellent": 2, "brilliant": 2, "fantastic": 2, "amazing": 2, "perfect": 2, "superb": 2,
    "outstanding": 2, "wonderful": 2, "faultless": 2, "flawless": 2, "fab": 2, "fabulous": 2,
    "spot on": 2, "piece of cake": 2, "couldnt be easier": 2, "couldnt be better": 2,
    "couldnt fault": 2, "couldnt fault it": 2, "no problems": 2, "no problem": 2, "great": 2,
    "best": 2, "easiest": 2, "top notch": 2, "first class": 2, "love it": 2, "loved it": 2,
    "good": 1, "easy": 1, "quick": 1, "simple": 1, "helpful": 1, "decent": 1, "pleased": 1,
    "happy": 1, "satisfied": 1, "straightforward": 1, "nice": 1, "smooth": 1, "not bad": 1,
    "not too bad": 1, "pretty good": 1, "quite good": 1, "quite easy": 1, "fairly easy": 1,
    "fairly good": 1, "painless": 1, "efficient": 1, "clear": 1, "visible": 1,
}  # fmt: skip
BAD_WORDS = {
    "terrible": 2, "awful": 2, "dreadful": 2, "horrendous": 2, "horrible": 2, "appalling": 2,
    "atrocious": 2, "nightmare": 2, "shocking": 2, "useless": 2, "hopeless": 2, "abysmal": 2,
    "rubbish": 2, "pathetic": 2, "disgraceful": 2, "impossible": 2, "worst": 2, "diabolical": 2,
    "a joke": 2, "joke": 2, "waste of time": 2, "pointless": 2, "crap": 2, "shambles": 2,
    "bad": 1, "poor": 1, "hard": 1, "difficult": 1, "tricky": 1, "slow": 1, "frustrating": 1,
    "unhappy": 1, "disappointing": 1, "disappointed": 1, "dissatisfied": 1, "confusing": 1,
    "not great": 1, "not good": 1, "not very good": 1, "not easy": 1, "not very easy": 1,
    "could be better": 1, "not satisfied": 1, "not happy": 1, "not ideal": 1, "a struggle": 1,
    "struggle": 1, "annoying": 1, "a pain": 1, "a faff": 1, "faff": 1, "not the best": 1,
    "not that good": 1, "not that easy": 1, "not brilliant": 1, "not visible": 1,
    "not impressed": 1, "unimpressed": 1, "not very helpful": 1, "unhelpful": 1,
    # What happened, rather than a judgement of it.
    "never see": 2, "never seen": 2, "never see them": 2, "never heard back": 2,
    "never heard anything": 2, "never got through": 2, "never came": 2, "never turned up": 2,
    "never answered": 2, "never rang back": 2, "never called back": 2, "nobody answered": 2,
    "no one answered": 2, "no answer": 2, "no reply": 2, "no response": 2, "heard nothing": 2,
    "cut off": 2, "got cut off": 2, "hung up": 2, "once in a blue moon": 2, "ignored": 2,
    "zero": 2, "zero if i could": 2, "minus": 2,
    "forever": 1, "takes forever": 1, "ages": 1, "on hold": 1, "rarely": 1, "hardly ever": 1,
    "hardly": 1, "barely": 1, "the odd": 1, "not often": 1, "not much": 1, "long wait": 1,
}  # fmt: skip
# Patterns that rate without a rating word of their own.
BEST_PATTERN = re.compile(
    r"\bcould ?nt (?:of |have |ve )?(?:been |be )?(?:any )?(?:easier|better|simpler|quicker)\b"
    r"|\bnever (?:been |felt )?(?:easier|better|simpler|quicker)\b"
)
LESS_PATTERN = re.compile(
    r"\bcould (?:have |of )?be(?:en)? (?:\w+ ){0,2}(?:better|easier|quicker)\b"
)
FINE_PATTERN = re.compile(
    r"\b(?:no|never had (?:a|any)|never any) (?:real |major |big |actual )?"
    r"(?:problems?|issues?|complaints?)\b"
)


def _scale_words(question: Question, text: str) -> int | None:
    """A rating in words: "terrible", "dead easy", "meh", "could be better".

    Judged against the scale's end labels first ("very easy" is the top, "easy" or
    "fairly easy" one below it); then by how good or bad the words are, on a scale
    whose top end is the good one; "ok" or "meh" is the middle.
    """
    tokens = words(text)
    if len(tokens) > 8:
        return None
    said = " ".join(t for t in tokens if t not in {"it", "was", "its", "is", "i", "id", "say", "a"})
    middle = (question.minimum + question.maximum) / 2
    if middle.is_integer() and (said in MIDDLE_WORDS or " ".join(tokens) in MIDDLE_WORDS):
        return int(middle)
    strong = bool(INTENSIFIERS & set(tokens))
    negated = bool(NEGATIONS & set(tokens))
    if not negated:
        ends = (
            (question.min_label, question.minimum, 1),
            (question.max_label, question.maximum, -1),
        )
        for label, end, inward in ends:
            core = words(normalise(label))[-1:]
            if core and any(_close(token, core[0]) for token in tokens):
                return end if strong else end + inward
    if not _good_at_top(question) or not middle.is_integer():
        return None
    joined = " ".join(tokens)
    if BEST_PATTERN.search(joined):
        return question.maximum
    if LESS_PATTERN.search(joined):
        return int(middle) - 1
    if FINE_PATTERN.search(joined):
        return int(middle) + 1
    for lexicon, sign in ((BAD_WORDS, -1), (GOOD_WORDS, 1)):
        for phrase, distance in sorted(lexicon.items(), key=lambda kv: -len(kv[0])):
            if _has_phrase(tokens, phrase):
                if negated and not phrase.startswith(("not ", "never ", "no ", "nobody ")):
                    # "not easy" is a step below the middle, "not easy at all" the bottom;
                    # "not terrible" is the middle, "not bad at all" a step above it.
                    at_all = _has_phrase(tokens, "at all")
                    if sign > 0:
                        return question.minimum if at_all else int(middle) - 1
                    return int(middle) + 1 if at_all else int(middle)
                steps = 2 if strong or distance == 2 or _has_phrase(tokens, "at all") else 1
                return int(middle) + sign * min(steps, int(question.maximum - middle))
    return None


def _has_phrase(tokens: list[str], phrase: str) -> bool:
    wanted = phrase.split()
    return any(tokens[i : i + len(wanted)] == wanted for i in range(len(tokens) - len(wanted) + 1))


def _good_at_top(question: Question) -> bool:
    """Whether the scale's top end is the good one ("Very easy", "Very satisfied")."""
    top = words(normalise(question.max_label))
    bottom = words(normalise(question.min_label))
    return any(w in GOOD_WORDS for w in top) or any(w in BAD_WORDS for w in bottom)


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
    tokens = words(text)
    # "god no", "hell no, never": a short answer with a no in it. In a longer one the no
    # belongs to something else ("no complaints").
    if len(tokens) <= 3 and set(tokens) & PLAIN_NO and not set(tokens) & PLAIN_YES:
        return Understood("no")
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
    found = numbers_in(words(text))
    if len(found) == 1 and question.minimum <= found[0] <= question.maximum:
        return Understood(found[0])
    return NotUnderstood(number_message(question))


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
    text = normalise(typed)
    reading = reader(question, text)
    if question.kind not in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE):
        return reading
    if isinstance(reading, Understood) and reading.tapped:
        return reading
    if question.kind is Kind.MULTIPLE_CHOICE:
        excepted = _all_except(question, typed)
        if excepted is not None:
            return excepted
    affirmed = _affirmed(question, typed)
    if question.kind is Kind.MULTIPLE_CHOICE and not affirmed and _starts_with(text, NO_WORDS):
        # "nope, not once": nothing used, where the question has a "None of these".
        lone = [o for o in question.options if o.exclusive]
        if len(lone) == 1:
            return Understood([lone[0].id])
    if affirmed == text:
        return reading
    kept = reader(question, affirmed) if affirmed else reader(question, "")
    if isinstance(kept, Understood):
        return kept
    # Everything named was denied ("I've never contacted them"): only "None of these" stands.
    if isinstance(reading, Understood) and _only_exclusive(question, reading.value):
        return reading
    return kept


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
    """The text without what it denies: in each clause, the words from a denial on."""
    kept: list[str] = []
    for clause in CLAUSE_BREAK.split(typed):
        tokens = words(normalise(clause))
        for index, token in enumerate(tokens):
            if token in DENIALS and not _names_an_option(question, tokens, index):
                tokens = tokens[:index]
                break
        kept.extend(tokens)
    return " ".join(kept)


def _names_an_option(question: Question, tokens: list[str], index: int) -> bool:
    """Whether the denial at `index` is part of an option's own name ("no preference")."""
    for option in question.options:
        for phrase in _phrases(option):
            if len(phrase) > 1 and tokens[index] in phrase:
                start = index - phrase.index(tokens[index])
                if tuple(_meaningful(tokens[start:])[: len(phrase)]) == phrase:
                    return True
    return False


def _all_except(question: Question, typed: str) -> Reading | None:
    """ "All of them except Facebook": every option but the ones named after the exception."""
    found = EXCEPT.search(typed)
    if found is None:
        return None
    before = normalise(typed[: found.start()])
    if not any(before == w or before.endswith(" " + w) for w in ALL_WORDS):
        return None
    left_out = _mentioned(question.options, normalise(typed[found.end() :]))
    if not left_out:
        return None
    return Understood([o.id for o in question.options if not o.exclusive and o not in left_out])


def _only_exclusive(question: Question, value: Any) -> bool:
    chosen = value if isinstance(value, list) else [value]
    options = [question.option(option_id) for option_id in chosen]
    return bool(options) and all(o is not None and o.exclusive for o in options)


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
