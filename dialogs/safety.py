"""Safety check run on every message a resident types into the survey.

Nobody watches the survey in real time, so the bot has to notice when a message
is really a call for help: someone in danger now, thoughts of suicide or
self-harm, a child at risk, domestic abuse, or a resident trying to report a
crime to the bot.

Two parts decide together (`assess`):

- a learned classifier over sentence embeddings, which generalises to words
  nobody wrote a rule for. It runs in `bot/` (this package reads no files) and
  its `Scores` are handed in with the message;
- the rules below, a floor for the explicit phrases: `classify` returns the
  most urgent matching `Category`, or None for an ordinary survey answer.

A rule, or a confident classifier, gets the category's full advice; a less
confident classifier gets one short line and the survey carries on (`Verdict`).
A missed person in danger can cost a life and a false alarm costs a sentence,
so the thresholds lean towards asking.

The rules are phrase patterns applied to a normalised copy of the
message (lower case, no apostrophes, common text-speak expanded), with guards
for the things that make an alarming word harmless in a survey about
contacting the police: negation ("I'm not in danger"), the past ("a man with a
knife was arrested a few weeks ago"), hypotheticals ("if I saw a crime
happening I'd call 999") and talk about the service itself ("I rang 101 when
my car got keyed").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """Kinds of message that need a safety reply instead of the next question."""

    DANGER = "danger"
    SELF_HARM = "self_harm"
    DOMESTIC_ABUSE = "domestic_abuse"
    CHILD = "child_at_risk"
    REPORT = "report_crime"


# Most urgent first: when a message fits several categories, the first wins.
PRIORITY: tuple[Category, ...] = (
    Category.DANGER,
    Category.SELF_HARM,
    Category.CHILD,
    Category.DOMESTIC_ABUSE,
    Category.REPORT,
)


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
    """

    pattern: re.Pattern[str]
    unless: tuple[re.Pattern[str], ...] = ()
    requires: re.Pattern[str] | None = None
    unless_near: tuple[re.Pattern[str], ...] = ()

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


def _rule(
    pattern: str,
    unless: Iterable[re.Pattern[str]] = (),
    requires: str | None = None,
    unless_near: Iterable[re.Pattern[str]] = (),
) -> Rule:
    """Build a `Rule` from pattern text."""
    return Rule(_c(pattern), tuple(unless), _c(requires) if requires else None, tuple(unless_near))


# Danger rules look for the past only next to the phrase: an old story elsewhere
# in the message ("he hit me last year and now he's outside with a knife") must
# not hide what is happening now.
def _now(pattern: str, requires: str | None = None) -> Rule:
    """A rule for something happening now: not "if", no past beside the phrase."""
    return _rule(pattern, [CONDITIONAL], requires, [PAST_NEARBY, STALE])


def _recent(pattern: str) -> Rule:
    """Like `_now`, but still counts after an "if" ("he'll kill me if I leave")."""
    return _rule(pattern, unless_near=[PAST_NEARBY, STALE])


# ---------------------------------------------------------------------------
# Vocabulary shared by the rules
# ---------------------------------------------------------------------------

