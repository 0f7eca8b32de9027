"""Remove personal details from residents' answers before staff read them.

`Redactor.redact` replaces each detail with a tag naming its kind, for example
"call me on 07700 900123" becomes "call me on [phone]". Ordinary words, places,
times, years and ages are left alone. Redacting twice changes nothing more.
`Redactor.found` lists the kinds of detail a text contains.

Patterns find the details that have a shape (emails, phone numbers, postcodes,
plates, bank details, crime references, addresses). People's names have none,
so a `Lexicon` (names lists and a gazetteer, loaded by `bot/`) says which words
are names, and the words around them (a title, "my neighbour", a sign-off) say
when an ordinary word is used as one. Places in the gazetteer are never names.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dialogs.names import RELATIONS, TITLES, Lexicon, NameFinder

EMAIL = "email"
PHONE = "phone"
POSTCODE = "postcode"
NI_NUMBER = "ni-number"
VEHICLE_REG = "vehicle-reg"
CARD_NUMBER = "card-number"
ADDRESS = "address"
DATE_OF_BIRTH = "date-of-birth"
NAME = "name"
CRIME_REF = "crime-ref"
BANK_DETAILS = "bank-details"
NUMBER = "number"

KINDS: tuple[str, ...] = (
    EMAIL,
    PHONE,
    POSTCODE,
    NI_NUMBER,
    VEHICLE_REG,
    CARD_NUMBER,
    ADDRESS,
    DATE_OF_BIRTH,
    NAME,
    CRIME_REF,
    BANK_DETAILS,
    NUMBER,
)

_TAG = re.compile(r"\[(" + "|".join(re.escape(kind) for kind in KINDS) + r")\]")


def _tag(kind: str) -> str:
    """The placeholder that replaces a detail of `kind`."""
    return f"[{kind}]"


# ---------------------------------------------------------------------------
# One step per kind of detail
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """Find one kind of detail and replace what the check accepts.

    `check` sees each match and returns the replacement text, which is the
    match itself when the candidate turns out not to be a personal detail.
    """

    kind: str
    pattern: re.Pattern[str]
    check: Callable[[re.Match[str]], str]

    def apply(self, text: str) -> str:
        """Return `text` with this step's details replaced by tags."""
        return self.pattern.sub(self.check, text)


def _whole(kind: str) -> Callable[[re.Match[str]], str]:
    """Replace the whole match with the tag."""
    return lambda match: _tag(kind)


def _after_prefix(kind: str) -> Callable[[re.Match[str]], str]:
    """Keep the lead-in words (group "lead") and replace the rest with the tag."""
    return lambda match: match.group("lead") + _tag(kind)


# Email ----------------------------------------------------------------------

