"""Understand what a resident typed, however they typed it.

A tapped button, a number, an ordinal ("the second one"), the option's words or
a synonym ("I rang 101"), small typos, several options at once ("1, 3 and 5",
"101 and the website", "all of them"), denials ("not the website, I rang 101"),
ratings and ages in words ("pretty rubbish", "late forties"). Each question kind
has one reader, registered in `READERS`; a reader returns `Understood` or
`NotUnderstood` with a message that says what to type. Anything typed rather
than tapped is read back to the resident by the engine, so a wrong reading can
be put right at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from dialogs.ages import OLDEST, age_span
from dialogs.naming import SEPARATORS, answer_words, mentioned, named
from dialogs.numbers import ORDINALS, number, numbers_in
from dialogs.places import ASK_AGAIN, where_they_are
from dialogs.ratings import rating_in_words, unhedged
from dialogs.schema import Kind, Option, Question
from dialogs.spelling import close, normalise, words

ALL_WORDS = (
    "all", "all of them", "all of these", "all of those", "all of the above", "everything",
    "every one", "all the above", "the lot", "all options", "each of them",
)  # fmt: skip
YES_WORDS = (
    "yes", "y", "yeah", "yea", "yeh", "yep", "yup", "ya", "aye", "sure", "of course",
    "definitely", "absolutely", "correct", "it was", "i did", "i do", "i would", "certainly",
    "yes please", "ok", "okay", "indeed", "totally", "very much so", "course", "defo", "deffo",
    "defs", "def", "yh", "ye", "yas", "for sure", "i suppose so", "suppose so", "i guess so",
    "guess so", "i think so", "think so", "i reckon so", "reckon so", "id say so",
    "i would say so", "i believe so", "go on then", "why not", "too right", "you bet",
    "sounds good", "sounds great", "sounds like a good idea", "good idea", "interested",
    "id give it a go", "give it a go", "id try it", "would be handy", "would be good",
    "would be useful", "happy to", "id be happy to", "id like that", "i would like that",
    "id love to", "love to", "that would be good", "that would be great",
)  # fmt: skip
# Yeses that start like a no: "i dont mind", "wouldnt mind".
YES_DESPITE_NO = (
    "i dont mind", "dont mind", "i wouldnt mind", "wouldnt mind", "dont see why not",
    "i dont see why not", "cant see why not", "i cant see why not",
)  # fmt: skip
NO_WORDS = (
    "no", "n", "nope", "nah", "na", "not really", "never", "no way", "i didnt", "it wasnt",
    "i dont", "i wouldnt", "definitely not", "absolutely not", "not at all", "no thanks",
    "no thank you", "not for me", "nay", "negative", "not likely", "i dont think so",
    "dont think so", "not a chance", "no chance", "hell no", "god no", "not particularly",
    "i would not", "i did not", "it was not", "i do not", "of course not", "def not",
    "defo not", "i guess not", "guess not", "i suppose not", "suppose not", "i think not",
    "probably not", "i dont think", "id rather not", "not interested", "no interest",
    "not keen", "no ta", "id rather", "i would rather", "would rather", "id have preferred",
    "i would have preferred", "would have preferred", "not my first choice", "not my preferred",
)  # fmt: skip
# Yeses that need nothing against them after: "it was" is yes, "it was the only option" is not.
WEAK_YES = frozenset({"it was", "i did", "i do", "i would", "ok", "okay", "course", "correct"})
AGAINST = frozenset(
    "only but because cause since though although however not no never nothing except".split()
)
PLAIN_NO = frozenset({"no", "nope", "nah", "never"})
PLAIN_YES = frozenset({"yes", "yeah", "yep", "yup", "sure", "definitely"})
UNSURE_WORDS = (
    "not sure", "maybe", "perhaps", "dont know", "do not know", "dunno", "unsure",
    "possibly", "might", "might be", "it depends", "depends", "not certain", "idk",
    "no idea", "could be", "sometimes", "kind of", "sort of", "could do", "not decided",
    "havent decided", "in two minds", "possibly yes", "potentially",
)  # fmt: skip
# Words before an answer that do not change it: "well, not sure", "i dont know".
LEAD_INS = frozenset("i im well um erm hmm uh oh honestly so".split())
# "i didnt contact them", "not in the last 12 months", "nope not once": nothing used.
NO_CONTACT = re.compile(
    r"^(?:no|nope|nah|na|never|none|nothing|nil|zero)\b"
    r"|\b(?:not|never|didnt|havent|hasnt|dont|no|nope)\b(?: \w+){0,4}? "
    r"(?:contact\w*|use[ds]?|using|need(?:ed)?|been in touch|got in touch|get in touch|once|"
    r"any\w*|bothered|last|this year|yet|had to|reason)\b"
)


# The longest answer to a choice, rating or yes/no question that is read for its meaning:
# past it, it is a story, not an answer, and reading it word by word would be slow.
LONGEST_ANSWER = 1000


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


def _exact(question: Question, text: str) -> Option | None:
    """The option whose label, name or synonym is exactly what was typed."""
    for option in question.options:
        names = (option.label, option.name, option.id.replace("_", " "), *option.synonyms)
        if any(normalise(name) == text for name in names):
            return option
    return None


def mentioned_options(question: Question, text: str) -> list[Option]:
    """The question's options named in a normalised text (in its first part, if long)."""
    return mentioned(question.options, text[:LONGEST_ANSWER])


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
        value = number(token) if token != "none" else None
        if value is None:
            value = ORDINALS.get(token)
        if value is None:
            return None
        numbers.append(value)
    return numbers


