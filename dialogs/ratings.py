"""Ratings in words: "pretty rubbish", "couldn't have been easier", "bang average".

Each phrase a resident might use is weighed as a distance from the middle of
the scale (2 is an end, 1 a step in from it, 0 the middle), then moved by the
words just before it: "very" takes it to the end, "pretty" or "quite" keeps it
a step in, "not" turns it ("not easy" is a step below the middle, "not hard" a
step above, "not terrible" the middle). Words that judge win over words that
tell what happened ("got cut off"); judgements that pull both ways ("easy but
slow") are not for the words to decide, and the resident is asked again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dialogs.schema import Question
from dialogs.spelling import distance, normalise, sound_key, words

# How people judge, on a scale whose top end is the good one.
GOOD_WORDS = {
    "excellent": 2, "brilliant": 2, "fantastic": 2, "amazing": 2, "perfect": 2, "superb": 2,
    "outstanding": 2, "wonderful": 2, "faultless": 2, "flawless": 2, "fab": 2, "fabulous": 2,
    "spot on": 2, "piece of cake": 2, "couldnt be easier": 2, "couldnt be better": 2,
    "couldnt fault": 2, "couldnt fault it": 2, "no problems": 2, "no problem": 2, "great": 2,
    "best": 2, "easiest": 2, "top notch": 2, "first class": 2, "love it": 2, "loved it": 2,
    "easy peasy": 2, "doddle": 2, "a doddle": 2, "breeze": 2, "a breeze": 2, "over the moon": 2,
    "delighted": 2, "chuffed": 2, "thrilled": 2, "cracking": 2, "ace": 2, "exceptional": 2,
    "marvellous": 2, "terrific": 2, "superb service": 2, "ten out of ten": 2, "effortless": 2,
    "no hassle": 2, "no bother": 2, "no trouble": 2, "couldnt ask for more": 2,
    "good": 1, "easy": 1, "quick": 1, "simple": 1, "helpful": 1, "decent": 1, "pleased": 1,
    "happy": 1, "satisfied": 1, "straightforward": 1, "nice": 1, "smooth": 1, "not bad": 1,
    "not too bad": 1, "pretty good": 1, "quite good": 1, "quite easy": 1, "fairly easy": 1,
    "fairly good": 1, "painless": 1, "efficient": 1, "clear": 1, "visible": 1, "content": 1,
    "positive": 1, "reasonable": 1, "solid": 1, "grand": 1, "sorted": 1, "sound": 1,
    "prompt": 1, "responsive": 1, "useful": 1, "alright actually": 1, "not difficult": 1,
    "no complaints": 1, "cant complain": 1, "not much to complain about": 1,
}  # fmt: skip
BAD_WORDS = {
    "terrible": 2, "awful": 2, "dreadful": 2, "horrendous": 2, "horrible": 2, "appalling": 2,
    "atrocious": 2, "nightmare": 2, "shocking": 2, "useless": 2, "hopeless": 2, "abysmal": 2,
    "rubbish": 2, "pathetic": 2, "disgraceful": 2, "impossible": 2, "worst": 2, "diabolical": 2,
    "a joke": 2, "joke": 2, "waste of time": 2, "pointless": 2, "crap": 2, "shambles": 2,
    "dire": 2, "woeful": 2, "gutted": 2, "furious": 2, "livid": 2, "disgusted": 2,
    "a disgrace": 2, "disgrace": 2, "shambolic": 2, "farce": 2, "a farce": 2, "a mess": 2,
    "non existent": 2, "nonexistent": 2, "invisible": 2, "zero": 2, "zero if i could": 2,
    "minus": 2, "not fit for purpose": 2, "no help": 2, "no use": 2, "waste of space": 2,
    "bad": 1, "poor": 1, "hard": 1, "difficult": 1, "tricky": 1, "slow": 1, "frustrating": 1,
    "unhappy": 1, "unsatisfied": 1, "disappointing": 1, "disappointed": 1, "dissatisfied": 1,
    "confusing": 1,
    "not great": 1, "not good": 1, "not very good": 1, "not easy": 1, "not very easy": 1,
    "not satisfied": 1, "not happy": 1, "not ideal": 1, "a struggle": 1, "struggle": 1,
    "annoying": 1, "a pain": 1, "a faff": 1, "faff": 1, "not the best": 1, "not that good": 1,
    "not that easy": 1, "not brilliant": 1, "not visible": 1, "not impressed": 1,
    "unimpressed": 1, "not very helpful": 1, "unhelpful": 1, "naff": 1, "pants": 1,
    "lacking": 1, "mediocre": 1, "not enough": 1, "hard work": 1, "hassle": 1, "a hassle": 1,
    "complicated": 1, "awkward": 1, "patchy": 1, "let down": 1, "fed up": 1, "upset": 1,
    "not up to much": 1, "not much good": 1, "below average": 1, "lacklustre": 1,
}  # fmt: skip
MIDDLE_WORDS = frozenset({
    "ok", "okay", "average", "neutral", "neither", "so so", "alright", "fine", "middling",
    "in between", "in the middle", "not bad", "mixed", "its ok", "it was ok", "it was okay",
    "meh", "ok i guess", "okay i guess", "ok i suppose", "alright i guess", "50/50",
    "50 50", "fair", "middle", "bit of both", "neither good nor bad", "not good not bad",
    "could be worse", "adequate", "passable", "not great not terrible", "indifferent",
    "neither here nor there", "not bad not good", "so-so", "average i guess",
    "mixed feelings", "either way", "not bothered either way", "not bothered", "nothing special",
    "hit and miss", "hit or miss", "up and down", "fair to middling", "satisfactory",
    "middle of the road", "no strong feelings", "dont mind", "at best",
})  # fmt: skip
# What happened, rather than a judgement of it: weighed when nothing is judged.
BAD_EVENTS = {
    "never see": 2, "never seen": 2, "never see them": 2, "never heard back": 2,
    "never heard anything": 2, "never got through": 2, "never came": 2, "never turned up": 2,
    "never answered": 2, "never rang back": 2, "never called back": 2, "nobody answered": 2,
    "no one answered": 2, "no answer": 2, "no reply": 2, "no response": 2, "heard nothing": 2,
    "cut off": 2, "got cut off": 2, "hung up": 2, "once in a blue moon": 2, "ignored": 2,
    "nothing happened": 2, "nothing was done": 2, "did nothing": 2, "done nothing": 2,
    "nothing done": 2, "never around": 2, "never about": 2, "cant remember the last time": 2,
    "cant remember when": 2, "gave up": 2, "no one came": 2, "nobody came": 2,
    "no follow up": 2, "never followed up": 2, "never see any": 2, "never": 2,
    "forever": 1, "takes forever": 1, "ages": 1, "on hold": 1, "rarely": 1, "hardly ever": 1,
    "hardly": 1, "barely": 1, "the odd": 1, "not often": 1, "not much": 1, "long wait": 1,
    "waited": 1, "waiting": 1, "queue": 1, "kept waiting": 1, "seldom": 1, "not many": 1,
    "now and then": 1, "now and again": 1, "occasionally": 1, "every so often": 1,
}  # fmt: skip
GOOD_EVENTS = {
    "sorted it": 1, "sorted it out": 1, "dealt with it": 1, "got through": 1,
    "answered straight away": 2, "straight through": 2, "came straight away": 2,
    "resolved": 1, "caught": 1, "got back to me": 1, "kept me updated": 1,
}  # fmt: skip
# How often the police are seen, in an answer about seeing them ("see them quite a lot").
SEEN_OFTEN = {
    "a lot": 1, "lots": 1, "loads": 1, "often": 1, "regularly": 1, "quite often": 1,
    "all the time": 2, "every day": 2, "daily": 2, "always": 2, "everywhere": 2,
    "constantly": 2, "most days": 1, "every week": 1, "weekly": 1,
}  # fmt: skip
SEEING = frozenset("see seen saw sees seeing spot spotted notice noticed around about".split())

# Words before a judgement that take it to the end of the scale: "very easy", "dead easy".
INTENSIFIERS = frozenset(
    {"very", "extremely", "really", "super", "totally", "completely", "dead", "so", "incredibly",
     "absolutely", "utterly", "proper", "well", "seriously", "too", "truly", "v", "rly", "soo",
     "exceptionally", "thoroughly", "fully", "mega", "massively", "hugely", "bloody", "highly",
     "entirely", "most", "wholly", "majorly", "insanely", "ridiculously"}
)  # fmt: skip
# Words before a judgement that keep it a step in: "pretty rubbish", "quite hard", "a bit slow".
SOFTENERS = frozenset(
    "pretty quite fairly rather somewhat bit kinda kind sort reasonably slightly little "
    "mildly moderately relatively partly mostly generally largely".split()
)
NEGATIONS = frozenset(
    "not isnt wasnt arent werent never no didnt dont doesnt wont wouldnt cant couldnt "
    "hardly".split()
)
# Words that hedge a rating without changing it: "about a 4 i reckon", "probably a 2".
HEDGES = (
    "i reckon", "i think", "i guess", "i suppose", "i would say", "id say", "i would", "id",
    "to be honest", "tbh", "honestly", "probably", "prob", "about", "around", "roughly",
    "approximately", "approx", "bang", "somewhere", "just", "overall", "on the whole",
    "generally", "i dunno", "dunno", "lol", "haha", "reckon", "say", "give it", "i give it",
    "it was", "it is", "its", "was", "is", "id give it", "i would give it", "actually", "ever",
)  # fmt: skip
# The longest a rating in words runs to; past it, the answer is about something else.
LONGEST = 16

BEST_PATTERN = re.compile(
    r"\bcould ?nt (?:of |have |ve )?(?:been |be )?(?:any )?"
    r"(?:easier|better|simpler|quicker|faster|happier|smoother|nicer)\b"
    r"|\bnever (?:been |felt )?(?:easier|better|simpler|quicker)\b"
)
WORST_PATTERN = re.compile(
    r"\bcould ?nt (?:of |have |ve )?(?:been |be )?(?:any )?(?:harder|worse|slower)\b"
)
# "Couldn't have been more helpful": as strong as a word can be.
UTMOST = re.compile(r"\bcould ?(?:nt|not) (?:of |have |ve )?(?:been |be )?(?:any )?more\b")
LESS_PATTERN = re.compile(
    r"\bcould (?:have |of )?be(?:en)? (?:\w+ ){0,2}(?:better|easier|quicker)\b"
)
FINE_PATTERN = re.compile(
    r"\b(?:no|never had (?:a|any)|never any) (?:real |major |big |actual )?"
    r"(?:problems?|issues?|complaints?)\b"
)


@dataclass(frozen=True)
class Weighed:
    """A phrase found in an answer, weighed from the middle: -2 to 2."""

    start: int
    end: int
    weight: int


def _lexicon(entries: dict[str, int], sign: int) -> list[tuple[list[str], int]]:
    return [(phrase.split(), sign * weight) for phrase, weight in entries.items()]


@lru_cache(maxsize=64)
def _judgements(min_label: str, max_label: str) -> tuple[tuple[tuple[str, ...], int], ...]:
    """Every judging phrase, longest first, with the scale's own end words among them."""
    entries = [
        *_lexicon(GOOD_WORDS, 1),
        *_lexicon(BAD_WORDS, -1),
        *((phrase.split(), 0) for phrase in MIDDLE_WORDS),
    ]
    for label, sign in ((min_label, -1), (max_label, 1)):
        core = words(normalise(label))[-1:]
        if core:
            entries.append((core, sign))
    entries.sort(key=lambda entry: -len(entry[0]))
    return tuple((tuple(phrase), weight) for phrase, weight in entries)