_WEBMAIL = (
    r"(?:gmail|googlemail|hotmail|outlook|live|yahoo|icloud|me|btinternet|sky|virginmedia"
    r"|talktalk|aol|protonmail|proton|ntlworld|btopenworld|onet|wp|o2|mail|gmx)"
)
_TLD = r"(?:com|co|uk|org|net|ie|pl|ro|lt|lv|de|fr|info|biz|gov|ac|nhs|sch|me)"
# " at ", "(at)", "[at]" and " dot ", "(dot)", "[dot]": addresses spelt out to dodge filters.
_AT = r"(?:\s*[(\[]at[)\]]\s*| at )"
_DOT = r"(?:\s*[(\[]dot[)\]]\s*| dot )"
_SEP = r"(?:\.|" + _DOT + r")"
# Bounded, so that a long run of "x dot x dot" cannot make matching slow.
_LOCAL = r"[A-Za-z0-9_%+-]{1,64}(?:" + _SEP + r"[A-Za-z0-9_%+-]{1,64}){0,5}"
_ENDING = _TLD + r"(?:" + _SEP + _TLD + r")?\b"
# With a known webmail domain, " . " is a dot too ("jo at gmail . com").
_SPELT_WEBMAIL = r"\b" + _LOCAL + _AT + _WEBMAIL + r"(?:" + _SEP + r"| \. )" + _ENDING
_SPELT_ANY = (
    r"\b" + _LOCAL + _AT + r"[A-Za-z0-9-]+(?:" + _SEP + r"[A-Za-z0-9-]+){0,4}?" + _DOT + _ENDING
)
# A local part that looks like an address's ("j.smith", "dazza_88"), not a word like "it":
# then " at " with any domain is an email ("j.smith at company.co.uk", "jo.bloggs at gmail").
_EMAILISH_LOCAL = r"(?=[A-Za-z])(?=[A-Za-z0-9._%+-]*[._\d])[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
_AT_DOMAIN = (
    r"\b"
    + _EMAILISH_LOCAL
    + r" at (?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\."
    + _ENDING
    + r"|"
    + _WEBMAIL
    + r"\b(?!\.\w))"
)
_EMAIL = re.compile(
    # "mike. hollis@gmail.com": a space typed after a dot.
    r"\b[A-Za-z0-9._%+-]+(?:\.\s[A-Za-z0-9._%+-]+)?\s?(?:@|\[@\]|\(@\))\s?"
    # "gary_1975@hotmail,co.uk": a comma typed for a dot.
    r"(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b(?:,(?:co\.uk|com|org|net)\b)?"
    r"|[A-Za-z0-9-]+,(?:co\.uk|com|org|net)\b"
    # "dazza_88 @ hotmail . co . uk", "sam.hurst@outlook co uk", "kaz@hotmail".
    r"|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?:\s?[.\s]\s?(?:co|ac|org|gov|nhs|sch)\b)?"
    r"\s?[.\s]\s?(?!co\b)" + _TLD + r"\b"
    # "jo @ gmail dot com": an at sign, then the dots spelt out.
    r"|[A-Za-z0-9-]+(?:"
    + _SEP
    + r"[A-Za-z0-9-]+){0,4}?"
    + _DOT
    + _ENDING
    + r"|"
    + _WEBMAIL
    + r"(?:com|couk)?\b)"
    # "karen dot white at hotmail dot com", "jo.bloggs at gmail.com"; any domain when
    # it is spelt out too: "dave.h72 at example dot co dot uk", "t.okonkwo[at]gmail[dot]com".
    r"|" + _SPELT_WEBMAIL + r"|" + _SPELT_ANY + r"|" + _AT_DOMAIN,
    re.IGNORECASE,
)

# After a word for an email: "email me at jsmith at gmail", "my email is jo.smith99".
_EMAIL_AFTER_WORD = re.compile(
    r"(?P<lead>\b(?i:e-?mail|contact|reach|write\s+to|message)(?i:\s+address)?"
    r"(?i:\s+(?:me|is|was|at|on)){0,2}\s*[:=-]?\s*)"
    r"(?P<local>(?=[A-Za-z])[A-Za-z0-9._%+-]*[A-Za-z0-9])"
    r"(?P<domain>(?i:\s+at\s+(?:gmail|googlemail|hotmail|outlook|yahoo|icloud|btinternet"
    r"|aol|ntlworld|protonmail))\b)?(?![\w@])"
)


# "jsmith at gmail" with no word for an email before it: only the big webmail names,
# and not after a word that is plainly not an address's ("i was at hotmail for years").
_BARE_AT_WEBMAIL = re.compile(
    r"\b(?P<local>(?=[A-Za-z])" + _LOCAL + r")(?i:" + _AT + r")"
    r"(?i:gmail|googlemail|hotmail|yahoo|icloud|btinternet|aol|ntlworld|protonmail)\b"
)
_NOT_LOCAL = frozenset(
    "was were been work works worked working job jobs be is are am him her them me you us it "
    "this that there here and but then started starts signed logged log sign account "
    "accounts address inbox spam".split()
)


def _check_bare_at_webmail(match: re.Match[str]) -> str:
    local = match.group("local").lower()
    return match.group() if local in _NOT_LOCAL or len(local) < 3 else _tag(EMAIL)


def _check_email_after_word(match: re.Match[str]) -> str:
    """Tag what follows "email" when it has an address's shape or its domain."""
    if match.group("domain") or re.search(r"[._\d]", match.group("local")):
        return match.group("lead") + _tag(EMAIL)
    return match.group()


# Card numbers ------------------------------------------------------------------

_CARD = re.compile(r"(?<!\d)(?<!\d[ -])(?:\d[ -]?){12,18}\d(?![ -]?\d)")