# Words after an ordinal that show it picks an option: "the second one", "third option".
_PICKS = frozenset({"one", "option", "choice", "box", "number", "answer"})


def _ordinal(text: str, count: int) -> int | None:
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


def _just_one(question: Question, options: list[Option]) -> NotUnderstood:
    return NotUnderstood(
        f"Choose just one answer: {_list([o.label for o in options])}? "
        f"Type its number{_or_skip(question)}."
    )


def read_single(question: Question, text: str, today: date | None = None) -> Reading:
    """A single-choice answer: one option."""
    exact = _exact(question, text)
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
    numbers = _numbers_only(text)
    if numbers and len(numbers) == 1:
        return _by_number(question, numbers[0])
    place = _ordinal(text, len(question.options))
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
    exact = _exact(question, text)
    if exact:
        return Understood([exact.id], tapped=True)
    if text in ALL_WORDS:
        return Understood([o.id for o in question.options if not o.exclusive])
    numbers = _numbers_only(text)
    if numbers is not None:
        count = len(question.options)
        found = mentioned(question.options, text)
        if not all(1 <= n <= count for n in numbers) and found:
            return _combined(question, found)  # "only the 101 number": 101 is a name here
        if not all(1 <= n <= count for n in numbers):
            return NotUnderstood(
                f"Choose numbers from 1 to {count}, for example 1, 4{_or_skip(question)}."
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


def scale_message(question: Question) -> str:
    """What to type for a rating scale."""
    return (
        f"Choose a number from {question.minimum} to {question.maximum}, where "
        f"{question.minimum} is {question.min_label.lower()} and {question.maximum} is "
        f"{question.max_label.lower()}{_or_skip(question)}."
    )


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
    place = _ordinal(" ".join(plain), question.maximum - question.minimum + 1)
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


def _starts_with(text: str, phrases: Iterable[str]) -> bool:
    return any(text == p or text.startswith(p + " ") for p in phrases)


def _lead_in_gone(text: str) -> str:
    """The answer without words that lead into it: "i dont know" is "dont know"."""
    tokens = words(text)
    while len(tokens) > 1 and tokens[0] in LEAD_INS:
        tokens = tokens[1:]
    return " ".join(tokens)


def _says_yes(text: str) -> bool:
    """Whether the answer starts with a yes that nothing after it takes back."""
    for phrase in YES_WORDS:
        if not _starts_with(text, [phrase]):
            continue
        rest = words(text[len(phrase) :])
        if rest[:1] == ["not"]:
            continue  # "of course not", "def not"
        if phrase not in WEAK_YES or not set(rest) & AGAINST:
            return True
    return False


def _hedged(text: str) -> bool:
    """A yes or no taken back at once by an unsure word: "yes possibly", "no, not sure"."""
    for phrase in (*PLAIN_YES, *PLAIN_NO, "yeah", "yes", "no"):
        if _starts_with(text, [phrase]):
            return _starts_with(text[len(phrase) :].strip(), UNSURE_WORDS)
    return False


def _misspelt(text: str, phrases: Iterable[str]) -> bool:
    """A one-word answer that is one of the long words, misspelt: "definately"."""
    return " " not in text and any(len(p) >= 6 and " " not in p and close(text, p) for p in phrases)


def read_yes_no(question: Question, text: str) -> Reading:
    """Yes, no, or the third answer ("Not sure", "Maybe") where the question has one."""
    exact = _exact(question, text)
    if exact:
        return Understood(exact.id, tapped=True)
    third = next((o for o in question.options if o.id not in ("yes", "no")), None)
    plain = _lead_in_gone(text)
    if _starts_with(plain, UNSURE_WORDS) or (third and mentioned((third,), text)):
        if third:
            return Understood(third.id)
        return NotUnderstood(yes_no_message(question))
    if third and _hedged(plain):
        return Understood(third.id)  # "yes possibly", "no, not sure"
    if _starts_with(plain, YES_DESPITE_NO):
        return Understood("yes")
    if _starts_with(text, NO_WORDS) or _misspelt(text, NO_WORDS):
        return Understood("no")
    if _says_yes(text) or _misspelt(text, YES_WORDS):
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


def _no_contact(question: Question, text: str, affirmed: str) -> bool:
    """Whether the answer says nothing was used ("nope, not once", "i didnt contact them"),
    naming no option, where the question has one "None of these"."""
    if len([o for o in question.options if o.exclusive]) != 1:
        return False
    if mentioned(question.options, affirmed):
        return False
    if _starts_with(_lead_in_gone(text), UNSURE_WORDS):
        return False
    if mentioned(question.options, text) and affirmed:
        return False
    return (not affirmed and _starts_with(text, NO_WORDS)) or bool(NO_CONTACT.search(text))


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
