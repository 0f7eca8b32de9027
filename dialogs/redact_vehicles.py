"""Vehicle registrations: current and older plates, spaced or not, and parts of them."""

from __future__ import annotations

import re

from dialogs.redact_kinds import VEHICLE_REG, Step, tag

_CURRENT_PLATE = r"[A-Z]{2}\d{2}[ -]?[A-Z]{3}"
_PREFIX_PLATE = r"[A-HJ-NP-Y]\d{1,3} ?[A-Z]{3}"
_SUFFIX_PLATE = r"[A-Z]{3} ?\d{1,3}[A-Z]"
_VEHICLE_REG = re.compile(
    r"(?i:\b" + _CURRENT_PLATE + r"\b)"
    # "AB 12 CDE" with spaces inside: in capitals, or after a word like "reg".
    r"|\b[A-Z]{2} \d{2} ?[A-Z]{3}\b"
    r"|(?<=\breg )(?i:[A-Z]{2} \d{2} ?[A-Z]{3})\b"
    r"|(?<=\bplate )(?i:[A-Z]{2} \d{2} ?[A-Z]{3})\b"
    r"|(?<=\bregistration )(?i:[A-Z]{2} \d{2} ?[A-Z]{3})\b"
    r"|\b[A-Z] [A-Z] \d ?\d [A-Z] [A-Z] [A-Z]\b"
    # Older styles are too close to ordinary words in lower case ("m1 and"), so
    # they need capitals or a word like "reg" in front.
    r"|\b(?:" + _PREFIX_PLATE + "|" + _SUFFIX_PLATE + r")\b"
    r"|(?<=\breg )(?i:" + _PREFIX_PLATE + "|" + _SUFFIX_PLATE + r")\b"
    r"|(?<=\bplate )(?i:" + _PREFIX_PLATE + "|" + _SUFFIX_PLATE + r")\b"
)
# Road names followed by a shouted word ("M1 AND") and car models ("BMW 320D",
# "A4 TDI") have the shape of older plates but are not plates.
_PLATE_WORDS = frozenset(
    "AND THE FOR ARE BUT NOT YOU ALL CAN HER WAS ONE OUR OUT DAY GET HAS HIM HIS HOW "
    "MAN NEW NOW OLD SEE TWO WAY WHO BOY DID ITS LET PUT SAY SHE TOO USE "
    "BMW AMG GTI TDI TSI CDI HDI DCI TFS VVT".split()
)


def _check_plate(match: re.Match[str]) -> str:
    """Tag number plates, skipping road names and car model names."""
    plate = match.group().replace(" ", "").upper()
    if plate[:3] in _PLATE_WORDS or plate[-3:] in _PLATE_WORDS:
        return match.group()
    return tag(VEHICLE_REG)


# Any style, with odd spacing, hyphens or lower case, near a word for a vehicle:
# "the red van D 312 RFG", "car kp-15-wzn", "reg E-451-JNB", "registration Bf 19 Gxa".
_SPACED = r"[\s-]?"
_CUED_PLATE = re.compile(
    r"(?<![\w-])(?i:"
    r"[A-Z]{2}" + _SPACED + r"\d{2}" + _SPACED + r"[A-Z]{3}"
    r"|[A-HJ-NP-Y]" + _SPACED + r"\d{1,3}" + _SPACED + r"[A-Z]{3}"
    r"|[A-Z]{3}" + _SPACED + r"\d{1,3}[A-Z]"
    r")(?![\w-])"
)
_VEHICLE_CUE = re.compile(
    r"(?i:\b(?:reg|regs|registration|plates?|number\s?plate|car|cars|van|vehicle|motorbike"
    r"|moped|scooter|lorry|truck|taxi|cab|minicab|transit|jeep|4x4|suv|pick-?up|bmw|audi"
    r"|merc|mercedes|ford|vauxhall|corsa|astra|golf|polo|focus|fiesta|mondeo|nissan|toyota"
    r"|honda|kia|hyundai|peugeot|renault|citroen|fiat|skoda|seat|mini|rover|volvo|tesla"
    r"|jag|jaguar|qashqai|juke|tractor|quad|driver|drove|parked|abandoned)\b)"
)
_CUE_BEFORE_PLATE = 60  # characters before a plate that may hold "car", "reg", ...
# Letters that are a word, a unit or a date, not a plate's: "a 10 min walk", "m25 jct 21".
_PLATE_UNITS = frozenset(
    "MIN HRS MPH YRS AGO WKS SEC KMS PCS JCT JNC MON TUE WED THU FRI SAT SUN JAN FEB MAR APR "
    "JUN JUL AUG SEP OCT NOV DEC".split()
)
_SMALL_WORDS = frozenset("at on in by to of up go no so my we it or an is am be do me he".split())


def _check_cued_plate(match: re.Match[str]) -> str:
    """Tag a plate of any spacing or case when a vehicle was mentioned just before."""
    text = match.group()
    plate = re.sub(r"[\s-]", "", text).upper()
    letters = re.findall(r"[A-Z]+", plate)
    if any(part in _PLATE_WORDS or part in _PLATE_UNITS for part in letters):
        return text
    first = re.split(r"[\s-]", text, maxsplit=1)[0]
    if first.islower() and (first in ("a", "i") or first in _SMALL_WORDS) and first != text:
        return text  # "a 10 min drive", "on 12 feb"
    before = match.string[max(0, match.start() - _CUE_BEFORE_PLATE) : match.start()]
    return tag(VEHICLE_REG) if _VEHICLE_CUE.search(before) else text


# Part of a plate, or a dateless one, after a word for it: "reg started with AY68".
_PARTIAL_PLATE = re.compile(
    r"(?P<lead>\b(?i:reg|registration|plate|number\s?plate)(?i:\s+(?:number|no))?"
    r"(?i:\s+(?:was|is|started|starts|starting|began|begins|beginning|ended|ends|ending))?"
    r"(?i:\s+(?:with|in))?:?\s+)"
    r"(?i:[A-Z]{1,3}\d{1,4}|\d{1,4}[A-Z]{1,3}|[A-Z]{2}\d{2})\b(?!\s*(?:mph|am|pm)\b)"
    # Letters alone, in capitals, for how a plate starts or ends: "reg ending in XTR".
    r"|(?P<lead2>\b(?i:reg|registration|plate|number\s?plate)(?i:\s+(?:number|no))?"
    r"(?i:\s+(?:was|is))?(?i:\s+(?:started|starts|starting|began|begins|beginning|ended|ends"
    r"|ending))(?i:\s+(?:with|in))?:?\s+)[A-Z]{2,3}\b"
)


def _check_partial_plate(match: re.Match[str]) -> str:
    return (match.group("lead") or match.group("lead2") or "") + tag(VEHICLE_REG)


PLATE_STEPS = (
    Step(VEHICLE_REG, _VEHICLE_REG, _check_plate),
    Step(VEHICLE_REG, _CUED_PLATE, _check_cued_plate),
    Step(VEHICLE_REG, _PARTIAL_PLATE, _check_partial_plate),
)