NOW = r"\b(right now|now|as we speak|this minute|at this moment)\b"
WEAPON = (
    r"(knife|knifes|knives|blades?|machetes?|guns?|shotguns?|pistols?|firearms?|crowbars?"
    r"|hammers?|axes?|bats?|baseball bats?|weapons?|acid|screwdrivers?)"
)
PARTNER = (
    r"(partner|husband|wife|boyfriend|girlfriend|ex|ex partner|ex husband|ex wife"
    r"|ex boyfriend|ex girlfriend|fiance|fiancee|other half|fella|bloke|man|spouse"
    r"|missus|misses|(sons|daughters|kids|childrens|babys|baby) (father|dad)|baby daddy)"
)
ABUSE_VERB = (
    r"(hits|hit|hitting|beats|beat|beating|punches|punched|punching|slaps|slapped"
    r"|slapping|kicks|kicked|kicking|pushes|pushed|pushing|shoves|shoved|strangles"
    r"|strangled|strangling|chokes|choked|choking|rapes|raped|hurts|hurt|hurting"
    r"|abuses|abused|abusing|threatens|threatened|threatening|controls|controlling"
    r"|stalks|stalking|stalked|harasses|harassing|harassed|attacks|attacked|bullies"
    r"|bullied|bullying|throws|threw|smashes|smashed|spits|spat|batters|battered"
    r"|assaults|assaulted|forces|forced|scares|terrifies|intimidates)"
)
CHILD_WORD = (
    r"(child|children|childs|kid|kids|baby|babies|toddler|infant|son|sons|daughter"
    r"|daughters|boy|boys|girl|girls|nephew|niece|grandson|granddaughter|grandkids"
    r"|grandchildren|stepson|stepdaughter|little (brother|sister|one|boy|girl)"
    r"|teenager|teen|pupils?|schoolgirls?|schoolboys?|minors?|under ?age)"
)
PARENT = (
    r"(dad|mum|mom|mam|mother|father|step ?dad|step ?mum|step ?father|step ?mother"
    r"|parents|mums (boyfriend|partner)|dads (girlfriend|partner)|nan|grandad|uncle"
    r"|auntie|aunt|carer|foster (mum|dad|carer|parents)|coach|teacher|babysitter)"
)
MINOR_AGE = (
    r"\b(([1-9]|1[0-7]) ?(year|yr)s? ?old|(i am|is|aged|age) ([5-9]|1[0-7])"
    r"(?! (hours?|hrs|mins?|minutes|days?|weeks?|months?|years?|miles|times|pounds)\b))\b"
)
# Harm or an adult's attention, next to a child's age. Apps and messaging alone
# are not a concern ("my 15 year old uses snapchat to follow the police").
CHILD_CONCERN = (
    r"\b(hits?|hitting|beats?|hurts?|touch\w*|abus\w*|scared|afraid|frightened|missing"
    r"|run away|ran away|dating|going out with|older (man|men|guy|lad|boyfriend)"
    r"|\d+ year old (man|guy|bloke|lad|boyfriend)|nudes?|groom\w*|sex\w*|kiss\w*"
    r"|(left|home) alone|wants to meet)\b"
)


# Words about the survey or the website itself ("help, which box do I tick").
ABOUT_THE_SURVEY = (
    r"(survey|question|questions|box|boxes|tick|button|option|page|website|form|postcode"
    r"|typed|pressed|clicked|stands? for|what does|what is a|kidding|joking|lol)"
)
# Words about how the police are reached, or that all is well: after an opening "help",
# the message is about the service, not a call for help.
ABOUT_THE_SERVICE = (
    r"(101|on hold|hold music|in the queue|webchat|web chat|live chat|typing|text (size|bigger)"
    r"|which of these|online form|the website|the site|the app|log in|password|parking"
    r"|we are fine|we re fine|i am fine|im fine|all is well|nothing to report|i prefer"
    r"|just prefer)"
)
# What an overdose is of, when it is named.
DRUG = (
    r"(pills|tablets|paracetamol|painkillers|meds|medication|medicine|insulin|drugs|heroin"
    r"|cocaine|sleeping (pills|tablets)|antidepressants|co codamol|codeine|aspirin"
    r"|ibuprofen|morphine|methadone)"
)


# ---------------------------------------------------------------------------
# Rules per category
# ---------------------------------------------------------------------------