def _luhn_valid(digits: str) -> bool:
    """True when `digits` passes the Luhn checksum used by payment cards."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _check_card(match: re.Match[str]) -> str:
    """Tag 13-19 digit runs that pass the card checksum."""
    digits = re.sub(r"\D", "", match.group())
    if 13 <= len(digits) <= 19 and _luhn_valid(digits):
        return _tag(CARD_NUMBER)
    return match.group()


# Phone numbers --------------------------------------------------------------

_UK_PHONE = re.compile(
    r"(?<![\w+\[])"
    r"(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?\(?|\(?0)"
    r"\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}"
    r"(?!\w)"
)
_INTERNATIONAL_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)(?!44)[1-9]\d{0,2}[\s.-]?\(?\d{1,5}\)?(?:[\s.-]?\(?\d{2,5}\)?){1,5}(?!\w)"
)


def _check_uk_phone(match: re.Match[str]) -> str:
    """Tag landlines (01, 02) and mobiles (07) of 10-11 digits, in national or +44 form.

    Freephone and service numbers (0800, 0808, 03...) belong to organisations,
    such as the helplines the bot itself gives out, so they are left alone.
    """
    text = match.group()
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    if text.startswith(("+", "00")):
        national = "0" + (digits[4:] if digits.startswith("0044") else digits[2:])
    else:
        national = digits
    personal = national.startswith(("01", "02", "07"))
    return _tag(PHONE) if personal and 10 <= len(national) <= 11 else text


def _check_international_phone(match: re.Match[str]) -> str:
    """Tag international numbers of 8-15 digits, country code included."""
    digits = re.sub(r"\D", "", match.group())
    return _tag(PHONE) if 8 <= len(digits) <= 15 else match.group()


# National Insurance --------------------------------------------------------

_NI_NUMBER = re.compile(r"\b[A-Z]{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?[A-D]\b", re.IGNORECASE)
# Without the final letter only when introduced as an NI number.
_BARE_NI_NUMBER = re.compile(
    r"(?P<lead>\b(?:ni|national insurance)(?: number| no\.?)?(?: is)?:? )"
    r"[A-Z]{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}\b",
    re.IGNORECASE,
)

# Postcodes ------------------------------------------------------------------

# The inward part never uses C, I, K, M, O or V, which keeps "9am" out.
_POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b",
    re.IGNORECASE,
)

# Vehicle registrations --------------------------------------------------

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
    return _tag(VEHICLE_REG)


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
    return _tag(VEHICLE_REG) if _VEHICLE_CUE.search(before) else text


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
    return (match.group("lead") or match.group("lead2") or "") + _tag(VEHICLE_REG)


# Dates of birth --------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
)
# Days written as words: "the fourteenth of July 1982", "twenty-first".
_ORDINAL = (
    r"(?:(?:twenty|thirty)[- ]?)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|tenth|eleventh|twelfth|(?:thir|four|fif|six|seven|eigh|nine)teenth|twentieth|thirtieth"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    r"|\d{4}-\d{1,2}-\d{1,2}"
    # "12 03 1985", "120385", "12031985", "the 2nd of the 2nd 1962": after a birth cue only.
    r"|\d{1,2} \d{1,2} (?:19|20)\d{2}"
    # "19790312", "03/1979", and "12/3" with no year, after a birth cue only.
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)"
    r"|\d{1,2}[/.-](?:19|20)\d{2}\b"
    r"|\d{1,2}/\d{1,2}(?![/.-]?\d)"
    r"|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:(?:19|20)\d{2}|\d{2})(?!\d)"
    r"|(?:the )?\d{1,2}(?:st|nd|rd|th)? of the \d{1,2}(?:st|nd|rd|th)?,? (?:\d{4}|'?\d{2})\b"
    r"|(?:the )?(?:\d{1,2}(?:st|nd|rd|th)?|"
    + _ORDINAL
    + r")(?: of)? "
    + _MONTH
    + r",?(?: \d{4}| '?\d{2}\b)?"
    r"|" + _MONTH + r" \d{1,2}(?:st|nd|rd|th)?,?(?: \d{4})?)"
)
# Only dates introduced as a birth date: "on 12 May I called" is left alone.
_DATE_OF_BIRTH = re.compile(
    r"(?P<lead>\b(?:born(?: on)?|d\.?o\.?b\.?|date of birth|birth ?date|birthday)"
    r"(?: is| was)?\s*[:=,-]?\s*"
    r"(?:(?:so|and|i|put|it|its|it's|as|was|is|wrote|gave|typed|which|thats|that's|mine)\s+){0,4})"
    + _DATE
    + r"|"
    + _DATE.replace("(?:", "(?:", 1)
    + r"(?=,?\s+(?:is|was|being)\s+(?:my|his|her|their)\s+(?:dob|d\.o\.b|date of birth|birthday))"
    # A year alone, where only a birth date can be meant: "dob 1979", "year of birth: 1962".
    r"|(?P<lead2>\b(?:d\.?o\.?b\.?|date of birth|year of birth|yob)(?: is| was)?\s*[:=,-]?\s*)"
    r"(?:19|20)\d{2}\b(?![/.-]\d)",
    re.IGNORECASE,
)


def _check_date_of_birth(match: re.Match[str]) -> str:
    return (match.group("lead") or match.group("lead2") or "") + _tag(DATE_OF_BIRTH)


# A full date, with its year, a little after a birth date was mentioned: "they asked
# for my DOB on the phone, its 21/06/88", "my dob: ..., my wife's 11/11/74". A date
# from the last few years is an incident's, not a birth date ("burgled on 06/05/24").
_LATEST_BIRTH_YEAR = 2019
_TWO_DIGIT_CENTURY_TURN = 30  # "24" is 2024, "74" is 1974
_CUE_REACH = 80  # characters before a date that may hold "born", "dob", ...
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?,?\s+)?"
_FULL_DATE = re.compile(
    r"(?<![\w/.-])" + _WEEKDAY + r"(?:"
    r"\d{1,2}[/.-]\d{1,2}[/.-](?P<y1>\d{4}|\d{2})"
    r"|\d{1,2}[-/ ]" + _MONTH + r"[-/ ](?P<y2>\d{4}|\d{2})"
    r"|(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+" + _MONTH + r",?\s+'?(?P<y3>\d{4}|\d{2})"
    r"|" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?P<y4>\d{4})"
    r"|(?<=born )(?:" + _MONTH + r"\s+)?(?P<y5>(?:19|20)\d{2})"
    r"|(?<=born in )(?:" + _MONTH + r"\s+)?(?P<y6>(?:19|20)\d{2})"
    r")(?![\w/-])",
    re.IGNORECASE,
)
_BIRTH_CUE = re.compile(
    r"\b(?:born|d\.?o\.?b\b|date\s+of\s+birth|birth\s?date|birthday)|\[date-of-birth\]",
    re.IGNORECASE,
)
_DATE_AFTER_NAME = re.compile(
    r"(?<=\[name\])(?P<gap>,?\s+)(?P<date>\d{1,2}[/.-]\d{1,2}[/.-]\d{4})\b"
)


def _check_date_after_name(match: re.Match[str]) -> str:
    year = int(match.group("date")[-4:])
    if 1900 <= year <= _LATEST_BIRTH_YEAR:
        return match.group("gap") + _tag(DATE_OF_BIRTH)
    return match.group()


def _check_cued_date_of_birth(match: re.Match[str]) -> str:
    year_text = next(y for y in match.group("y1", "y2", "y3", "y4", "y5", "y6") if y)
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000 if year <= _TWO_DIGIT_CENTURY_TURN else 1900
    before = match.string[max(0, match.start() - _CUE_REACH) : match.start()]
    if 1900 <= year <= _LATEST_BIRTH_YEAR and _BIRTH_CUE.search(before):
        return _tag(DATE_OF_BIRTH)
    return match.group()


# Addresses ------------------------------------------------------------------

_STRONG_STREETS = (
    "road rd street st lane ln avenue ave close crescent cres gardens gdns grove "
    "terrace mews square sq"
).split()
_WEAK_STREETS = (
    "drive dr way court ct place pl hill park rise walk row green view parade vale "
    "wharf end croft meadow meadows fields chase approach boulevard mount ride mead dell "
    "ridge crest heights spinney copse glade paddock leys lea"
).split()
_STREET = "(?:" + "|".join(_STRONG_STREETS + _WEAK_STREETS) + ")"
# Words that cannot be part of a street name: they turn "3 times on the road"
# or "2 hours in the lane" into a sentence rather than an address.
_NOT_STREET_WORDS = (
    "the a an of on in at to for and or but my our your his her their it is was be "
    "i we you he she they times time hours hour hrs mins minutes days day weeks week "
    "months month years year people police officers officer cars car calls miles mile "
    "more less other different same kids sons daughters children burglaries crimes "
    "percent pounds quid bus buses from route service"
).split()
_STREET_WORD = r"(?!(?:" + "|".join(_NOT_STREET_WORDS) + r")\b)(?:(?i:st)\.|[A-Za-z][A-Za-z'-]*)"
# A house number, or a range of them: "14", "2a", "37-39", "12 - 14".
_NUMBER = r"\d{1,4}[a-z]?(?:\s?[-\u2013]\s?\d{1,4}[a-z]?)?"
# Street words that may follow another in a name ("Nup End Lane"), "St" not among them.
_STREET_ALT = "|".join(w for w in _STRONG_STREETS + _WEAK_STREETS if len(w) > 3)

_ADDRESS = re.compile(
    r"\b(?:(?:flat|apartment|apt|unit)\s+\d+[a-z]?,?\s+)?"
    # "2/14 high street": a flat's number, a slash, the house's.
    r"(?:(?<![\d/])\d{1,3}/|(?<![\d/.-]))"
    + _NUMBER
    + r",?\s+(?P<street>(?:"
    + _STREET_WORD
    + r"\s+){1,3}?|the\s+)"
    # "Nup End Lane", "Bushey Grove Road", "St Albans Road East".
    r"(?P<kind>" + _STREET + r")(?:\s+(?:" + _STREET_ALT + r"))?\b(?!'s)"
    r"(?:\s+(?:East|West|North|South|east|west|north|south)\b(?!\s+of\b))?",
    re.IGNORECASE,
)
# Addresses without a street word: "14 The Maltings", "number 9 on Ridgeway",
# "I live at 7 Hill Crest", and house names ("Rose Cottage", "The Old Rectory").
# Capitalised words, "St." among them ("14 St. Peters Street").
_CAPITAL_WORDS = r"(?:St\.\s+)?[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2}"
_BARE_ADDRESS = re.compile(
    r"\b" + _NUMBER + r",?\s+The\s+" + _CAPITAL_WORDS + r"\b"
    r"|(?P<lead>\b(?i:number|no\.?|live at|lives at|living at|address is|address:|moved to"
    r"|house at|flat at|round at|over at)\s+)"
    r"(?i:" + _NUMBER + r",?\s+(?:on\s+|in\s+)?(?:the\s+)?)" + _CAPITAL_WORDS + r"\b"
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
_NOT_STREET_NAMES = frozenset(
    "minutes minute mins min hours hour hrs hr days day weeks week wks months month years year "
    "yrs yr times secs sec seconds metres meters yards feet ft mph stars star pcsos officers "
    "calls people miles percent pounds am pm jan feb mar apr may "
    "jun jul aug sep sept oct nov dec january february march april june july august "
    "september october november december monday tuesday wednesday thursday friday "
    "saturday sunday and or the".split()
)
_NUMBERED_NAME = re.compile(
    r"(?<![\w/£$.,:-])(?!(?:101|999|111)\b)" + _NUMBER + r"\s+(?P<words>" + _CAPITAL_WORDS + r")\b"
    # "flat 12 Wynyard court": a street or house word in lower case after the name.
    r"(?:\s+(?:" + _STREET_ALT + r"|court|house|cottages?)\b)?"
    r"(?!\s*%)"
)
# Words before a house number that make "is 88 Longmeadow," an address though Longmeadow
# is also an estate's name (with a comma or the end after it); "the 301 Stevenage bus"
# and "went to 3 Hatfield shops" are not.
_HOUSE_AT_PLACE = re.compile(
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
    if words[0] in _NOT_STREET_NAMES or words[-1] in ("line", "bus", "route", "service"):
        return match.group()
    if _COLLAR_BEFORE.search(match.string[: match.start()]):
        return match.group()
    return _tag(ADDRESS)


def _check_house_and_street(match: re.Match[str]) -> str:
    if match.group("house").split()[0].lower() in _NOT_STREET_NAMES | _NOT_HOUSES:
        return match.group()
    return _tag(ADDRESS)


_NOT_HOUSES = frozenset("hi hello hey yes no thanks sorry ok okay well so and but".split())


def _check_bare_address(match: re.Match[str]) -> str:
    """Keep the lead-in ("live at") and tag the rest; "number" and "no" go with it."""
    lead = match.group("lead") or match.group("lead2") or ""
    if lead.strip().lower().rstrip(".") in ("number", "no"):
        lead = ""
    return lead + _tag(ADDRESS)


# One address found in pieces: "Flat [address]", "no. [address]", "[address], [address]".
_ADDRESS_PIECES = re.compile(
    r"(?i:\b(?:flat|apartment|apt|unit|block|no\.?|number)(?:\s+(?:[a-z]|\d{1,4}[a-z]?)\b)?"
    r",?\s*)(?=\[address\])"
    r"|(?<=\[address\]),?\s*(?:\d{1,4}[a-z]?(?:-\d{1,4})?,?\s*)?\[address\]"
    r"|(?<=\[address\])/(?=\[address\])"
)
# Words that end a street's name, in lower case too ("14 carters way").
_STREET_KINDS = frozenset(_STRONG_STREETS + _WEAK_STREETS + ["rd", "st", "ave", "cl", "dr"])
_HOUSE_NUMBER = re.compile(r"(?<![\w/£$.:-])(?i:no\.?\s*|number\s+)?" + _NUMBER + r"\b,?")
_AGE_BEFORE = re.compile(r"(?i:\b(?:over|under|aged|age|about|around|nearly|almost)\s+)$")
_WORD = re.compile(r"\s+(?:the\s+)?([A-Za-z][A-Za-z'-]*)")
_STREET_STOP = (
    frozenset(_NOT_STREET_WORDS)
    | _NOT_STREET_NAMES
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
_COUNTED = (_NOT_STREET_NAMES | _STREET_STOP | frozenset("addresses places".split())) - frozenset(
    "and or on in the to from but".split()
)
_LEAD_NUMBER = re.compile(r"(?i:no\.?\s*|number\s+)?" + _NUMBER + r"\b")
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
_NOT_HOUSE_FIRST = _NOT_HOUSES | frozenset(
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
    frozenset(_NOT_STREET_WORDS)
    | _NOT_STREET_NAMES
    | frozenset(
        "day night weekend morning evening afternoon other same last next first one police "
        "officer officers front back stairs stairwell door road street".split()
    )
)


def _check_street_after(match: re.Match[str]) -> str:
    return ""


# Crime and fraud references --------------------------------------------------

# "log 1234 of 12/03/25", "incident 456 of the 3rd May": a log's number and its day.
_OF_DAY = (
    r"(?:\s+(?i:of)\s+(?i:the\s+)?\d{1,2}(?:(?i:st|nd|rd|th))?"
    r"(?:[/.-]\d{1,2}(?:[/.-]\d{2,4})?|(?:\s+(?i:of))?\s+(?i:" + _MONTH + r")(?:\s+\d{2,4})?))?"
)
_CRIME_REF = re.compile(
    # Hertfordshire's own form, 41/23817/25 (or 41-23817-25), a force's letters in
    # front (HP/12345/25), and Action Fraud's NFRC numbers, in groups or not.
    r"\b\d{1,3}/(?:[A-Za-z]{2,4}/)?\d{3,7}/\d{2,4}\b|\b(?i:NFRC)(?:[\s-]?\d){6,14}\b"
    r"|\b41-\d{3,7}-\d{2}\b|\b[A-Z]{2,4}/\d{3,7}/\d{2,4}\b"
    r"|(?P<lead>\b(?i:crime|incident|case|log|occurrence|cad|reference|ref|report|fraud|urn|crn)"
    r"(?i:\s+(?:reference|ref|number|no|num|nr))?\.?(?i:\s+(?:is|was|number|no))?"
    r"\s*[:#]?\s*)"
    r"(?!(?:101|999|111)\b)(?:[A-Z]{1,5}[\s/-]?)?\d[\dA-Za-z/-]{2,}(?:\s\d{2,})*\b" + _OF_DAY
)


def _check_crime_ref(match: re.Match[str]) -> str:
    return (match.group("lead") or "") + _tag(CRIME_REF)


# Bank details -------------------------------------------------------------------

_BANK = re.compile(
    r"(?P<lead>\b(?i:sort[\s-]?code|sort|s/c|sc)(?i:\s+(?:is|was))?[\s:]*)"
    r"\d{2}(?:[\s-]?\d{2}[\s-]?|/\d{2}/|\.\d{2}\.)\d{2}\b"
    r"|(?P<lead2>\b(?i:account|acc|acct|a/c)(?i:\s+(?:number|no|num))?\.?(?i:\s+(?:is|was))?[\s:#]*)"
    r"\d{6,10}\b"
    # A sort code just before an account number: "20-45-77 41029384", "20 00 00 / 55779911",
    # "404784 / 11447788".
    r"|\b(?:\d{2}-\d{2}-\d{2}|\d{2} \d{2} \d{2})(?=\W{1,5}(?:\w+\W+){0,2}(?:\d{8}\b|\[number\]))"
    r"|\b\d{6}(?=\s*[/,]\s*(?:\d{8}\b|\[number\]))"
    # A British IBAN: "GB29 NWBK 6016 1331 9268 19".
    r"|\b(?i:GB)\d{2}\s?[A-Za-z]{4}(?:\s?\d{2}){7}\b"
)


def _check_bank(match: re.Match[str]) -> str:
    return (match.group("lead") or match.group("lead2") or "") + _tag(BANK_DETAILS)


# Any other long number: a run of seven or more digits is someone's reference,
# account or phone number, never a survey answer.
_LONG_NUMBER = re.compile(r"(?<![\w\[])\d(?:[ -]?\d){6,}(?![\w\]])")


def _check_long_number(match: re.Match[str]) -> str:
    """Tag long numbers, except freephone and service numbers (0800, 0808, 03, 116 123)."""
    digits = re.sub(r"\D", "", match.group())
    if digits.startswith(("080", "03", "116", "0845", "0870")):
        return match.group()
    return _tag(NUMBER)


# Phone numbers typed in pairs or odd groups: "07 70 09 00 12 3".
_GROUPED_PHONE = re.compile(r"(?<![\w+\[])(?:\+44\s?|0)(?:[\s.-]?\d){9,10}(?![\w\]])")


def _check_address(match: re.Match[str]) -> str:
    """Tag street addresses; weak street words need capitals ("31 Park Drive")."""
    kind = match.group("kind").lower()
    if "/" in match.group() and match.group("street").lower().strip() == "the":
        return match.group()  # "on 12/03 the road was shut": a date
    if kind in _STRONG_STREETS:
        return _tag(ADDRESS)
    words = [*match.group("street").split(), match.group("kind")]
    if all(word[0].isupper() for word in words):
        return _tag(ADDRESS)
    return match.group()


# ---------------------------------------------------------------------------
# Pipeline
# ---------------------------------------------------------------------------

# Order matters: card numbers before phone numbers (a card contains phone-like
# runs), dates of birth before phone numbers ("01-02-1970"), and names last so
# that "call me on 07700 900123" has already lost its number.
STEPS: tuple[Step, ...] = (
    Step(EMAIL, _EMAIL, _whole(EMAIL)),
    Step(EMAIL, _EMAIL_AFTER_WORD, _check_email_after_word),
    Step(EMAIL, _BARE_AT_WEBMAIL, _check_bare_at_webmail),
    Step(DATE_OF_BIRTH, _DATE_OF_BIRTH, _check_date_of_birth),
    Step(DATE_OF_BIRTH, _FULL_DATE, _check_cued_date_of_birth),
    Step(CARD_NUMBER, _CARD, _check_card),
    Step(CRIME_REF, _CRIME_REF, _check_crime_ref),
    Step(PHONE, _GROUPED_PHONE, _check_uk_phone),
    Step(PHONE, _UK_PHONE, _check_uk_phone),
    Step(PHONE, _INTERNATIONAL_PHONE, _check_international_phone),
    Step(NI_NUMBER, _NI_NUMBER, _whole(NI_NUMBER)),
    Step(NI_NUMBER, _BARE_NI_NUMBER, _after_prefix(NI_NUMBER)),
    Step(POSTCODE, _POSTCODE, _whole(POSTCODE)),
    Step(VEHICLE_REG, _VEHICLE_REG, _check_plate),
    Step(VEHICLE_REG, _CUED_PLATE, _check_cued_plate),
    Step(VEHICLE_REG, _PARTIAL_PLATE, _check_partial_plate),
    Step(BANK_DETAILS, _BANK, _check_bank),
    Step(NUMBER, _LONG_NUMBER, _check_long_number),
    Step(ADDRESS, _ADDRESS, _check_address),
    Step(ADDRESS, _HOUSE_AND_STREET, _check_house_and_street),
    Step(ADDRESS, _BARE_ADDRESS, _check_bare_address),
    Step(ADDRESS, _NUMBER_ONLY_ADDRESS, _check_bare_address),
    Step(ADDRESS, _NUMBERED_NAME, _check_numbered_name),
    Step(ADDRESS, _FLAT, _whole(ADDRESS)),
    Step(ADDRESS, _ADDRESS_TAIL, _check_street_after),
    Step(ADDRESS, _HOUSE_NAME, _whole(ADDRESS)),
    Step(ADDRESS, _STREET_AFTER, _check_street_after),
)


class Redactor:
    """Removes personal details: the patterns, and names from the `Lexicon`'s lists."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or Lexicon()
        self._names = NameFinder(self.lexicon)

    def redact(self, text: str) -> str:
        """Return `text` with each personal detail replaced by a tag such as "[phone]"."""
        text = self._protect_places(text, STEPS)
        text = self._streets_before_places(text)
        text = self._house_names(text)
        text = _ADDRESS_PIECES.sub("", text).replace("[address][address]", "[address]")
        text = self._redact_names(text)
        # A birth date given just after a person's name: "my son is Tom, 14/02/2008".
        return _DATE_AFTER_NAME.sub(_check_date_after_name, text)

    def _house_names(self, text: str) -> str:
        """House names: after "live at" and the like, and next to an address or postcode."""
        pieces, last = [], 0
        for lead in _HOUSE_LEAD.finditer(text):
            if lead.start() < last:
                continue
            end = self._house_end(
                text, lead.end(), need_place=not lead.group("strong"), comma=bool(lead.group("at"))
            )
            if end:
                pieces += [text[last : lead.end()], _tag(ADDRESS)]
                last = end
        text = "".join([*pieces, text[last:]])
        opening = _OPENING.match(text)
        if opening:
            end = self._house_end(text, opening.end(), need_place=True, comma=True)
            if end and not self._names_at(text, opening.end()):
                text = text[: opening.end()] + _tag(ADDRESS) + text[end:]
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
            if value.lower() in _HOUSE_STOP or value.lower() in _NOT_STREET_NAMES:
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
        if words[-1].lower() in _STRONG_STREETS:
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
        if named[0] in _NOT_HOUSE_FIRST | _NOT_STREET_NAMES | RELATIONS | TITLES:
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
        return _tag(ADDRESS) + ", "

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
                pieces += [text[last : match.start()], match.group("gap"), _tag(ADDRESS)]
                last = end
        return "".join([*pieces, text[last:]])

    def _streets_before_places(self, text: str) -> str:
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
                pieces += [text[last : number.start()], _tag(ADDRESS)]
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

    def found(self, text: str) -> list[str]:
        """Kinds of personal detail in `text`, one entry per detail, in reading order.

        Tags already present in `text` are not counted again.
        """
        before = Counter(_TAG.findall(text))
        kinds = []
        for kind in _TAG.findall(self.redact(text)):
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
            house = step.pattern is _NUMBERED_NAME and bool(
                _HOUSE_AT_PLACE.search(match.string[: match.start()])
            )
            if house and re.match(r"\s*(?:[,.;!?]|$)", match.string[match.end() :]):
                return step.check(match)
            return match.group()
        return step.check(match)

    def _redact_names(self, text: str) -> str:
        pieces, last = [], 0
        for start, end in self._names.spans(text):
            pieces += [text[last:start], _tag(NAME)]
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
