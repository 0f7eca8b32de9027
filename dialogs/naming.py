"""Which of a question's options an answer names, in the resident's own words.

Each option is named by its label, its name and the synonyms in the survey
file, matched word by word with small slips allowed ("webiste", "insta"), words
run together split apart ("webform"), and filler words skipped. Three things
named are not ways the resident used: a place where another way was found ("the
chat on the website" is the webchat), a call to another number ("I called
999"), and being contacted ("they phoned me back").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dialogs.schema import Option
from dialogs.spelling import close, normalise, words

# Words that carry no meaning when matching an answer to an option.
FILLER = frozenset(
    (
        "the a an my i me we it its to of by on at in or and for with via through using used "
        "use was were is did do have has had just only mostly mainly usually probably think "
        "guess one ones option number answer please ok okay um erm uh yes well so like really"
    ).split()
)
SEPARATORS = frozenset({"and", "or", "plus", "also", "then", "&", "+", "/", ","})
# "the chat on the website": the website is where the chat was, not a way of its own.
PLACE_WORDS = frozenset("on in at via through from".split())
PLACE_FILL = frozenset(
    "the a their there your our its official own herts hertfordshire police force local".split()
)
# Being contacted is not a way the resident got in touch: "they phoned me back".
BEING_CONTACTED = re.compile(
    r"\b\w+ (?:me|us) back\b"
    r"|\b(?:got|had|received|get) (?:a |an )?(?:call|phone call|ring|email|message|text)s? back\b"
    r"|\b(?:they|he|she|someone|somebody|officer|pcso|police)(?: \w+)? "
    r"(?:called|rang|rung|phoned|emailed|messaged|texted|contacted) (?:me|us)\b"
)

# The device used is not a way of contacting: "the website was hard to use on my phone".
ON_A_DEVICE = re.compile(
    r"\b(?:on|from|using|with|via) (?:my|his|her|our|their) "
    r"(?:mobile |smart ?|work |new |old |own )?(?:phone|mobile|iphone|smartphone|tablet|ipad)\b"
)
# Something the question does not ask about, named with one of its words: "video chat" is
# not the webchat. It is left alone when an option of the question names it.
NOT_THESE = ((re.compile(r"\bvideo ?(?:chat|call|link)s?\b"), "video"),)


# The longest word worth splitting in two ("policestation"); past it, it is not words.
LONGEST_RUN = 24


@dataclass(frozen=True)
class Phrase:
    """One way of naming an option, as words; whole when every word must be there."""

    words: tuple[str, ...]
    whole: bool


@dataclass(frozen=True)
class Named:
    """An option named in an answer, and which of the answer's words name it."""

    option: Option
    first: int
    last: int


def meaningful(tokens: list[str] | tuple[str, ...]) -> list[str]:
    """The words without filler."""
    return [t for t in tokens if t not in FILLER]


@lru_cache(maxsize=256)
def phrases(option: Option) -> tuple[Phrase, ...]:
    """Every way of naming an option, longest first.

    Filler words are dropped ("Emailing the Safer Neighbourhood Team"), except where
    that would leave one word of several ("at home", "went in", "one oh one"): then
    the phrase must be typed whole, so "went online" is not the station.
    """
    texts = [option.label, option.name, option.id.replace("_", " "), *option.synonyms]
    seen: set[Phrase] = set()
    for text in texts:
        full = tuple(words(normalise(text)))
        tokens = tuple(meaningful(full))
        if len(full) > 1 and len(tokens) <= 1:
            seen.add(Phrase(full, whole=True))
        elif tokens:
            seen.add(Phrase(tokens, whole=False))
    return tuple(sorted(seen, key=lambda p: len(p.words), reverse=True))


@lru_cache(maxsize=64)
def _vocabulary(options: tuple[Option, ...]) -> frozenset[str]:
    return frozenset(
        w for o in options for p in phrases(o) for w in p.words if len(w) >= 3 and w.isalpha()
    )


def _split_run_together(tokens: list[str], vocabulary: frozenset[str]) -> list[str]:
    """Words run together split apart, when both halves name something: "webform"."""
    split: list[str] = []
    for token in tokens:
        if token not in vocabulary and 6 <= len(token) <= LONGEST_RUN and token.isalpha():
            for at in range(3, len(token) - 2):
                if token[:at] in vocabulary and token[at:] in vocabulary:
                    split.extend((token[:at], token[at:]))
                    break
            else:
                split.append(token)
        else:
            split.append(token)
    return split


def answer_words(options: tuple[Option, ...], text: str) -> list[str]:
    """The words of a normalised answer, as they are matched to the options."""
    text = ON_A_DEVICE.sub(" ", BEING_CONTACTED.sub(" ", text))
    vocabulary = _vocabulary(options)
    for pattern, word in NOT_THESE:
        if word not in vocabulary:
            text = pattern.sub(" ", text)
    return _split_run_together(words(text), vocabulary)


def named(options: tuple[Option, ...], tokens: list[str]) -> list[Named]:
    """Where each option is named in the words, each word used for one option at most."""
    used = [False] * len(tokens)
    content = [i for i, t in enumerate(tokens) if t not in FILLER]
    candidates = sorted(
        ((phrase, option) for option in options for phrase in phrases(option)),
        key=lambda pair: len(pair[0].words),
        reverse=True,
    )
    found: list[Named] = []
    for phrase, option in candidates:
        order = range(len(tokens)) if phrase.whole else content
        span = len(phrase.words)
        for start in range(len(order) - span + 1):
            window = [order[start + k] for k in range(span)]
            if any(used[i] for i in window):
                continue
            if all(close(tokens[i], phrase.words[k]) for k, i in enumerate(window)):
                for i in window:
                    used[i] = True
                found.append(Named(option, window[0], window[-1]))
    return [n for n in found if not _calls_another_number(tokens, n, used)]


def mentioned(options: tuple[Option, ...], text: str) -> list[Option]:
    """The options named anywhere in a normalised text, in the question's order."""
    tokens = answer_words(options, text)
    found = named(options, tokens)
    kept = {n.option for n in found if not _is_a_place(tokens, n, found)}
    return [o for o in options if o in kept]


def named_exactly(options: tuple[Option, ...], text: str) -> Option | None:
    """The option whose label, name or synonym is exactly what was typed (normalised)."""
    for option in options:
        names = (option.label, option.name, option.id.replace("_", " "), *option.synonyms)
        if any(normalise(name) == text for name in names):
            return option
    return None


def _calls_another_number(tokens: list[str], name: Named, used: list[bool]) -> bool:
    """ "I called 999": a way of getting in touch followed by a number no option has."""
    at = name.last + 1
    if at < len(tokens) and tokens[at] == "the":
        at += 1
    if at >= len(tokens) or used[at]:
        return False
    return tokens[at].isdigit() and len(tokens[at]) >= 3


def _is_a_place(tokens: list[str], name: Named, found: list[Named]) -> bool:
    """ "The chat thing on the website": named just after another option, as where it was."""
    at = name.first
    if tokens[at] not in PLACE_WORDS:
        at -= 1
        while at >= 0 and tokens[at] in PLACE_FILL and name.first - at <= 3:
            at -= 1
        if at < 0 or tokens[at] not in PLACE_WORDS:
            return False
    for other in found:
        if other.option == name.option or other.last >= at:
            continue
        gap = tokens[other.last + 1 : at]
        if len(gap) <= 1 and not SEPARATORS & set(gap):
            return True
    return False
