"""House names and street addresses that only the gazetteer tells from ordinary words.

"I live at Little Orchard, Sarratt", "14 carters way", "42 bancroft hitchin":
no capital letters or street words to go by, but a Hertfordshire place, a
postcode or a lead-in such as "live at" around them.
"""

from __future__ import annotations

import re

from dialogs.name_cues import RELATIONS, TITLES
from dialogs.names import Lexicon
from dialogs.redact_addresses import (
    HOUSE_NUMBERS,
    NOT_HOUSES,
    NOT_STREET_NAMES,
    NOT_STREET_WORDS,
    STRONG_STREETS,
    WEAK_STREETS,
)
from dialogs.redact_kinds import ADDRESS, POSTCODE, tag

# Words that end a street's name, in lower case too ("14 carters way").
_STREET_KINDS = frozenset(STRONG_STREETS + WEAK_STREETS + ["rd", "st", "ave", "cl", "dr"])
_HOUSE_NUMBER = re.compile(r"(?<![\w/£$.:-])(?i:no\.?\s*|number\s+)?" + HOUSE_NUMBERS + r"\b,?")
_AGE_BEFORE = re.compile(r"(?i:\b(?:over|under|aged|age|about|around|nearly|almost)\s+)$")
_WORD = re.compile(r"\s+(?:the\s+)?([A-Za-z][A-Za-z'-]*)")
_STREET_STOP = (
    frozenset(NOT_STREET_WORDS)
    | NOT_STREET_NAMES
    | frozenset(
        "teenagers teens kids lads youths men women boys girls people officers police cars "
        "bikes vans houses homes flats shops bus buses train trains male female aged age addresses "
        "old years yrs or to from".split()
    )
)
# House names without a house word ("Oakleigh", "Little Orchard", "The Granary"), known
# by what comes before them: "live at", "address is", "moved into" are enough; "we're
# at" or "a break in at" need a place after the name too ("at Thistledown, Ashwell").
_HOUSE_LEAD = re.compile(
    r"\b(?i:(?P<strong>(?:live|lives|living|lived|reside|resides|residing|stay|stays|staying)"
    r"\s+at|(?:the\s+)?address\s*(?:is|was|:|=)|moved\s+into|house\s+name\s+is"
    # "our house, Rosedene, was broken into", "my mum's cottage is called Windrush".
    r"|(?:our|my|his|her|their|[a-z]+'s)\s+(?:house|home|cottage|bungalow|farm)"
    r"(?:\s+is\s+called|\s+called|\s*,))"
    r"|(?:we(?:'re|\s+are)?|were|i'm|i\s+am|im|they(?:'re|\s+are)|she's|he's)\s+at"
    r"|(?:break[- ]in|break-ins|burglary|burgled|broken\s+into)\s+at"
    r"|(?P<at>at))\s+"
)
# A message that opens with a house's name and its village: "Little Orchard, Sarratt".
_OPENING = re.compile(r"^\W*")
_HOUSE_WORD = re.compile(r"\s*([A-Za-z][A-Za-z'-]*)")
# Words after a number that make it a count, not a house's: "3 addresses", "10 years".
_COUNTED = (NOT_STREET_NAMES | _STREET_STOP | frozenset("addresses places".split())) - frozenset(
    "and or on in the to from but".split()
)
_LEAD_NUMBER = re.compile(r"(?i:no\.?\s*|number\s+)?" + HOUSE_NUMBERS + r"\b")
# Words that end a house's name ("they live at Brambles I think").
_HOUSE_STOP = frozenset(
    "i and but or in on at of to for from by with near off so then it its my our your his her "
    "their this that is was are were be been has have had will would can could just also "
    "top bottom end back front edge corner side far other same moment minute weekend time "
    "the a an i'd i'll i'm i've we we'd we're we've you he she they it's now please thanks "
    "yes no not never there here when where what which who why how".split()
)
# Words that show a name is no house: "live at Home Farm" is one, "we stay at Premier Inn
# Stevenage" or "a break in at Wickes in Hitchin" is not.
_PUBLIC_PLACES = frozenset(
    "home work school college academy university uni hospital station centre center shop "
    "shops store supermarket market pub inn arms hotel club hall library church surgery gym "
    "pool leisure cinema theatre galleria tesco sainsburys sainsbury's asda aldi lidl "
    "morrisons waitrose costa greggs mcdonalds kfc boots argos wilko wickes screwfix halfords "
    "currys primark iceland spar londis nisa budgens".split()
)
_NOT_HOUSE_WORDS = _HOUSE_STOP | _PUBLIC_PLACES
# What may stand just before ", [address]" or ", [postcode]" without being a house.
_NOT_HOUSE_FIRST = NOT_HOUSES | frozenset(
    "dear sir madam re regards cheers morning afternoon evening please".split()
)
# "the annexe, [address]": a house named in lower case by what it is.
_HOUSE_KINDS = frozenset(
    "annexe annex lodge bungalow cottage barn flat maisonette studio farmhouse".split()
)
_BEFORE_TAG = re.compile(
    r"(?<![\w'])(?P<house>(?:(?i:the)\s+)?[A-Z][A-Za-z'-]+(?:\s+[A-Z][A-Za-z'-]+){0,2}"
    r"|(?i:the)\s+[a-z][a-z'-]*(?:\s+[a-z][a-z'-]*)?),\s+(?=\[(?:address|postcode)\])"
)
# After an address: "[address], the maltings in ware", "[address] the meadows hemel".
_THE_AFTER = re.compile(r"(?<=\[address\])(?P<gap>,?\s+)(?i:the)(?=\s)")
_AFTER_HOUSE = re.compile(
    r"(?:,?\s+(?:in|near|outside|on\s+the\s+edge\s+of|just\s+outside)\s+|,\s*|\s+)"
)
_THE_AFTER_STOP = (
    frozenset(NOT_STREET_WORDS)
    | NOT_STREET_NAMES
    | frozenset(
        "day night weekend morning evening afternoon other same last next first one police "
        "officer officers front back stairs stairwell door road street".split()
    )
)