DANGER_RULES: tuple[Rule, ...] = (
    # Break-ins and intruders.
    _now(r"\b(is|are) (breaking|trying to (break|get|force)) ?(in|into)\b"),
    _recent(r"\btrying to (break|get|force (their|his|her) way|climb) ?(in|into)\b"),
    _recent(r"\btrying (the|my|our) (back |front )?(door|window|handle)s?\b"),
    _now(
        r"\b(burglary|break in|robbery|burglars?|fight|mugging|attack|crime)"
        r" (is )?(happening|going on|in progress)\b"
    ),
    _now(r"\bintruders?\b(?! alarms?)"),
    _now(r"\b(broken|broke|got) in\b.{0,30}\b(still|inside)\b"),
    _now(
        r"\b(someone|somebody|a man|a stranger|he|she|they|strangers|a guy) (is |are )?"
        r"(in|inside|downstairs in|upstairs in) (my|the|our) "
        r"(house|home|flat|room|bedroom|garden|kitchen|loft|shed)\b"
    ),
    # Weapons present now.
    _now(
        r"\b(with|has|got|holding|waving|carrying|pulled|pulling|brandishing|armed with)"
        r" (a |an |his |her |their |some )?" + WEAPON + r"\b"
    ),
    _now(r"\bat (knife|gun|machete) ?point\b"),
    # Violence in progress or just happened.
    _now(
        r"\b(is|are|am) (hitting|beating|attacking|punching|kicking|stabbing|strangling"
        r"|choking|hurting|threatening|dragging|chasing|following|smashing|trashing)\b"
        # "hitting a brick wall with 101" is a figure of speech.
        r"(?! (a )?(brick )?wall| a dead end| my head)"
    ),
    _now(
        r"\b(is|are|am) being (attacked|stabbed|beaten|mugged|robbed|assaulted|kicked"
        r"|hit|followed|chased|threatened|watched|broken into|burgled|raped|kidnapped)\b"
    ),
    _now(
        r"\b(kicking|beating|hitting|punching|stabbing|attacking|fighting|smashing"
        r"|robbing|mugging|breaking|stealing|shooting|swerving|kicking off)\b",
        requires=NOW,
    ),
    _now(r"\b(following|chasing) (me|us)\b"),
    _now(
        r"\bbeen (stabbed|shot|attacked|assaulted|raped|beaten up|glassed|knocked out"
        r"|run over)\b"
    ),
    _recent(
        r"\bjust (been )?(snatched|grabbed|stabbed|shot|attacked|mugged|robbed|crashed"
        r"|hit|threatened|assaulted|punched|raped)\b"
    ),
    _rule(r"\b(cant|cannot) breathe\b"),
    _rule(r"\b(choking|strangling|suffocating|smothering) (me|us|her|him)\b"),
    _recent(r"\b(not|isnt|stopped) (breathing|moving|responding|conscious)\b"),
    _rule(
        r"\b(collapsed|unconscious|bleeding|blood everywhere)\b",
        [STALE, GENERAL],
        unless_near=[PAST_NEARBY],
    ),
    # Threats about to be carried out.
    _recent(r"\b(going to|will|about to|trying to) (kill|stab|shoot|hurt|murder|attack) (me|us)\b"),
    _recent(r"\bthreat\w* to (kill|stab|shoot|hurt|murder) (me|us)\b"),
    # Kidnap, being held, hiding.
    _now(
        r"\b(kidnap\w*|abduct\w*|(grab|grabbing|snatch|snatching) (a|the|my) "
        r"(kid|child|girl|boy|woman|daughter|son))\b"
    ),
    # "tied up with childcare until 3" and "trapped behind a desk" are about being busy.
    _rule(
        r"\b(i am|we are|he has|she has|he is) (locked|trapped|tied up)\b",
        unless_near=[PAST_NEARBY, STALE, BUSY],
    ),
    _recent(r"\blocked me in\b"),
    _recent(r"\b(i am|we are) hiding (in|from|under)\b"),
    # Fire.
    _now(r"\b(is|are) on fire\b"),
    _recent(r"\b(there is a fire|(fire|flames|smoke) (next door|in my|coming from))\b"),
    # Plain calls for urgent help.
    # "help us by answering faster" asks for a better service, not for help.
    # "help is what I wanted from 101" and "help, which box do I tick" are not calls for help.
    _rule(
        r"^(please )?help\b(?! (with|to|on|by|improve|us|me|understand|is|would|was|wanted"
        r"|needed|yourselves|desk|for|the (aged|older|elderly))\b)"
        r"(?!( \.)*( \w+){0,6} " + ABOUT_THE_SURVEY + r"\b)"
        # "help, I've been on hold to 101 for an hour", "help, we are fine, I just prefer
        # the phone": an opening "help" about the service, or said with all well.
        r"(?!.*\b" + ABOUT_THE_SERVICE + r"\b)"
    ),
    _rule(r"^(please )?help (me|us)( please| now| quick)?( \.)*$"),
    _rule(r"\b(please help|help me)( me| us)?( \.)? (please|now|quick|quickly|asap)\b"),
    _rule(r"\bplease help (me|us)\b(?! (by|to|with|improve|understand|find|get))"),
    _rule(
        r"\b(need|send) (the )?(police|help|someone|an officer|officers|an ambulance|ambulance)"
        r" (here )?(now|right now|quick|quickly|asap|urgently|immediately)\b"
    ),
    _rule(r"\b(come|get here|hurry)( \.)? (quick|quickly|now|asap|fast|please)\b", [CONDITIONAL]),
    _now(r"\b(screaming|shouting|crying|calling) (for help|help)\b"),
    # "in danger of being late for work" is a figure of speech; "of being hurt" is not.
    _rule(
        r"\b(i am|we are) in (immediate )?danger\b"
        r"(?! of (?!(being )?(hurt|killed|harmed|attacked|beaten|stabbed|murdered|raped)\b))"
    ),
)

