"""Remove personal details from residents' answers before staff read them.

`Redactor.redact` replaces each detail with a tag naming its kind, for example
"call me on 07700 900123" becomes "call me on [phone]". Ordinary words, places,
times, years and ages are left alone. Redacting twice changes nothing more.
`Redactor.found` lists the kinds of detail a text contains.

Patterns find the details that have a shape, in steps run in the order of
`STEPS`: emails, phone, card, NI and bank numbers, postcodes and crime
references (`dialogs.redact_contact`), plates (`dialogs.redact_vehicles`), dates
of birth (`dialogs.redact_dates`) and addresses (`dialogs.redact_addresses`);
the addresses only a gazetteer tells from ordinary words come next
(`dialogs.redact_houses`). People's names have no shape, so a `Lexicon` (names
lists and a gazetteer, loaded by `bot/`) says which words are names, and the
words around them (a title, "my neighbour", a sign-off) say when an ordinary
word is used as one (`dialogs.names`). Places in the gazetteer are never names.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable

from dialogs.names import Lexicon, NameFinder
from dialogs.redact_addresses import ADDRESS_STEPS, HOUSE_AT_PLACE, NUMBERED_NAME, joined
from dialogs.redact_contact import (
    BANK_STEP,
    CARD_STEP,
    CRIME_REF_STEP,
    EMAIL_STEPS,
    LONG_NUMBER_STEP,
    NI_NUMBER_STEPS,
    PHONE_STEPS,
    POSTCODE_STEP,
)
from dialogs.redact_dates import BIRTH_DATE_STEPS, birth_date_after_name
from dialogs.redact_houses import AddressFinder
from dialogs.redact_kinds import ADDRESS, NAME, TAG, Step, tag
from dialogs.redact_vehicles import PLATE_STEPS

# Order matters: card numbers before phone numbers (a card contains phone-like
# runs), dates of birth before phone numbers ("01-02-1970"), and names last so
# that "call me on 07700 900123" has already lost its number.
STEPS: tuple[Step, ...] = (
    *EMAIL_STEPS,
    *BIRTH_DATE_STEPS,
    CARD_STEP,
    CRIME_REF_STEP,
    *PHONE_STEPS,
    *NI_NUMBER_STEPS,
    POSTCODE_STEP,
    *PLATE_STEPS,
    BANK_STEP,
    LONG_NUMBER_STEP,
    *ADDRESS_STEPS,
)


class Redactor:
    """Removes personal details: the patterns, and names from the `Lexicon`'s lists."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or Lexicon()
        self._names = NameFinder(self.lexicon)
        self._addresses = AddressFinder(self.lexicon)

    def redact(self, text: str) -> str:
        """Return `text` with each personal detail replaced by a tag such as "[phone]"."""
        text = self._protect_places(text, STEPS)
        text = self._addresses.streets_before_places(text)
        text = self._addresses.house_names(text)
        text = joined(text)
        text = self._redact_names(text)
        return birth_date_after_name(text)

    def found(self, text: str) -> list[str]:
        """Kinds of personal detail in `text`, one entry per detail, in reading order.

        Tags already present in `text` are not counted again.
        """
        before = Counter(TAG.findall(text))
        kinds = []
        for kind in TAG.findall(self.redact(text)):
            if before[kind]:
                before[kind] -= 1
            else:
                kinds.append(kind)
        return kinds

    def _protect_places(self, text: str, steps: Iterable[Step]) -> str:
        """Apply the pattern steps, keeping any match that is only a place in the gazetteer."""
        for step in steps:
            text = step.pattern.sub(functools.partial(self._unless_place, step=step), text)
        return text

    def _unless_place(self, match: re.Match[str], step: Step) -> str:
        words = " ".join(re.findall(r"[a-z][a-z'-]*", match.group().lower()))
        if step.kind == ADDRESS and words in self.lexicon.places:
            # "is 88 Longmeadow,": a house number on a street named like its estate.
            house = step.pattern is NUMBERED_NAME and bool(
                HOUSE_AT_PLACE.search(match.string[: match.start()])
            )
            if house and re.match(r"\s*(?:[,.;!?]|$)", match.string[match.end() :]):
                return step.check(match)
            return match.group()
        return step.check(match)

    def _redact_names(self, text: str) -> str:
        pieces, last = [], 0
        for start, end in self._names.spans(text):
            pieces += [text[last:start], tag(NAME)]
            last = end
        return "".join([*pieces, text[last:]])


_PLAIN = Redactor()


def redact(text: str) -> str:
    """`text` with the details that have a shape removed, and names only after clear cues.

    Without the names lists this finds fewer names: the bot uses a `Redactor`
    built with the shipped `Lexicon`.
    """
    return _PLAIN.redact(text)


def found(text: str) -> list[str]:
    """The kinds of detail `redact` finds in `text` (see `Redactor.found`)."""
    return _PLAIN.found(text)