@lru_cache(maxsize=8)
def _events(seeing: bool) -> tuple[tuple[tuple[str, ...], int], ...]:
    entries = [*_lexicon(BAD_EVENTS, -1), *_lexicon(GOOD_EVENTS, 1)]
    if seeing:
        entries.extend(_lexicon(SEEN_OFTEN, 1))
    entries.sort(key=lambda entry: -len(entry[0]))
    return tuple((tuple(phrase), weight) for phrase, weight in entries)


def unhedged(tokens: list[str]) -> list[str]:
    """The words without hedges: "about a 4 i reckon" is "a 4"."""
    text = f" {' '.join(tokens)} "
    for hedge in sorted(HEDGES, key=len, reverse=True):
        text = text.replace(f" {hedge} ", " ")
    return text.split()


def _found(tokens: list[str], lexicon: tuple[tuple[tuple[str, ...], int], ...]) -> list[Weighed]:
    """The phrases of the lexicon in the words, longest first, each word used once."""
    used = [False] * len(tokens)
    found = []
    for phrase, weight in lexicon:
        span = len(phrase)
        for start in range(len(tokens) - span + 1):
            window = range(start, start + span)
            if any(used[i] for i in window):
                continue
            if all(_same(tokens[i], phrase[i - start], span) for i in window):
                for i in window:
                    used[i] = True
                found.append(Weighed(start, start + span, weight))
    return found