SELF_HARM_RULES: tuple[Rule, ...] = (
    _rule(
        r"\b(kill|killing|hurt|hurting|harm|harming|cut|cutting|top|topping|hang|hanging"
        r"|end|ending|off) my ?self\b",
        [STALE],
    ),
    _rule(r"\bself ?harm\w*\b", [STALE, GENERAL]),
    _rule(r"\bsuicid\w*\b", [STALE, GENERAL, HYPOTHETICAL]),
    _rule(r"\b(end|ending) (it all|my (own )?life|everything)\b", [STALE]),
    _rule(r"\b(thinking|think|thought) (of|about) (ending|end) it\b"),
    _rule(r"\btake my (own )?life\b"),
    # "want to die of boredom" and "dying laughing" are figures of speech.
    _rule(r"\b(want|wanting|going|ready|deserve) to die\b(?! (of|laughing)\b)"),
    _rule(r"\b(wish i (was|were) dead|better off dead)\b"),
    _rule(r"\b(dont|do not) want to (live|be alive|wake up|exist|be here (anymore|any more))\b"),
    _rule(
        r"\b(taken|took|take|swallowed|swallow) (a load of|loads of|all (of )?(my|the)"
        r"|too many|a lot of|a bunch of|a handful of|a whole box of|the whole) "
        r"(pills|tablets|meds|medication|paracetamol)\b",
        [STALE],
    ),
    # "an overdose of bureaucracy" is a figure of speech.
    _rule(r"\boverdos\w*\b(?! of (?!(\w+ ){0,2}" + DRUG + r"\b))", [STALE, GENERAL]),
    _rule(r"\b(whats|what is) the point (in|of) (living|life|going on|carrying on|being alive)\b"),
    _rule(r"\bno (reason|point) (to|in) (live|living|go on|going on|carry on|carrying on)\b"),
    _rule(r"\bcant (go on|carry on|cope|take (it|this) (anymore|any more))\b"),
    _rule(r"\b(nobody|no one) (would|will|is going to) (miss|care about|notice|care if) (me|i)\b"),
    _rule(r"\b(better|happier) off without me\b"),
    _rule(r"\bjump (off|from|in front of)\b", [STALE]),
    _rule(r"\b(it all|everything) to (stop|end)\b"),
    _rule(r"\b(cutting|harming|hurting myself|self harming) again\b"),
    _rule(r"\bwish i (was|were|wasnt|werent) (dead|not alive|never born|alive|born|here)\b"),
    _rule(r"\b(pills|tablets|rope) (are )?(ready|lined up|saved up)\b"),
    _rule(r"\b(disappear|go to sleep) (and not wake up|forever|for good)\b"),
    _rule(r"\bnot wake up\b"),
    _rule(r"\b(had enough|sick|tired) of (life|living|being alive)\b"),
    _rule(r"\b(i am|im) (going to )?(ending|end) it\b"),
    _rule(r"\bending it (all|tonight|today)\b"),
    _rule(r"\blife (isnt|is not|aint) worth (living|it)\b"),
)