class AddressFinder:
    """Finds the addresses the patterns cannot, with the `Lexicon`'s gazetteer."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def house_names(self, text: str) -> str:
        """House names: after "live at" and the like, and next to an address or postcode."""
        pieces, last = [], 0
        for lead in _HOUSE_LEAD.finditer(text):
            if lead.start() < last:
                continue
            end = self._house_end(
                text, lead.end(), need_place=not lead.group("strong"), comma=bool(lead.group("at"))
            )
            if end:
                pieces += [text[last : lead.end()], tag(ADDRESS)]
                last = end
        text = "".join([*pieces, text[last:]])
        opening = _OPENING.match(text)
        if opening:
            end = self._house_end(text, opening.end(), need_place=True, comma=True)
            if end and not self._names_at(text, opening.end()):
                text = text[: opening.end()] + tag(ADDRESS) + text[end:]
        text = _BEFORE_TAG.sub(self._check_before_tag, text)
        return self._the_after_address(text)

    def _place_starts(self, text: str, start: int) -> bool:
        """True when a gazetteer place begins at `start` ("the" before it allowed)."""
        words = re.findall(r"[a-z][a-z'-]*", text[start : start + 60].lower())
        if words[:1] == ["the"]:
            words = words[1:]
        places = self.lexicon.places
        return any(" ".join(words[:n]) in places for n in range(1, self.lexicon.longest_place + 1))

    def _names_at(self, text: str, start: int) -> bool:
        """True when the words at `start` open with a listed first name ("Patience Mbeki")."""
        word = _HOUSE_WORD.match(text, start)
        return (
            bool(word)
            and word is not None
            and (
                word.group(1).lower() in self.lexicon.first_names
                or word.group(1).lower() in _NOT_HOUSE_FIRST
            )
        )

    def _house_end(self, text: str, start: int, *, need_place: bool, comma: bool = False) -> int:
        """Where a house's name that starts at `start` ends, or 0 if none does.

        One to three capitalised words ("Little Orchard", "THE STABLES"), or, after
        "live at" and the like, "the" and up to three words in lower case followed
        by a place ("the old forge in little hadham"). A gazetteer place is not a house.
        """
        position, lower = start, False
        words: list[str] = []
        if self._place_starts(text, start):
            return 0  # "Kings Langley", "North Herts"
        number = _LEAD_NUMBER.match(text, start)
        if number and comma and start == 0:
            return 0  # "101 takes too long" opens a message
        if number:
            # "i live at 14 elmwood and": a house number and what follows, in any case.
            position = number.end()
            unit = _HOUSE_WORD.match(text, position)
            if unit and unit.group(1).lower() in _COUNTED:
                return 0  # "lived at 3 addresses", "live at 5 mins from the station"
            for _ in range(3):
                word = _HOUSE_WORD.match(text, position)
                if not word or self._place_or_postcode_at(text, position):
                    break
                if word.group(1).lower() in _HOUSE_STOP | _STREET_STOP | _PUBLIC_PLACES:
                    break
                position = word.end()
            # After "we're at", only with a street's name after the number ("i'm at 64 haldens");
            # after a bare "at", only with a place after that too ("at 64 haldens, Welwyn").
            if need_place and position == number.end():
                return 0
            if comma and not self._place_follows(text, position):
                return 0
            return position
        the = re.match(r"(?i:the)\s+", text[start:])
        if the:
            if need_place:
                return 0  # "we are at the Lister in Stevenage": a hospital, a shop, a pub
            position += the.end()
            lower = text[position : position + 1].islower()
        for _ in range(3):
            word = _HOUSE_WORD.match(text, position)
            if not word or (words and not word.group().startswith(" ")):
                break
            value = word.group(1)
            if value.lower() in _PUBLIC_PLACES:
                return 0
            if value.lower() in _HOUSE_STOP or value.lower() in NOT_STREET_NAMES:
                break
            if not lower and not value[0].isupper():
                break
            if words and self._place_or_postcode_at(text, position):
                break
            words.append(value)
            position = word.end()
            if lower and self._place_follows(text, position):
                return position
        if not words or lower:
            return 0
        if words[-1].lower() in STRONG_STREETS:
            return 0  # "I live on Green Lane": a street alone, not a house
        if " ".join(w.lower() for w in words) in self.lexicon.places:
            return 0
        if need_place and not self._place_follows(text, position, comma=comma):
            return 0
        return position

    def _place_follows(self, text: str, position: int, *, comma: bool = False) -> bool:
        """True when a gazetteer place or a postcode tag comes next ("in Tewin", ", Ashwell").

        With `comma`, only ", Ashwell" will do.
        """
        gap = _AFTER_HOUSE.match(text, position)
        if comma and gap and "," not in gap.group():
            return False
        if not gap:
            return False
        after = text[gap.end() : gap.end() + 40]
        if after.startswith(f"[{POSTCODE}]"):
            return True
        words = re.findall(r"[a-z][a-z'-]*", after.lower())
        if not re.match(r"\s*[A-Za-z]", after) or not words:
            return False
        return any(" ".join(words[:n]) in self.lexicon.places for n in range(1, 4))

    def _check_before_tag(self, match: re.Match[str]) -> str:
        """ "Hillcrest, [address]", "the annexe, [address]": a house's name before its address."""
        house = match.group("house")
        words = house.lower().split()
        named = words[1:] if words[0] == "the" and len(words) > 1 else words
        if house[0].islower() and named[-1] not in _HOUSE_KINDS:
            return match.group()
        if named[0] in _NOT_HOUSE_FIRST | NOT_STREET_NAMES | RELATIONS | TITLES:
            return match.group()
        lexicon = self.lexicon
        if named[0] in lexicon.first_names and named[0] not in lexicon.name_words:
            return match.group()  # "Sarah Hill, [address]": a name, found later
        if re.search(r"(?i:\b(?:" + "|".join(TITLES) + r")\.?\s+)$", match.string[: match.start()]):
            return match.group()
        if " ".join(words) in self.lexicon.places or " ".join(named) in self.lexicon.places:
            return match.group()
        if any(w in _NOT_HOUSE_WORDS - {"the"} for w in named):
            return match.group()
        return tag(ADDRESS) + ", "

    def _the_after_address(self, text: str) -> str:
        """ "[address], the maltings in ware": a block's name after a flat's number."""
        pieces, last = [], 0
        for match in _THE_AFTER.finditer(text):
            if match.start() < last:
                continue
            position, end = match.end(), 0
            for _ in range(3):
                word = _HOUSE_WORD.match(text, position)
                if not word or word.group(1).lower() in _THE_AFTER_STOP:
                    break
                position = word.end()
                rest = text[position:]
                if self._place_follows(text, position) or re.match(r"\s*(?:[,.;!?]|$)", rest):
                    end = position
                    break
            if end:
                pieces += [text[last : match.start()], match.group("gap"), tag(ADDRESS)]
                last = end
        return "".join([*pieces, text[last:]])

    def streets_before_places(self, text: str) -> str:
        """A house number and a street's name in any case, known by what comes after it.

        "14 carters way", "42 bancroft hitchin", "14 the dell in baldock": a
        number, one to three words, then a street word, a Hertfordshire place
        or a postcode.
        """
        pieces, last = [], 0
        for number in _HOUSE_NUMBER.finditer(text):
            if number.start() < last or number.group().strip(",") in ("101", "999", "111"):
                continue
            if _AGE_BEFORE.search(text[: number.start()]):
                continue  # "over 50, disabled, Hertsmere" is an age
            end = self._street_end(text, number.end())
            if end:
                pieces += [text[last : number.start()], tag(ADDRESS)]
                last = end
        return "".join([*pieces, text[last:]])

    def _street_end(self, text: str, start: int) -> int:
        """Where a street's name that starts at `start` ends, or 0 if none does."""
        position = start
        for count in range(3):
            word = _WORD.match(text, position)
            if not word or word.group(1).lower() in _STREET_STOP or "[" in word.group():
                return 0
            position = word.end()
            if word.group(1).lower() in _STREET_KINDS and count > 0:
                return position
            if self._place_or_postcode_at(text, position):
                return position
        return 0

    def _place_or_postcode_at(self, text: str, position: int) -> bool:
        """True when a gazetteer place or a postcode tag follows `position`."""
        rest = re.match(r",?\s+(?:in\s+)?(.{0,40})", text[position:])
        if not rest:
            return False
        after = rest.group(1)
        if after.startswith(f"[{POSTCODE}]"):
            return True
        words = re.findall(r"[a-z][a-z'-]*", after.lower())
        places = self.lexicon.places
        return any(" ".join(words[:n]) in places for n in range(1, 4))
