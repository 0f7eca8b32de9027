"""Find people's names in running text, from names lists and the words around them.

A name has no shape, so two things decide:

- the `Lexicon`: first names and surnames (the US 1990 census lists, public
  domain, with a list of names common in Britain), the names that are also
  ordinary English words ("Will", "Rose", "Mark"), and a gazetteer of
  Hertfordshire places, which are never names;
- cues (`dialogs.name_cues`): a title ("PC", "Mrs"), a relation ("my
  neighbour", "my son"), an introduction ("my name is", "ask for", "spoke to"),
  a sign-off ("Regards,"), or "here" after it ("Priya here").

A listed first name that is not also a word is a name anywhere ("spoke to sarah
at the desk"). A name that is also a word, or a word in no list, is a name only
with a cue, or when capitalised in mid-sentence next to another name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from dialogs import name_cues as cues

# A word: letters, with an apostrophe or a hyphen inside ("o'neill", "sophie-louise").
_LETTER = r"[^\W\d_]"
_TOKEN = re.compile(_LETTER + r"(?:[" + r"'\u2019-]?" + _LETTER + r")*(?![\w\d])")
_POSSESSIVE_S = re.compile(r"(?:'|\u2019)s$")


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
            listed_with = spans and cues.LISTED_WITH.fullmatch(text, spans[-1][1], token.start)
            if listed_with and token.word not in cues.MODALS:
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
        for match in cues.INITIALS.finditer(text):
            surname = match.group("surname")
            if _never(surname.lower()) or surname.lower() in self.lexicon.places:
                continue
            if surname[0].isupper() or self.lexicon.is_listed(surname.lower()):
                spans.append((match.start(), match.end()))
        for match in cues.TITLE_INITIAL.finditer(text):
            surname = match.group("surname").lower()
            listed = self.lexicon.is_listed(surname)
            if listed and not _never(surname) and surname not in self.lexicon.places:
                spans.append(match.span("name"))
        return spans

    def _cue(self, before: str) -> str:
        """What the words just before a token say of it."""
        if cues.TITLE.search(before):
            return "title"
        if cues.NAMING.search(before):
            return "naming"
        if cues.TALKED_TO.search(before):
            return "talked"
        if cues.RELATION.search(before):
            return "relation"
        if cues.INTRO.search(before):
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
        if word in cues.RELATIONS:
            return False
        if len(word) < 3 and not token.capitalised:
            # "my boyfriend ty got stopped", "ty mo": a short first name, only with a cue.
            return first and (
                (cue == "relation" and bool(cues.NAME_ENDS.match(after)))
                or self._signed_off_lower(text, token)
            )
        is_word = word in lexicon.name_words
        capital = token.capitalised and not (shouting and token.upper)
        if cues.STREET_FOLLOWS.match(after):
            return False
        if first and self._signed_off_lower(text, token):
            return True  # "cheers paddy", "cheers mate, dean" at the end of a message
        if first and cues.KISSES_END.match(after) and (cue or _sentence_start(text, token)):
            return True  # "Faith x", "love, Hope xx"
        if first and not token.capitalised and self._with_surname(text, token, cue):
            return True  # "i am john smith", "john smith" alone
        if (first or (listed and not is_word)) and cues.CONTACT_AFTER.match(after):
            return True  # "Mo - [email] - [phone]", "ring Rose on [phone]"
        if cue == "naming":
            return True
        if cue == "title":
            # "pc khan": after a title typed in lower case, so may the name be.
            title = cues.SHORT_TITLE.search(_before(text, token.start))
            # Not "a pcso back in Kings Langley": with an article, the title is a job.
            short = (
                title is not None
                and title.group().islower()
                and not cues.ARTICLE_BEFORE.search(_before(text, token.start)[: title.start()])
            )
            shouted = shouting and token.upper  # "PC SMITH", "MR JOHN SMITH"
            return capital or (listed and (not is_word or short or shouted))
        if cue == "the":
            # "from the Nguyen family": a surname before "family".
            family = bool(cues.FAMILY_AFTER.match(after)) and word not in cues.NOT_FAMILY_NAMES
            return capital and listed and family
        if cue == "talked" and (capital or first):
            return True
        if cue == "relation" and (capital or (first and word not in cues.MODALS) or not is_word):
            if not capital and is_word and not cues.NAME_ENDS.match(after):
                return False  # "the lads hang around", but "my son tom said"
            return listed or capital
        if cue == "intro":
            if listed and (capital or not is_word):
                return True
            if capital and not is_word and self._signed_off(text, token):
                return True

        if capital and cues.PERSON_AFTER.match(after):
            return (listed and (first or not is_word)) or bool(cues.HERE.match(after))
        if first and not is_word:
            return True
        if not first and cues.PLACE_BEFORE.search(_before(text, token.start)):
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
        return bool(cues.SIGN_OFF.search(_before(text, token.start))) and (
            bool(cues.END.match(tail)) or bool(re.match(r"^\s+[A-Z][a-z]+[\s.!]*$", tail))
        )

    def _full_name_follows(self, text: str, token: _Token, shouting: bool) -> bool:
        """True when a capitalised surname follows, then a comma, a dash or the end."""
        following = (
            _TOKEN.match(text, token.end + 1) if text[token.end : token.end + 1] == " " else None
        )
        if following is None or shouting or not following.group()[0].isupper():
            return False
        word = following.group().lower()
        if _never(word) or word in self.lexicon.places or word in cues.NOT_SURNAMES:
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
        if not cues.SURNAME_ENDS.match(rest):
            return False
        alone = bool(cues.ONLY_NAME.match(text[: token.start])) and bool(cues.ONLY_NAME.match(rest))
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
        if token.word in cues.ENDEARMENTS:
            return False
        before = _before(text, token.start)
        return bool(cues.SIGN_OFF.search(before)) and bool(cues.END.match(text[token.end :]))

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
            if token.word in cues.PARTICLES and following + 1 < len(tokens):
                after = tokens[following + 1]
                if after.capitalised and text[token.end : after.start] in (" ", "-"):
                    last = following + 1  # "van der Berg", "al-Rawi"
                    continue
            if cues.JOINED_PARTICLE.fullmatch(text, token.start, token.end):
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
                and token.word not in cues.MODALS
                and not capital
                and tokens[following - 1].word in self.lexicon.first_names
                and cues.SURNAME_ENDS.match(text[token.end :])
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
    return (
        word in cues.NEVER_NAMES or word.replace("'", "").replace("\u2019", "") in cues.NEVER_NAMES
    )


def _in_proper_noun(text: str, token: _Token, previous: _Token | None) -> bool:
    """True after another capitalised word that is not a name ("Action Fraud", "Church Lane")."""
    if previous is None or not previous.capitalised or previous.word in cues.GREETINGS:
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