CHILD_RULES: tuple[Rule, ...] = (
    _rule(CHILD_CONCERN, [STALE, HYPOTHETICAL], requires=MINOR_AGE),
    _rule(
        r"\b(my|his|her|their) (\w+ )?" + PARENT + r" (\w+ ){0,2}"
        r"(hits|beats|hurts|touches|abuses|kicks|punches|slaps|burns|starves|locks|chokes"
        r"|strangles|hit|beat|hurt|touched|abused) (me|us|my|him|her|them)\b",
        [STALE],
    ),
    _rule(
        r"\b(says|said|told me) (her|his|their|my) " + PARENT + r" (does|did|hits|beats|hurts)"
        r" (it|that|this|her|him|them)\b",
        [STALE],
    ),
    _rule(
        r"\b" + CHILD_WORD + r" (\w+ ){0,3}(is|are) being (abused|hurt|hit|neglected|groomed"
        r"|beaten|exploited|touched|bullied|starved|trafficked|made to|forced to)\b",
        [PAST, GENERAL, HYPOTHETICAL],
    ),
    _rule(
        r"\b" + CHILD_WORD + r"\b.{0,40}\b(left (alone|on (their|his|her) own|home alone)"
        r"|on (their|his|her) own|home alone|by (themselves|himself|herself))\b",
        [PAST, HYPOTHETICAL],
    ),
    _rule(
        r"\b" + CHILD_WORD + r"\b.{0,30}\b(screaming|crying|scream|screams|cries)\b",
        [PAST, HYPOTHETICAL],
    ),
    _rule(r"(?<!dog )\bgroom(ed|ing)\b", [STALE, GENERAL, HYPOTHETICAL]),
    _rule(r"\bolder (men|man|guys|guy|lads|boys)\b", [STALE, HYPOTHETICAL], requires=CHILD_WORD),
    _rule(
        r"\b(made|forced|being used) to (sell|carry|deliver|run|move|hold)"
        r" (drugs|packages|stuff|weed|gear)\b",
        [STALE],
    ),
    _rule(r"\bcounty lines\b", [STALE, GENERAL, HYPOTHETICAL], requires=CHILD_WORD),
    _rule(
        r"\b(nudes?|naked (photos|pictures|pics|images|videos)"
        r"|indecent (photos|pictures|images))\b",
        [STALE, GENERAL],
        requires=CHILD_WORD,
    ),
    _rule(
        r"\b(taking|took|filming) (photos|pictures|pics|videos) of (the |my |our |some )?"
        + CHILD_WORD
        + r"\b",
        [STALE, HYPOTHETICAL],
    ),
    _rule(
        r"\b" + CHILD_WORD + r" (\w+ ){0,2}(has gone|is|has been|gone|went|has run|ran)"
        r" (missing|away)\b",
        [PAST],
    ),
    _rule(
        r"\b(drug addict|alcoholic|on drugs|off (his|her) face|smackhead|crackhead)\b",
        [STALE, HYPOTHETICAL, GENERAL],
        requires=CHILD_WORD,
    ),
    _rule(
        r"\b(man|men|adult|stranger|someone|somebody|guy|bloke|teacher|coach|he|she|they)"
        r" (\w+ ){0,3}(talking to|messaging|texting|contacting|chatting (to|with)"
        r"|sending( messages| pictures| photos)?( to)?) (my|our|a|the)"
        r" (\d+ ?(year|yr)s? ?old )?" + CHILD_WORD + r"\b",
        [STALE, HYPOTHETICAL, GENERAL],
    ),
    _rule(r"\bwants to meet (him|her|them|my)\b", [STALE, HYPOTHETICAL], requires=CHILD_WORD),
    _rule(
        r"\b(bruises|bruised|marks on (him|her|them)|burns on (him|her|them))\b",
        [STALE, HYPOTHETICAL, GENERAL],
        requires=CHILD_WORD,
    ),
    _rule(r"\bchild (abuse|neglect|exploitation|sexual abuse)\b", [STALE, GENERAL, HYPOTHETICAL]),
    _rule(
        r"\b(touches|touched|touching|fiddles with|fiddled with|feels up) (him|her|me|them)\b",
        [STALE],
        requires=CHILD_WORD,
    ),
)

