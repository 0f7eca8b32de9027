"""Addresses by their shape: a number and a street, a house's name, a flat, "number 9 on ...".

Addresses that only a gazetteer can tell from ordinary words are found by
`dialogs.redact_houses`.
"""

from __future__ import annotations

import re

from dialogs.redact_kinds import ADDRESS, Step, tag, whole

STRONG_STREETS = (
    "road rd street st lane ln avenue ave close crescent cres gardens gdns grove "
    "terrace mews square sq"
).split()
WEAK_STREETS = (
    "drive dr way court ct place pl hill park rise walk row green view parade vale "
    "wharf end croft meadow meadows fields chase approach boulevard mount ride mead dell "
    "ridge crest heights spinney copse glade paddock leys lea"
).split()
_STREET = "(?:" + "|".join(STRONG_STREETS + WEAK_STREETS) + ")"
# Words that cannot be part of a street name: they turn "3 times on the road"
# or "2 hours in the lane" into a sentence rather than an address.
NOT_STREET_WORDS = (
    "the a an of on in at to for and or but my our your his her their it is was be "
    "i we you he she they times time hours hour hrs mins minutes days day weeks week "
    "months month years year people police officers officer cars car calls miles mile "
    "more less other different same kids sons daughters children burglaries crimes "
    "percent pounds quid bus buses from route service"
).split()
_STREET_WORD = r"(?!(?:" + "|".join(NOT_STREET_WORDS) + r")\b)(?:(?i:st)\.|[A-Za-z][A-Za-z'-]*)"
# A house number, or a range of them: "14", "2a", "37-39", "12 - 14".
HOUSE_NUMBERS = r"\d{1,4}[a-z]?(?:\s?[-\u2013]\s?\d{1,4}[a-z]?)?"
# Street words that may follow another in a name ("Nup End Lane"), "St" not among them.
_STREET_ALT = "|".join(w for w in STRONG_STREETS + WEAK_STREETS if len(w) > 3)
_ADDRESS = re.compile(
    r"\b(?:(?:flat|apartment|apt|unit)\s+\d+[a-z]?,?\s+)?"
    # "2/14 high street": a flat's number, a slash, the house's.
    r"(?:(?<![\d/])\d{1,3}/|(?<![\d/.-]))"
    + HOUSE_NUMBERS
    + r",?\s+(?P<street>(?:"
    + _STREET_WORD
    + r"\s+){1,3}?|the\s+)"
    # "Nup End Lane", "Bushey Grove Road", "St Albans Road East".
    r"(?P<kind>" + _STREET + r")(?:\s+(?:" + _STREET_ALT + r"))?\b(?!'s)"
    r"(?:\s+(?:East|West|North|South|east|west|north|south)\b(?!\s+of\b))?",
    re.IGNORECASE,
)


def _check_address(match: re.Match[str]) -> str:
    """Tag street addresses; weak street words need capitals ("31 Park Drive")."""
    kind = match.group("kind").lower()
    if "/" in match.group() and match.group("street").lower().strip() == "the":
        return match.group()  # "on 12/03 the road was shut": a date
    if kind in STRONG_STREETS:
        return tag(ADDRESS)
    words = [*match.group("street").split(), match.group("kind")]
    if all(word[0].isupper() for word in words):
        return tag(ADDRESS)
    return match.group()


