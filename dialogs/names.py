"""Find people's names in running text, from names lists and the words around them.

A name has no shape, so two things decide:

- the `Lexicon`: first names and surnames (the US 1990 census lists, public
  domain, with a list of names common in Britain), the names that are also
  ordinary English words ("Will", "Rose", "Mark"), and a gazetteer of
  Hertfordshire places, which are never names;
- cues: a title ("PC", "Mrs"), a relation ("my neighbour", "my son"), an
  introduction ("my name is", "ask for", "spoke to"), a sign-off ("Regards,"),
  or "here" after it ("Priya here").

A listed first name that is not also a word is a name anywhere ("spoke to sarah
at the desk"). A name that is also a word, or a word in no list, is a name only
with a cue, or when capitalised in mid-sentence next to another name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Words that are never a name, however they are written or whatever comes before them.
NEVER_NAMES = frozenset(
    """
    a an the and or but so of on in at to for from with by about as into over under
    here there this that these those it its is was be been being am are were do did
    i im me my we our you your he she they them his her their who what when where
    why how which not no yes yeah yep nope never just really very quite also still
    now always only even too already again ever sometimes usually then than if
    ok okay fine good great thanks thank hi hello hey please cheers regards bye sir madam
    all both each every any some one two three four five six seven eight nine ten
    mr mrs ms miss mx dr pc dc ds di sgt pcso insp supt officer constable sergeant
    inspector detective police staff team council website webchat video chat online
    phone call calls called email emails text texts message messages form forms app
    monday tuesday wednesday thursday friday saturday sunday weekend today tomorrow
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    nhs gp uk herts hertfordshire england britain london facebook twitter instagram
    whatsapp tiktok snapchat youtube google nextdoor
    mum dad son daughter husband wife partner friend neighbour neighbours brother sister
    said says told asked rang called came went got get had has have did does would could
    should can might must shall lovely kind nice helpful rude brilliant
    im ive id ill dont doesnt didnt cant wont isnt wasnt arent werent couldnt wouldnt
    shouldnt hasnt havent hadnt youre theyre weve were thats whats theres
    ta ty thx lol lmao omg btw tbh idk imo fyi pls plz xx xxx ni nino dob ref
    english scottish welsh irish british polish french spanish italian german portuguese
    romanian bulgarian lithuanian latvian turkish kurdish urdu punjabi bengali hindi
    gujarati tamil arabic chinese cantonese mandarin somali tigrinya albanian greek
    russian ukrainian african caribbean asian european muslim christian sikh hindu jewish
    scotland wales ireland europe america africa asia india pakistan bangladesh poland
    romania nigeria ghana somalia turkey china
    christmas easter ramadan eid diwali hanukkah halloween bonfire boxing
    kia porsche dacia
    thames valley met metropolitan essex kent sussex surrey midlands yorkshire lancashire
    cambridgeshire bedfordshire buckinghamshire northamptonshire norfolk suffolk
    """.split()
)

# Greetings before a name ("Hi Sarah") and modal verbs that are also names ("my son will").
GREETINGS = frozenset("hi hello hey dear thanks cheers regards morning evening afternoon".split())
MODALS = frozenset("will may can must".split())
TITLES = frozenset(
    """
    mr mrs ms miss mx dr pc dc ds di dci dsi sgt sergeant pcso insp inspector supt
    superintendent constable officer detective cllr councillor rev reverend father
    sister prof professor sir dame lady lord pastor imam rabbi
    uncle aunt auntie aunty nan nana nanna nanny gran granny grandma grandad grandpa grampy
    """.split()
)
RELATIONS = frozenset(
    """
    neighbour neighbor son daughter husband wife partner ex friend mum mom dad mother
    father brother sister boss colleague landlord landlady carer boyfriend girlfriend
    nephew niece cousin uncle aunt auntie grandson granddaughter grandad grandma nan
    lodger flatmate housemate mate fiance fiancee stepson stepdaughter stepdad stepmum
    child kid baby manager teacher tenant bf gf hubby missus fella bestie lad
    worker nurse solicitor advocate counsellor therapist classmate roommate pal coworker
    supervisor employer
    """.split()
)
# "me mate josh", "ma nan", "ur officer": possessives as people type them too.
_POSSESSIVE = r"(?:my|our|his|her|their|the|a|me|ma|ur|yer)"
# Lead-ins after which the next words are a name when they can be one.
_INTRO = re.compile(
    r"(?i:\b(?:dealt with by|dealing with|called|this is|it(?:'|\u2019)?s"
    r"|i(?:'|\u2019)?m|i am|from|love|regards|thanks|thank you|cheers|ta|many thanks"
    r"|best wishes|kind regards|yours(?: faithfully| sincerely| truly)?|sincerely|signed)"
    r"[\s,:.!-]*)$"
)
# After these, whatever word comes next is a name ("my name is gillian hart").
_NAMING = re.compile(r"(?i:\b(?:my name(?: is|'s|s)|name(?: is|'s| was|\s*:))[\s,:.!-]*)$")
# After these, a listed first name is a name even when it is also a word ("spoke to will").
_TALKED_TO = re.compile(
    r"(?i:\b(?:ask for|asked for|speak to|spoke to|spoken to|speaking to|talk to|talked to"
    r"|talking to|chat to|chatted to|deal with|dealt with|contact|contacted|call me|known as"
    r"|i(?:'|\u2019)?m called|named"
    # "a woman called sue", "some bloke named will".
    r"|(?:man|woman|lady|guy|bloke|girl|boy|lad|fella|chap|officer|someone|somebody|person)"
    r"\s+called)[\s,:]*"
    r"(?:a\s+)?)$"
)
_RELATION = re.compile(
    # Up to three words between: "my next door neighbour", "my 15 year old son".
    r"(?i:\b" + _POSSESSIVE + r"\s+(?:[\w-]+\s+){0,3}?(?:" + "|".join(sorted(RELATIONS)) + r")s?"
    r"[\s,:-]*)$"
)
# A title, with an officer's collar number after it or not: "PC 1234 Smith".
_TITLE = re.compile(r"(?i:\b(?:" + "|".join(sorted(TITLES)) + r")\.?[\s,]+(?:\d{2,5}\s+)?)$")
_SIGN_OFF = re.compile(
    r"(?i:\b(?:regards|thanks|thank you|thank u|cheers|many thanks|best wishes|kind regards|love"
    r"|yours|sincerely|from|ta|best|ty|thx|thanx|tar)"
    # "cheers mate, dean", "thanks again, Pat".
    r"(?:\s+(?:mate|again|all|so\s+much|very\s+much|a\s+lot|guys|everyone))?[\s,:.!-]*)$"
)
_LETTER = r"[^\W\d_]"
_TOKEN = re.compile(_LETTER + r"(?:[" + r"'\u2019-]?" + _LETTER + r")*(?![\w\d])")
_POSSESSIVE_S = re.compile(r"(?:'|\u2019)s$")
_HERE = re.compile(r"^\s*(?:here|btw|speaking)\b", re.IGNORECASE)
# Words after a capitalised word that show it is someone ("Will from the SNT", "Jack and me").
_PERSON_AFTER = re.compile(
    r"^(?:\s+(?:here|from\s+(?:the\s+)?[A-Z]|from\s+\[address\]|next\s+door|at\s+the\s+(?:front|desk|station|counter)"
    r"|on\s+the\s+(?:front|desk|phone|101|webchat|line)|the\s+(?:pcso|officer|pc|sergeant|copper)"
    r"|and\s+(?:\[name\]|(?:me|i|my)\b|(?-i:[A-Z][a-z]+)\s+(?:both|have|had|were|are))|(?:says|said|told|rang|called|came|emailed|helped"
    r"|sorted|reported|gave|knows|(?:is|was)\s+(?:a|the|my|our)\s+(?:pcso|officer|neighbour"
    r"|call\s+handler|operator|sergeant|constable|detective|one\s+who))\b)"
    r"|,?\s+(?:my|our)\s+(?:" + "|".join(sorted(RELATIONS)) + r")\b)",
    re.IGNORECASE,
)
# A capitalised word before one of these is a street's name ("Kingsley Road").
_STREET_FOLLOWS = re.compile(
    r"^\s+(?i:road|rd|street|st|lane|avenue|ave|close|crescent|drive|way|court|gardens"
    r"|grove|terrace|mews|square|place|hill|park|rise|walk|row|green|view|parade|croft"
    r"|meadow|chase|end)\b"
)
_END = re.compile(r"^[\s.!x]*$", re.IGNORECASE)
# What may follow a name given in lower case after a relation ("my son tom said").
_NAME_ENDS = re.compile(
    r"^(?:\s*(?:[,.!?;:)]|$)|\s+(?:and|who|has|had|is|was|x+|[a-z]+(?:ed|s)"
    r"|got|went|came|saw|told|took|gave|left|ran|rang|hit|kept|made|found|lost|knew|thought"
    r"|did|does|didnt|didn't|doesnt|doesn't|can|cant|can't|could|would|will|wont|won't)\b)",
    re.IGNORECASE,
)
# Words said to the reader after "thanks" or "cheers", some of them also names.
_ENDEARMENTS = frozenset(
    "love luv bud buddy mate pal hun hon babe dear darling sweetheart duck chuck pet bro "
    "guys folks all again lots loads everyone everybody team officer sir madam".split()
)
# Between two names in a list: "tom and jack", "Tia, Jack".
_LISTED_WITH = re.compile(r"\s*(?:,|&|\+|and|,\s*and)\s*", re.IGNORECASE)
# "the Nguyen family", not "the Royal family".
_FAMILY_AFTER = re.compile(r"^\s+family\b", re.IGNORECASE)
_NOT_FAMILY_NAMES = frozenset(
    "royal whole extended host foster adoptive same other entire traveller travelling local "
    "new next young big".split()
)
# Capitalised words after a first name that make a place or a thing, not a surname.
_NOT_SURNAMES = frozenset(
    "church school hall house farm court street road lane close centre center park club "
    "cottage lodge hill green way avenue".split()
)
# A phone number or email just after a word: it is whose they are.
_CONTACT_AFTER = re.compile(r"^\s*[,:;\u2013-]?\s*(?:\(|on\s+|at\s+)?\[(?:phone|email)\]")
# What may follow a surname that is also a word: the end, a comma, "and", "here".
_SURNAME_ENDS = re.compile(
    r"^(?:\s*(?:[,.!?;:)]|$)|\s+(?:and|here|x+|from|at|who|is|was|has|had|said|says|rang"
    r"|called|came|told|on|in)\b)",
    re.IGNORECASE,
)
# A message that is only a name, in lower case: "john smith", "sarah o'neill".
_ONLY_NAME = re.compile(r"^\W*$")
# A name at the very end of a message, with or without kisses: "Faith x", "cheers paddy".
_KISSES_END = re.compile(r"^\s+x{1,4}[\s.!]*$", re.IGNORECASE)
# Titles short enough that what follows is a surname even in lower case ("pc khan").
# Titles people write before a name, short and often in lower case ("pc khan").
_TITLES = r"(?:pc|dc|ds|di|dci|dsi|sgt|pcso|insp|mr|mrs|ms|miss|mx|dr|cllr)"
_SHORT_TITLE = re.compile(rf"(?i:\b{_TITLES}\.?\s+)$")
_ARTICLE_BEFORE = re.compile(r"(?i:\b(?:a|an|the|one|no|any|another|every|more|our|local|new)\s+)$")
# A title, an initial and a surname in lower case: "pc r kaur".
_TITLE_INITIAL = re.compile(
    rf"(?i:\b{_TITLES}\.?\s+)"
    r"(?P<name>[A-Za-z]\s+(?P<surname>[A-Za-z][a-z'-]+))\b"
)
# Words of place before a capitalised word: a surname alone after them is a street or a shop.
_PLACE_BEFORE = re.compile(
    r"(?i:\b(?:down|along|up|off|outside|opposite|near|past|behind|towards|round)\s+)$"
)
# Initials before a surname: "A.K. Mensah", "R. J. Featherstonehaugh", "j. smith".
_PARTICLES = frozenset("van von de der den da di du le la al el bin ibn ter ten".split())
_PARTICLE = r"(?:(?i:" + "|".join(sorted(_PARTICLES)) + r")[\s-])*"
_JOINED_PARTICLE = re.compile(r"(?:al|el|bin|ibn)-[A-Z][a-z'-]+")
_INITIALS = re.compile(
    r"(?<![\w.])(?:[A-Za-z]\.\s?){1,3}" + _PARTICLE + r"(?P<surname>[A-Za-z][a-z'-]+)\b"
)


@dataclass(frozen=True)
class Lexicon:
    """Names and places, lower case: what the name finder knows of words."""

    first_names: frozenset[str] = frozenset()
    surnames: frozenset[str] = frozenset()
    # Names that are also ordinary English words: "will", "rose", "mark".
    name_words: frozenset[str] = frozenset()
    # Place names, each as lower-case words joined by single spaces.
    places: frozenset[str] = frozenset()
    longest_place: int = field(default=1)

    @classmethod
    def build(
        cls,
        *,
        first_names: Iterable[str],
        surnames: Iterable[str],
        name_words: Iterable[str],
        places: Iterable[str],
    ) -> Lexicon:
        """A lexicon from word lists in any case."""
        place_set = frozenset(" ".join(_TOKEN.findall(p.lower())) for p in places) - {""}
        return cls(
            first_names=frozenset(n.lower() for n in first_names),
            surnames=frozenset(n.lower() for n in surnames),
            name_words=frozenset(n.lower() for n in name_words),
            places=place_set,
            longest_place=max((p.count(" ") + 1 for p in place_set), default=1),
        )

    def is_listed(self, word: str) -> bool:
        """True when `word` (or each part of a hyphenated one) is in a names list."""
        if word in self.first_names or word in self.surnames:
            return True
        parts = word.split("-")
        return len(parts) > 1 and all(p in self.first_names or p in self.surnames for p in parts)


@dataclass
class _Token:
    start: int
    end: int
    word: str  # lower case, without a possessive 's
    capitalised: bool
    upper: bool


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        stem = _POSSESSIVE_S.sub("", raw).strip("'\u2019-")
        if not stem:
            continue
        end = match.start() + len(stem) if stem == raw[: len(stem)] else match.end()
        tokens.append(_Token(match.start(), end, stem.lower(), stem[0].isupper(), stem.isupper()))
    return tokens


class NameFinder:
    """`spans(text)`: where the people's names are, as (start, end) pairs."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The names in `text`, each run of name words as one span, in reading order."""
        tokens = _tokens(text)
        shouting = sum(t.upper for t in tokens) > len(tokens) / 2
        protected = self._places(tokens)
        spans: list[tuple[int, int]] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if index in protected or _in_tag(text, token) or _never(token.word):
                index += 1
                continue
            before = _before(text, token.start)
            cue = self._cue(before)
            listed_with = spans and _LISTED_WITH.fullmatch(text, spans[-1][1], token.start)
            if listed_with and token.word not in MODALS:
                cue = "talked"  # "tom and jack", "Sarah, Mark and me": a list of names
            previous = tokens[index - 1] if index else None
            if self._starts_name(text, token, cue, shouting, previous):
                last = self._extend(text, tokens, index, protected, shouting)
                spans.append((token.start, tokens[last].end))
                index = last + 1
                continue
            index += 1
        return _merged(spans + self._initialled(text))

    def _initialled(self, text: str) -> list[tuple[int, int]]:
        """Initials and a surname: capitalised, or in lower case when it is a listed name."""
        spans = []
        for match in _INITIALS.finditer(text):
            surname = match.group("surname")
            if _never(surname.lower()) or surname.lower() in self.lexicon.places:
                continue
            if surname[0].isupper() or self.lexicon.is_listed(surname.lower()):
                spans.append((match.start(), match.end()))
        for match in _TITLE_INITIAL.finditer(text):
            surname = match.group("surname").lower()
            listed = self.lexicon.is_listed(surname)
            if listed and not _never(surname) and surname not in self.lexicon.places:
                spans.append(match.span("name"))
        return spans

    def _cue(self, before: str) -> str:
        """What the words just before a token say of it."""
        if _TITLE.search(before):
            return "title"
        if _NAMING.search(before):
            return "naming"
        if _TALKED_TO.search(before):
            return "talked"
        if _RELATION.search(before):
            return "relation"
        if _INTRO.search(before):
            return "intro"
        if re.search(r"(?i:\bthe\s+)$", before):
            return "the"
        return ""

    def _starts_name(
        self, text: str, token: _Token, cue: str, shouting: bool, previous: _Token | None
    ) -> bool:
        """Whether a name begins at `token`."""
        word, lexicon = token.word, self.lexicon
        listed, first = lexicon.is_listed(word), self._first(word)
        after = text[token.end :]
        if word in RELATIONS:
            return False
        if len(word) < 3 and not token.capitalised:
            # "my boyfriend ty got stopped", "ty mo": a short first name, only with a cue.
            return first and (
                (cue == "relation" and bool(_NAME_ENDS.match(after)))
                or self._signed_off_lower(text, token)
            )
        is_word = word in lexicon.name_words
        capital = token.capitalised and not (shouting and token.upper)
        if _STREET_FOLLOWS.match(after):
            return False
        if first and self._signed_off_lower(text, token):
            return True  # "cheers paddy", "cheers mate, dean" at the end of a message
        if first and _KISSES_END.match(after) and (cue or _sentence_start(text, token)):
            return True  # "Faith x", "love, Hope xx"
        if first and not token.capitalised and self._with_surname(text, token, cue):
            return True  # "i am john smith", "john smith" alone
        if (first or (listed and not is_word)) and _CONTACT_AFTER.match(after):
            return True  # "Mo - [email] - [phone]", "ring Rose on [phone]"
        if cue == "naming":
            return True
        if cue == "title":
            # "pc khan": after a title typed in lower case, so may the name be.
            title = _SHORT_TITLE.search(_before(text, token.start))
            # Not "a pcso back in Kings Langley": with an article, the title is a job.
            short = (
                title is not None
                and title.group().islower()
                and not _ARTICLE_BEFORE.search(_before(text, token.start)[: title.start()])
            )
            shouted = shouting and token.upper  # "PC SMITH", "MR JOHN SMITH"
            return capital or (listed and (not is_word or short or shouted))
        if cue == "the":
            # "from the Nguyen family": a surname before "family".
            family = bool(_FAMILY_AFTER.match(after)) and word not in _NOT_FAMILY_NAMES
            return capital and listed and family
        if cue == "talked" and (capital or first):
            return True
        if cue == "relation" and (capital or (first and word not in MODALS) or not is_word):
            if not capital and is_word and not _NAME_ENDS.match(after):
                return False  # "the lads hang around", but "my son tom said"
            return listed or capital
        if cue == "intro":
            if listed and (capital or not is_word):
                return True
            if capital and not is_word and self._signed_off(text, token):
                return True

        if capital and _PERSON_AFTER.match(after):
            return (listed and (first or not is_word)) or bool(_HERE.match(after))
        if first and not is_word:
            return True
        if not first and _PLACE_BEFORE.search(_before(text, token.start)):
            return False  # "down Bancroft", "outside Greggs": a street or a shop
        if _in_proper_noun(text, token, previous):
            return False
        if not capital or not listed:
            return False
        if _sentence_start(text, token):
            # "Patience Mbeki, Waltham Cross": a first name that is a word, and a surname.
            return not is_word or (first and self._full_name_follows(text, token, shouting))
        return first or not is_word

    def _signed_off(self, text: str, token: _Token) -> bool:
        """True for the last word or two of a message after "Regards," or "thanks"."""
        tail = text[token.end :]
        return bool(_SIGN_OFF.search(_before(text, token.start))) and (
            bool(_END.match(tail)) or bool(re.match(r"^\s+[A-Z][a-z]+[\s.!]*$", tail))
        )

    def _full_name_follows(self, text: str, token: _Token, shouting: bool) -> bool:
        """True when a capitalised surname follows, then a comma, a dash or the end."""
        following = (
            _TOKEN.match(text, token.end + 1) if text[token.end : token.end + 1] == " " else None
        )
        if following is None or shouting or not following.group()[0].isupper():
            return False
        word = following.group().lower()
        if _never(word) or word in self.lexicon.places or word in _NOT_SURNAMES:
            return False
        if word in self.lexicon.name_words and word not in self.lexicon.surnames:
            return False
        return bool(re.match(r"\s*(?:[,(\u2013-]|$)", text[following.end() :]))

    def _with_surname(self, text: str, token: _Token, cue: str) -> bool:
        """A lower-case first name and a listed surname, after an introduction or alone."""
        following = (
            _TOKEN.match(text, token.end + 1) if text[token.end : token.end + 1] == " " else None
        )
        if following is None:
            return False
        surname = following.group().lower()
        if _never(surname) or surname not in self.lexicon.surnames:
            return False
        rest = text[following.end() :]
        if not _SURNAME_ENDS.match(rest):
            return False
        alone = bool(_ONLY_NAME.match(text[: token.start])) and bool(_ONLY_NAME.match(rest))
        return cue in ("intro", "naming", "talked") or alone

    def _first(self, word: str) -> bool:
        """True for a listed first name, or one joined from two ("sophie-louise")."""
        if word in self.lexicon.first_names:
            return True
        parts = word.split("-")
        return len(parts) > 1 and all(p in self.lexicon.first_names for p in parts)

    @staticmethod
    def _signed_off_lower(text: str, token: _Token) -> bool:
        """True for the last word of a message, just after "cheers" or "thanks".

        Not for the words people sign off to rather than with ("thanks love").
        """
        if token.word in _ENDEARMENTS:
            return False
        before = _before(text, token.start)
        return bool(_SIGN_OFF.search(before)) and bool(_END.match(text[token.end :]))

    @staticmethod
    def _here_follows(text: str, token: _Token) -> bool:
        return bool(_HERE.match(text[token.end :]))

    def _extend(
        self,
        text: str,
        tokens: list[_Token],
        index: int,
        protected: set[int],
        shouting: bool,
    ) -> int:
        """The last token of the name that starts at `index` (up to three words)."""
        last = index
        for following in range(index + 1, min(index + 3, len(tokens))):
            token = tokens[following]
            gap = text[tokens[following - 1].end : token.start]
            initial = len(tokens[following - 1].word) == 1 and gap.strip() == "."
            if following in protected or _never(token.word):
                break
            if token.word in _PARTICLES and following + 1 < len(tokens):
                after = tokens[following + 1]
                if after.capitalised and text[token.end : after.start] in (" ", "-"):
                    last = following + 1  # "van der Berg", "al-Rawi"
                    continue
            if _JOINED_PARTICLE.fullmatch(text, token.start, token.end):
                last = following  # "Hussein al-Rawi"
                continue
            if gap.strip(" -'") and not initial:
                break
            capital = token.capitalised and not (shouting and token.upper)
            listed = self.lexicon.is_listed(token.word)
            is_word = token.word in self.lexicon.name_words
            if (capital and (listed or not is_word)) or (listed and not is_word):
                last = following
                continue
            # "mr john smith", "i am sarah green and": a surname that is also a word, in
            # lower case, where the name ends.
            if (
                token.word in self.lexicon.surnames
                and token.word not in MODALS
                and not capital
                and tokens[following - 1].word in self.lexicon.first_names
                and _SURNAME_ENDS.match(text[token.end :])
            ):
                last = following
            break
        return last

    def _places(self, tokens: list[_Token]) -> set[int]:
        """Indexes of tokens that are part of a place in the gazetteer."""
        protected: set[int] = set()
        places, longest = self.lexicon.places, self.lexicon.longest_place
        for start in range(len(tokens)):
            for length in range(min(longest, len(tokens) - start), 0, -1):
                words = " ".join(t.word for t in tokens[start : start + length])
                if words in places:
                    protected.update(range(start, start + length))
                    break
        return protected


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans joined, in reading order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _never(word: str) -> bool:
    """True for a word that is never a name, with or without its apostrophe."""
    return word in NEVER_NAMES or word.replace("'", "").replace("\u2019", "") in NEVER_NAMES