DOMESTIC_ABUSE_RULES: tuple[Rule, ...] = (
    # "my husband hit the roof" and "my partner beat me at scrabble" are figures of speech.
    _rule(
        r"\bmy " + PARTNER + r" (\w+ ){0,2}" + ABUSE_VERB + r"\b"
        r"(?! (the roof|the ceiling|the jackpot|the high score|(me|us) at|me to it)\b)",
        [STALE],
    ),
    _rule(
        r"\bmy " + PARTNER + r" (keeps|wont stop|is always|has been|keeps on)"
        r" (turning up|showing up|coming round|messaging|texting|calling|ringing|following"
        r"|watching|contacting)\b",
        [STALE],
    ),
    _rule(r"\bthreatening (messages|texts|calls|voicemails|letters)\b", [STALE, GENERAL]),
    _rule(
        r"\b(checks|goes through|reads|tracks|monitors) my"
        r" (phone|messages|texts|emails|location)\b",
        [STALE, HYPOTHETICAL],
    ),
    _rule(
        r"\b(tells|calls) me (i am )?(worthless|useless|stupid|ugly|fat|nothing|a waste|pathetic)\b"
    ),
    _rule(r"\b(controls|keeps) (all )?my (money|bank card|cards|benefits|wages|passport)\b"),
    _rule(
        r"\b(he|she|" + PARTNER + r") (wont|will not|doesnt|does not|never) "
        r"(let|lets|allow|allows) me\b",
        [STALE],
    ),
    _rule(
        r"\b(scared|frightened|afraid|terrified) of (my " + PARTNER + r"|him|her"
        r"|what (he|she) (will|might) do)\b",
        [STALE],
    ),
    _rule(
        r"\b(someone|a man|a woman|the man|the woman|somebody) who"
        r" (hits|beats|hurts|abuses|threatens|controls) me\b",
        [STALE],
    ),
    _rule(r"\b(being|been) (abused|beaten|controlled|raped|hit) by my " + PARTNER + r"\b"),
    _rule(r"\bi am being (abused|controlled)\b"),
    _rule(
        r"\b(domestic (violence|abuse)|abusive (relationship|partner|husband|wife|boyfriend"
        r"|girlfriend|ex|marriage|home)|coercive control)\b",
        [STALE, GENERAL, HYPOTHETICAL, POLICY],
    ),
    _rule(r"\bmy " + PARTNER + r" is (abusive|violent|controlling|dangerous)\b"),
    _rule(
        r"\b(says|said|threatens|threatened|threatening) (he|she) (will|would|is going to)"
        r" (take|kill|hurt|keep|get)\b",
        [STALE],
    ),
    _rule(r"\bif i (ever )?leave (him|her)\b", [STALE]),
    _rule(
        r"\bmy " + PARTNER + r" (\w+ ){0,2}(sends|sending|sent) me"
        r" (threats|abuse|abusive|threatening)\b",
        [STALE],
    ),
    _rule(
        r"\bmy " + PARTNER + r" (\w+ ){0,2}(leave me alone|stop (messaging|calling|texting) me)\b",
        [STALE],
    ),
    _rule(
        r"\b(he|she) (\w+ )?(hits|beats|punches|slaps|kicks|chokes|strangles|rapes|hurts|abuses"
        r"|batters|threatens|controls) me\b",
        [STALE, HYPOTHETICAL],
    ),
)

