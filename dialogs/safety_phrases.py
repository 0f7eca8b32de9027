"""The text machinery of the safety rules: normalisation, guards and `Rule`.

A message is matched in normalised forms (`variants`: lower case, no
apostrophes, common text-speak expanded, clause breaks kept as " . "). A `Rule`
is a phrase pattern with the guards that make an alarming word harmless in a
survey about contacting the police: negation ("I'm not in danger"), the past
("a man with a knife was arrested a few weeks ago"), hypotheticals ("if I saw
a crime happening I'd call 999") and talk about the service itself ("I rang 101
when my car got keyed"). The rules themselves are in `dialogs.safety_rules`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------

# Clause breaks survive normalisation as " . " so that a negation in one
# clause cannot cancel an alarm in the next ("no, someone is breaking in").
_CLAUSE_BREAK = re.compile(r"[.,;:!?\n\r]+")
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc`\u00b4']")
_NOT_WORD = re.compile(r"[^a-z0-9. ]+")
_SPACES = re.compile(r"\s+")
_LONG_RUN = re.compile(r"([a-z])\1{2,}")
# "breakin", "followin", "hittin": a dropped final g after a consonant.
_DROPPED_G = re.compile(r"\b([a-z]{2,}[bcdfghjklmnpqrstvwxyz])in\b")
_DROPPED_G_EXCEPTIONS = frozenset(
    {
        "within",
        "begin",
        "cousin",
        "basin",
        "cabin",
        "robin",
        "raisin",
        "violin",
        "admin",
        "login",
        "margin",
        "origin",
        "muffin",
        "pumpkin",
        "latin",
        "martin",
        "austin",
        "justin",
        "kevin",
        "colin",
        "dustbin",
        "hitchin",
        "coffin",
        "napkin",
        "toxin",
        "aspirin",
        "insulin",
    }
)
# A lone "2" between words is usually "to" ("want 2 die"), unless a unit or
# noun follows ("2 hours", "2 men").
_TWO_AS_TO = re.compile(
    r"(?<=[a-z] )2(?= (?!(?:hours?|hrs?|mins?|minutes|days?|weeks?|months?|years?|yrs?|"
    r"men|lads|guys|kids|people|cars|times|miles)\b)[a-z])"
)

# Whole-phrase rewrites applied before the word map.
_PHRASE_MAP: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bcan not\b"), "cant"),
    (re.compile(r"\bat the moment\b|\brite now\b"), "right now"),
    (re.compile(r"\bsome one\b"), "someone"),
    (re.compile(r"\bnext dor\b|\bnxt door\b"), "next door"),
)

# Text-speak and contractions (apostrophes already removed) to plain words.
_WORD_MAP: dict[str, str] = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "im": "i am",
    "ive": "i have",
    "hes": "he is",
    "shes": "she is",
    "theres": "there is",
    "theyre": "they are",
    "youre": "you are",
    "whos": "who is",
    # "he'll" and "she'll" without their apostrophes.
    "hell": "he will",
    "shell": "she will",
    "theyll": "they will",
    "someones": "someone is",
    "somebodys": "somebody is",
    "sum1": "someone",
    "some1": "someone",
    "sumone": "someone",
    "sumthing": "something",
    "any1": "anyone",
    "no1": "no one",
    "noone": "no one",
    "every1": "everyone",
    "in2": "into",
    "2day": "today",
    "2nite": "tonight",
    "tonite": "tonight",
    "2moro": "tomorrow",
    "b4": "before",
    "pls": "please",
    "plz": "please",
    "plse": "please",
    "ppl": "people",
    "bf": "boyfriend",
    "gf": "girlfriend",
    "hubby": "husband",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "kms": "kill myself",
    "cos": "because",
    "coz": "because",
    "cuz": "because",
    "wiv": "with",
    "wen": "when",
    "fone": "phone",
    "cannot": "cant",
    "thru": "through",
    "rn": "right now",
    "atm": "right now",
    "goin": "going",
    "doin": "doing",
    "idk": "i dont know",
    "dunno": "dont know",
    "threatning": "threatening",
    "threating": "threatening",
    "stabed": "stabbed",
    "nife": "knife",
    "hurtin": "hurting",
    "hepl": "help",
}


def _expand_words(text: str) -> str:
    """Replace text-speak and dropped-g words with their plain spelling."""
    words = []
    for word in text.split(" "):
        if word in _WORD_MAP:
            words.append(_WORD_MAP[word])
        elif _DROPPED_G.fullmatch(word) and word not in _DROPPED_G_EXCEPTIONS:
            words.append(word + "g")
        else:
            words.append(word)
    return " ".join(words)


def _normalise(text: str, run_length: int) -> str:
    """Lower-case, strip punctuation except clause breaks, expand text-speak.

    Runs of three or more identical letters are cut to `run_length` letters:
    one fixes "helllp", two fixes "pleeease"; `variants` tries both.
    """
    text = _APOSTROPHES.sub("", text.lower())
    text = _CLAUSE_BREAK.sub(" . ", text)
    text = _NOT_WORD.sub(" ", text)
    text = _LONG_RUN.sub(lambda m: m.group(1) * run_length, text)
    text = _SPACES.sub(" ", text).strip()
    for pattern, replacement in _PHRASE_MAP:
        text = pattern.sub(replacement, text)
    text = _expand_words(text)
    return _TWO_AS_TO.sub("to", text)


def variants(text: str) -> tuple[str, ...]:
    """Normalised forms of `text` that the patterns are matched against."""
    single = _normalise(text, 1)
    if not _LONG_RUN.search(text.lower()):
        return (single,)
    return (single, _normalise(text, 2))


# ---------------------------------------------------------------------------
# Guards: context that makes an alarming phrase harmless
# ---------------------------------------------------------------------------


def _c(pattern: str) -> re.Pattern[str]:
    """Compile a pattern written for normalised text."""
    return re.compile(pattern)


# Long ago: the resident is telling us about an old experience.
STALE = _c(
    r"\b(last (year|month|summer|winter|spring|autumn|christmas|time)"
    r"|(years?|months?|ages|a while|a long time|a few weeks|weeks) (ago|back)"
    r"|\d+ (years?|months?|weeks?) ago|in (19|20)\d\d|back in|once|used to"
    r"|when i was|previously|in the past)\b"
)
# Any past tense: for phrases that only mean danger when happening now.
PAST = _c(STALE.pattern + r"|\b(was|were|had|did|arrested)\b")
# A past verb right next to a phrase ("a man with a knife was arrested", "there
# was a fire next door"). Danger rules look only near the phrase, so that
# "a man with a knife outside and he was shouting" still counts.
PAST_NEARBY = _c(r"\b(was|were|had|did|arrested|caught)\b")
# Conditionals and opinions; "would like" and "could i" are requests, not "what if".
HYPOTHETICAL = _c(
    r"\b(if|would(?! like)|wouldnt|could(?! (i|you))|couldnt|should|shouldnt|might"
    r"|id(?! like)|imagine|in case|whenever|suppose)\b"
)
# Only a real "what if": danger rules use this rather than HYPOTHETICAL, so that
# "he has a knife and says he would use it" still counts.
CONDITIONAL = _c(r"\b(if|in case|whenever|imagine|suppose|what if)\b")
# Talk about other people in general rather than the resident's own situation.
GENERAL = _c(
    r"\b(victims?|survivors?|people|anyone|those|a way to|safe way|there should"
    r"|awareness|prevention|in general)\b"
)
# Talk about how the police handled something before.
SERVICE = _c(
    r"\b(reported|rang|called|phoned|got back|followed (it )?up|nothing (gets|got|was) done"
    r"|never got|useless|(police|officers?) (took|were|was|came|did|never|didnt|turned up"
    r"|arrived|attended|caught)|when (my|our) (\w+ ){0,3}(was|were|got)"
    r"|(nobody|no one) (did|came|turned up|bothered|got back|called))\b"
)

# Being busy rather than held ("tied up with childcare until 3").
BUSY = _c(
    r"\b(till|until|behind|into|survey|contract|work|job|college|school|childcare|calls"
    r"|meetings|grandkids|most days|all day|all week|weekdays|evenings)\b"
)
# Talk about services and policy ("domestic abuse funding", "the figures for abuse calls").
POLICY = _c(
    r"\b(funding|funded|fund|budget|money|services|training|figures|statistics|stats"
    r"|leaflets?|posters?|support workers?|workers?|charity|charities|refuges?|campaigns?"
    r"|schemes?|jailed|convicted|sentenced|the news|the paper|radio|law|calls|helplines?"
    r"|storylines?|articles?|screening)\b"
)

_NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "dont",
        "didnt",
        "doesnt",
        "isnt",
        "wasnt",
        "arent",
        "werent",
        "nobody",
        "without",
        "hardly",
    }
)
# How many words either side of a phrase count as "next to" it.
_WINDOW = 3


def _words_before(text: str, start: int) -> list[str]:
    """The few words before position `start`, within its clause."""
    return text[:start].rsplit(" . ", 1)[-1].split()[-_WINDOW:]


def _words_after(text: str, end: int) -> list[str]:
    """The few words after position `end`, within its clause."""
    return text[end:].split(" . ", 1)[0].split()[:_WINDOW]


def _negated(text: str, start: int) -> bool:
    """True when a negating word shortly precedes position `start` in its clause."""
    return any(word in _NEGATORS for word in _words_before(text, start))


@dataclass(frozen=True)
class Rule:
    """A phrase that signals a category, with the contexts that cancel it.

    `unless` guards cancel the rule when they match anywhere in the message,
    `unless_near` only when they match next to the phrase. `requires`, when
    set, must also match somewhere in the message: it turns two weak signals
    ("12 year old" and "messaging") into one strong one.

    An `everyday` rule's phrase also has an everyday sense in survey answers
    ("my wife will kill me if I'm late", "knife crime round here", "coercive
    control training"): the classifier may overrule it when it is sure the
    message is ordinary (`dialogs.safety.assess`). The other rules are the floor.
    """

    pattern: re.Pattern[str]
    unless: tuple[re.Pattern[str], ...] = ()
    requires: re.Pattern[str] | None = None
    unless_near: tuple[re.Pattern[str], ...] = ()
    everyday: bool = False

    def matches(self, text: str) -> bool:
        """True when the rule fires on normalised `text`."""
        # The rule's own phrase is checked first: it rarely matches, so the
        # guards are only searched for the few messages that need them.
        first = self.pattern.search(text)
        if first is None:
            return False
        if not any(self._counts(text, m) for m in self.pattern.finditer(text, first.start())):
            return False
        if self.requires is not None and not self.requires.search(text):
            return False
        return not any(guard.search(text) for guard in self.unless)

    def _counts(self, text: str, match: re.Match[str]) -> bool:
        """True unless the phrase is negated or a nearby guard cancels it."""
        if _negated(text, match.start()):
            return False
        if not self.unless_near:
            return True
        nearby = " ".join(_words_before(text, match.start()) + _words_after(text, match.end()))
        return not any(guard.search(nearby) for guard in self.unless_near)


def rule(
    pattern: str,
    unless: Iterable[re.Pattern[str]] = (),
    requires: str | None = None,
    unless_near: Iterable[re.Pattern[str]] = (),
    *,
    everyday: bool = False,
) -> Rule:
    """Build a `Rule` from pattern text."""
    return Rule(
        _c(pattern),
        tuple(unless),
        _c(requires) if requires else None,
        tuple(unless_near),
        everyday,
    )


# Danger rules look for the past only next to the phrase: an old story elsewhere
# in the message ("he hit me last year and now he's outside with a knife") must
# not hide what is happening now.
def happening_now(pattern: str, requires: str | None = None, *, everyday: bool = False) -> Rule:
    """A rule for something happening now: not "if", no past beside the phrase."""
    return rule(pattern, [CONDITIONAL], requires, [PAST_NEARBY, STALE], everyday=everyday)


def recent(pattern: str, *, everyday: bool = False) -> Rule:
    """Like `happening_now`, but still counts after an "if" ("he'll kill me if I leave")."""
    return rule(pattern, unless_near=[PAST_NEARBY, STALE], everyday=everyday)