def _same(typed: str, wanted: str, span: int) -> bool:
    """Whether a typed word is a judging word. Several-word phrases must be typed as they
    are; a single word may carry one slip, but a short one only a sound-alike spelling
    ("eazy"), so that "had" is never "hard" nor "response" "responsive"."""
    if typed == wanted:
        return True
    if span > 1 or len(wanted) < 4 or len(typed) < 4 or typed[:1] != wanted[:1]:
        return False
    if abs(len(typed) - len(wanted)) > 2:
        return False
    if sound_key(typed) == sound_key(wanted):
        return True
    return len(wanted) >= 6 and distance(typed, wanted) <= 1


def _moved(tokens: list[str], found: Weighed, since: int) -> int:
    """A phrase's weight, moved by the words just before it (back to `since`, where the
    phrase before it ended) and by "at all" after it."""
    before = tokens[max(since, found.start - 3) : found.start]
    after = tokens[found.end : found.end + 2]
    weight = found.weight
    at_all = after == ["at", "all"] or before[-2:] == ["at", "all"]
    if NEGATIONS & set(before):
        if weight > 0:
            return -2 if at_all else -1
        if weight < 0:
            return 1 if at_all or weight == -1 else 0
        return -1
    if INTENSIFIERS & set(before[-2:]) or (at_all and weight < 0):
        return 2 if weight > 0 else -2 if weight < 0 else 0
    if SOFTENERS & set(before) or after[:1] == ["enough"]:
        return max(-1, min(1, weight))
    return weight