REPORT_RULES: tuple[Rule, ...] = (
    _rule(
        r"\b(want|wanted|need|needed|like|trying|wish) to (report|log|make a (crime )?report"
        r"|make a complaint about)\b",
        [STALE, HYPOTHETICAL],
    ),
    _rule(
        r"\b(how|where|can|could|may|who) (do |can |should |would )?(i|we) (report|log"
        r"|make a report|file a report)\b",
        [STALE],
    ),
    _rule(r"\bis this (where|the place|the right place) (i|to|you) (can )?(report|log)\b"),
    _rule(
        r"\b(can|could|will|would) you (please )?(take|log|record|file|register|put through"
        r"|pass on|send) (a |my |the |this |an )?(report|crime|statement|details|it|officer"
        r"|someone|police)\b"
    ),
    _rule(r"\b(can|could|may) i (give|tell) you (my |the |about )?(crime|details|what happened)\b"),
    _rule(r"\bneed (a|the|my) crime (reference |ref )?(number|no|ref)\b"),
    _rule(r"\bwho (do|should|can) i (tell|report (it|this) to)\b", [STALE, SERVICE]),
    _rule(
        r"\b(my|our) (\w+ ){0,3}(has been|have been|was|got|been|is|were|are) (stolen|nicked"
        r"|pinched|taken|broken into|vandalised|smashed|damaged|keyed|scratched|burgled"
        r"|robbed|set on fire|tampered with)\b",
        [STALE, HYPOTHETICAL, SERVICE],
    ),
    _rule(
        r"\b(someone|somebody|they|some kids|kids|a man|people) (\w+ )?(stole|nicked|pinched"
        r"|took|broke into|smashed|keyed|scratched|vandalised|damaged|dented|stolen"
        r"|broken into|been using) (my|our)\b",
        [STALE, HYPOTHETICAL, SERVICE],
    ),
    _rule(
        r"\b(i|we) (have |have just |just )?(been|got) (scammed|defrauded|conned|robbed"
        r"|burgled|mugged|hacked|ripped off|pickpocketed|assaulted)\b",
        [STALE, HYPOTHETICAL, SERVICE],
    ),
    _rule(r"\bhit and run\b", [STALE, HYPOTHETICAL, SERVICE]),
    _rule(
        r"\b(i|we) (need|want) (an officer|the police|police|someone) to"
        r" (come|come out|come round|attend|look)\b",
        [STALE, HYPOTHETICAL],
    ),
)

RULES: dict[Category, tuple[Rule, ...]] = {
    Category.DANGER: DANGER_RULES,
    Category.SELF_HARM: SELF_HARM_RULES,
    Category.CHILD: CHILD_RULES,
    Category.DOMESTIC_ABUSE: DOMESTIC_ABUSE_RULES,
    Category.REPORT: REPORT_RULES,
}


def _fires(category: Category, forms: tuple[str, ...]) -> bool:
    """True when a rule of `category` fires on any normalised form of the message."""
    return any(rule.matches(form) for form in forms for rule in RULES[category])


def classify(text: str) -> Category | None:
    """Return the most urgent safety category of `text`, or None if it has none."""
    forms = variants(text)
    for category in PRIORITY:
        if _fires(category, forms):
            return category
    return None


# ---------------------------------------------------------------------------
# Rules and classifier together
# ---------------------------------------------------------------------------

NO_RISK = "none"


@dataclass(frozen=True)
class Scores:
    """What the learned classifier made of one message, with its thresholds.

    `probabilities` maps each category's value, and "none", to a probability.
    A risk (one less the probability of "none") of `sure_at` or more gets the
    full advice of the likeliest category; of `maybe_at` or more, the short line.
    """

    probabilities: Mapping[str, float]
    sure_at: float
    maybe_at: float

    @property
    def risk(self) -> float:
        """How likely the message is to need any safety reply."""
        return 1.0 - self.probabilities.get(NO_RISK, 1.0)

    @property
    def likeliest(self) -> Category:
        """The category the classifier thinks most likely."""
        return max(PRIORITY, key=lambda category: self.probabilities.get(category, 0.0))


@dataclass(frozen=True)
class Verdict:
    """The safety reply a message needs: none, the short line, or a category's advice."""

    category: Category | None
    # False for the short "if you are in danger, call 999" line.
    sure: bool = True

    @property
    def flagged(self) -> bool:
        """True when the message gets any safety reply."""
        return self.category is not None


SAFE = Verdict(None)


def assess(text: str, scores: Scores | None = None) -> Verdict:
    """The safety reply `text` needs, from the rules and the classifier's `scores`."""
    ruled = classify(text)
    if scores is None or scores.risk < scores.maybe_at:
        return Verdict(ruled) if ruled else SAFE
    likeliest = scores.likeliest
    if ruled and PRIORITY.index(ruled) <= PRIORITY.index(likeliest):
        return Verdict(ruled)
    if scores.risk >= scores.sure_at:
        return Verdict(likeliest)
    if ruled:
        return Verdict(ruled)
    return Verdict(likeliest, sure=False)