# Addresses without a street word: "14 The Maltings", "number 9 on Ridgeway",
# "I live at 7 Hill Crest", and house names ("Rose Cottage", "The Old Rectory").
# Capitalised words, "St." among them ("14 St. Peters Street").
_CAPITAL_WORDS = r"(?:St\.\s+)?[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2}"
_BARE_ADDRESS = re.compile(
    r"\b" + HOUSE_NUMBERS + r",?\s+The\s+" + _CAPITAL_WORDS + r"\b"
    r"|(?P<lead>\b(?i:number|no\.?|live at|lives at|living at|address is|address:|moved to"
    r"|house at|flat at|round at|over at)\s+)"
    r"(?i:" + HOUSE_NUMBERS + r",?\s+(?:on\s+|in\s+)?(?:the\s+)?)" + _CAPITAL_WORDS + r"\b"
    r"|(?P<lead2>\b(?i:number|no\.?)\s+)(?i:\d{1,4}[a-z]?\s+on\s+"
    r"(?!(?:the\s+)?(?:corner|left|right|end|other|same|way|phone|line|list|main|bus)\b)"
    r"(?:the\s+)?"
    r"[a-z][a-z'-]+(?:\s+[a-z][a-z'-]+)?)\b"
)
# A house known only by its number: "we're at no 14", "outside number 72 on the corner".
# "number 3 in the queue" is a place in a queue, and 101 and 999 are never houses.
_NUMBER_ONLY_ADDRESS = re.compile(
    r"(?P<lead>\b(?i:at|outside|opposite|next\s+door\s+to|near|round\s+at|over\s+at|lives\s+at"
    r"|live\s+at|living\s+at)\s+)(?i:no\.?\s*|number\s+)(?!(?:101|999|111)\b)\d{1,4}[a-z]?\b"
    r"(?!\s*(?:%|(?i:in\s+(?:the\s+)?(?:queue|line|list|rankings?)|on\s+the\s+list|of\s+\d)))"
)
_HOUSE_WORDS = (
    "Cottage|Cottages|House|Farm|Farmhouse|Lodge|Barn|Mill|Manor|Villa|Bungalow|Rectory"
    "|Vicarage|Grange|Cottage|Oast|Retreat|Haven"
)
_HOUSE_NAME = re.compile(
    r"\b(?:The\s+)?(?:[A-Z][a-z'-]+\s+){1,2}(?:" + _HOUSE_WORDS + r")\b"
    r"|\bThe\s+Old\s+[A-Z][a-z]+\b"
)
# A street named after an address that was already found: "[address], Church Lane".
_STREET_AFTER = re.compile(
    r"(?<=\[address\])(?P<gap>,?\s+)(?:" + _CAPITAL_WORDS + r")\s+"
    r"(?:Road|Street|Lane|Avenue|Close|Crescent|Drive|Way|Court|Place|Hill|Gardens|Grove|Row"
    r"|Walk|Green|View|Rise|Terrace|Mews|Square|Park|End|Chase)\b"
)
# "88 Longmeadow", "12 Holly Bank": a house number before capitalised words that are
# not a time, a unit or a count.
NOT_STREET_NAMES = frozenset(
    "minutes minute mins min hours hour hrs hr days day weeks week wks months month years year "
    "yrs yr times secs sec seconds metres meters yards feet ft mph stars star pcsos officers "
    "calls people miles percent pounds am pm jan feb mar apr may "
    "jun jul aug sep sept oct nov dec january february march april june july august "
    "september october november december monday tuesday wednesday thursday friday "
    "saturday sunday and or the".split()
)
NUMBERED_NAME = re.compile(
    r"(?<![\w/£$.,:-])(?!(?:101|999|111)\b)"
    + HOUSE_NUMBERS
    + r"\s+(?P<words>"
    + _CAPITAL_WORDS
    + r")\b"
    # "flat 12 Wynyard court": a street or house word in lower case after the name.
    r"(?:\s+(?:" + _STREET_ALT + r"|court|house|cottages?)\b)?"
    r"(?!\s*%)"
)
# Words before a house number that make "is 88 Longmeadow," an address though Longmeadow
# is also an estate's name (with a comma or the end after it); "the 301 Stevenage bus"
# and "went to 3 Hatfield shops" are not.
HOUSE_AT_PLACE = re.compile(
    r"(?i:\b(?:live\s+at|lives\s+at|living\s+at|is|at|outside|opposite)\s+)$"
)
_FLAT = re.compile(r"\b(?i:flat|apartment|apt|unit)\s+\d+[a-z]?\b")
# What follows an address already found: "[address], 18 queensway", "[address] hampden house".
_ADDRESS_TAIL = re.compile(
    r"(?<=\[address\])(?:,?\s+\d{1,4}[a-z]?\s+[A-Za-z'-]+"
    r"|,?\s+(?:[A-Za-z'-]+\s+){1,2}(?i:house|court|lodge|mansions|place|heights|tower|view)"
    # "[address] Cottages" ("7 Hill End Farm Cottages"), "[address] block b".
    r"|\s+(?:Cottages?|Farm|Barns?|Lodge|Mill|House)|,?\s+(?i:block|building)\s+[A-Za-z\d]{1,2})\b"
)
# "Fairview, London Road": a house name, a comma, then a named street.
_HOUSE_AND_STREET = re.compile(
    r"\b(?:The\s+)?(?P<house>[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?),\s+(?:[A-Z][a-z'-]+\s+){1,3}"
    r"(?:Road|Street|Lane|Avenue|Close|Crescent|Drive|Way|Court|Place|Hill|Gardens|Grove"
    r"|Row|Walk|Green|View|Rise|Terrace|Mews|Square|End|Chase)\b"
)
# A police title before a number: "PC 1234 Smith" is an officer's collar number and name.
_COLLAR_BEFORE = re.compile(r"(?i:\b(?:pc|pcso|dc|ds|sgt|sergeant|insp|constable)\.?\s+)$")