def _weighed(tokens: list[str], lexicon: tuple[tuple[tuple[str, ...], int], ...]) -> int | None:
    """What the phrases of one lexicon say together: None if they pull both ways or say nothing."""
    weights = []
    since = 0
    for found in sorted(_found(tokens, lexicon), key=lambda f: f.start):
        weights.append(_moved(tokens, found, since))
        since = found.end
    if not weights or (max(weights) > 0 and min(weights) < 0):
        return None
    return max(weights, key=abs)


def rating_in_words(question: Question, tokens: list[str]) -> int | None:
    """A rating in words on a scale whose top end is the good one, or None."""
    seeing = bool(SEEING & set(tokens))
    tokens = unhedged(tokens)
    if not tokens or len(tokens) > LONGEST:
        return None
    middle = (question.minimum + question.maximum) / 2
    if not middle.is_integer():
        return None
    centre = int(middle)
    reach = question.maximum - centre
    joined = " ".join(tokens)
    if BEST_PATTERN.search(joined):
        return question.maximum
    if WORST_PATTERN.search(joined):
        return question.minimum
    if UTMOST.search(joined):
        tokens = UTMOST.sub("extremely", joined).split()
    if LESS_PATTERN.search(joined):
        return centre - 1
    if FINE_PATTERN.search(joined):
        return centre + 1
    weight = _weighed(tokens, _judgements(question.min_label, question.max_label))
    if weight is None and not _pulls_both_ways(tokens, question):
        weight = _weighed(tokens, _events(seeing or _about_seeing(question)))
    if weight is None:
        return None
    return centre + max(-reach, min(reach, weight))


def _pulls_both_ways(tokens: list[str], question: Question) -> bool:
    """Whether judging words were found that disagree (so what happened cannot settle it)."""
    found = _found(tokens, _judgements(question.min_label, question.max_label))
    weights = [f.weight for f in found]
    return bool(weights) and max(weights) > 0 > min(weights)


def _about_seeing(question: Question) -> bool:
    """Whether the question asks how much something is seen ("how visible the police are"),
    so that "all the time" or "not often" rates it."""
    return bool(re.search(r"\b(?:visib\w*|see|seen)\b", question.text.lower()))