def _in_proper_noun(text: str, token: _Token, previous: _Token | None) -> bool:
    """True after another capitalised word that is not a name ("Action Fraud", "Church Lane")."""
    if previous is None or not previous.capitalised or previous.word in GREETINGS:
        return False
    return text[previous.end : token.start] in (" ", "'s ", "\u2019s ")


def _in_tag(text: str, token: _Token) -> bool:
    """True for the word inside a tag that redaction already put there ("[name]")."""
    return text[token.start - 1 : token.start] == "[" and text[token.end : token.end + 1] == "]"


_REACH = 80  # characters before a word that the cues before it are looked for in
_WORD_CHAR = re.compile(r"\w")
_SENTENCE_END = re.compile(r"[.!?\n]\s*$")


def _before(text: str, end: int) -> str:
    """The text just before `end`, from a word's start at most `_REACH` characters back.

    Cues are a few words long; looking only this far keeps long answers fast.
    """
    if end <= _REACH:
        return text[:end]
    start = end - _REACH
    space = text.find(" ", start, end)
    return text[space + 1 if space >= 0 else start : end]


def _sentence_start(text: str, token: _Token) -> bool:
    """True when the token opens the text or a sentence."""
    before = text[: token.start]
    return not _WORD_CHAR.search(before) or bool(_SENTENCE_END.search(_before(text, token.start)))