def _check_numbered_name(match: re.Match[str]) -> str:
    words = match.group("words").lower().split()
    if words[0] in NOT_STREET_NAMES or words[-1] in ("line", "bus", "route", "service"):
        return match.group()
    if _COLLAR_BEFORE.search(match.string[: match.start()]):
        return match.group()
    return tag(ADDRESS)


def _check_house_and_street(match: re.Match[str]) -> str:
    if match.group("house").split()[0].lower() in NOT_STREET_NAMES | NOT_HOUSES:
        return match.group()
    return tag(ADDRESS)


NOT_HOUSES = frozenset("hi hello hey yes no thanks sorry ok okay well so and but".split())


def _check_bare_address(match: re.Match[str]) -> str:
    """Keep the lead-in ("live at") and tag the rest; "number" and "no" go with it."""
    lead = match.group("lead") or match.group("lead2") or ""
    if lead.strip().lower().rstrip(".") in ("number", "no"):
        lead = ""
    return lead + tag(ADDRESS)


# One address found in pieces: "Flat [address]", "no. [address]", "[address], [address]".
_ADDRESS_PIECES = re.compile(
    r"(?i:\b(?:flat|apartment|apt|unit|block|no\.?|number)(?:\s+(?:[a-z]|\d{1,4}[a-z]?)\b)?"
    r",?\s*)(?=\[address\])"
    r"|(?<=\[address\]),?\s*(?:\d{1,4}[a-z]?(?:-\d{1,4})?,?\s*)?\[address\]"
    r"|(?<=\[address\])/(?=\[address\])"
)


def _check_street_after(match: re.Match[str]) -> str:
    return ""


# Order matters: whole addresses first, then what is left around the tags they leave.
ADDRESS_STEPS = (
    Step(ADDRESS, _ADDRESS, _check_address),
    Step(ADDRESS, _HOUSE_AND_STREET, _check_house_and_street),
    Step(ADDRESS, _BARE_ADDRESS, _check_bare_address),
    Step(ADDRESS, _NUMBER_ONLY_ADDRESS, _check_bare_address),
    Step(ADDRESS, NUMBERED_NAME, _check_numbered_name),
    Step(ADDRESS, _FLAT, whole(ADDRESS)),
    Step(ADDRESS, _ADDRESS_TAIL, _check_street_after),
    Step(ADDRESS, _HOUSE_NAME, whole(ADDRESS)),
    Step(ADDRESS, _STREET_AFTER, _check_street_after),
)


def joined(text: str) -> str:
    """One address found in pieces as one tag: "Flat [address]" is "[address]"."""
    return _ADDRESS_PIECES.sub("", text).replace("[address][address]", "[address]")
