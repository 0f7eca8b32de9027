"""Details to reach or identify someone by: emails, phone, card, NI and bank numbers,
postcodes, crime references and other long numbers."""

from __future__ import annotations

import re

from dialogs.redact_dates import MONTH
from dialogs.redact_kinds import (
    BANK_DETAILS,
    CARD_NUMBER,
    CRIME_REF,
    EMAIL,
    NI_NUMBER,
    NUMBER,
    PHONE,
    POSTCODE,
    Step,
    after_prefix,
    tag,
    whole,
)

# Email -------------------------------------------------------------------------

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
    return match.group() if local in _NOT_LOCAL or len(local) < 3 else tag(EMAIL)


def _check_email_after_word(match: re.Match[str]) -> str:
    """Tag what follows "email" when it has an address's shape or its domain."""
    if match.group("domain") or re.search(r"[._\d]", match.group("local")):
        return match.group("lead") + tag(EMAIL)
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
        return tag(CARD_NUMBER)
    return match.group()


# Phone numbers -----------------------------------------------------------------

_UK_PHONE = re.compile(
    r"(?<![\w+\[])"
    r"(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?\(?|\(?0)"
    r"\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}"
    r"(?!\w)"
)
_INTERNATIONAL_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)(?!44)[1-9]\d{0,2}[\s.-]?\(?\d{1,5}\)?(?:[\s.-]?\(?\d{2,5}\)?){1,5}(?!\w)"
)
# Phone numbers typed in pairs or odd groups: "07 70 09 00 12 3".
_GROUPED_PHONE = re.compile(r"(?<![\w+\[])(?:\+44\s?|0)(?:[\s.-]?\d){9,10}(?![\w\]])")


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
    return tag(PHONE) if personal and 10 <= len(national) <= 11 else text


def _check_international_phone(match: re.Match[str]) -> str:
    """Tag international numbers of 8-15 digits, country code included."""
    digits = re.sub(r"\D", "", match.group())
    return tag(PHONE) if 8 <= len(digits) <= 15 else match.group()


# National Insurance ------------------------------------------------------------

_NI_NUMBER = re.compile(r"\b[A-Z]{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?[A-D]\b", re.IGNORECASE)
# Without the final letter only when introduced as an NI number.
_BARE_NI_NUMBER = re.compile(
    r"(?P<lead>\b(?:ni|national insurance)(?: number| no\.?)?(?: is)?:? )"
    r"[A-Z]{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}\b",
    re.IGNORECASE,
)
# Postcodes ---------------------------------------------------------------------

# The inward part never uses C, I, K, M, O or V, which keeps "9am" out.
_POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b",
    re.IGNORECASE,
)
# Crime and fraud references ----------------------------------------------------

# "log 1234 of 12/03/25", "incident 456 of the 3rd May": a log's number and its day.
_OF_DAY = (
    r"(?:\s+(?i:of)\s+(?i:the\s+)?\d{1,2}(?:(?i:st|nd|rd|th))?"
    r"(?:[/.-]\d{1,2}(?:[/.-]\d{2,4})?|(?:\s+(?i:of))?\s+(?i:" + MONTH + r")(?:\s+\d{2,4})?))?"
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
    return (match.group("lead") or "") + tag(CRIME_REF)


# Bank details ------------------------------------------------------------------

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
    return (match.group("lead") or match.group("lead2") or "") + tag(BANK_DETAILS)


# Other long numbers ------------------------------------------------------------

# Any other long number: a run of seven or more digits is someone's reference,
# account or phone number, never a survey answer.
_LONG_NUMBER = re.compile(r"(?<![\w\[])\d(?:[ -]?\d){6,}(?![\w\]])")


def _check_long_number(match: re.Match[str]) -> str:
    """Tag long numbers, except freephone and service numbers (0800, 0808, 03, 116 123)."""
    digits = re.sub(r"\D", "", match.group())
    if digits.startswith(("080", "03", "116", "0845", "0870")):
        return match.group()
    return tag(NUMBER)


# The steps, which `dialogs.redact` puts in order -------------------------------

EMAIL_STEPS = (
    Step(EMAIL, _EMAIL, whole(EMAIL)),
    Step(EMAIL, _EMAIL_AFTER_WORD, _check_email_after_word),
    Step(EMAIL, _BARE_AT_WEBMAIL, _check_bare_at_webmail),
)
CARD_STEP = Step(CARD_NUMBER, _CARD, _check_card)
CRIME_REF_STEP = Step(CRIME_REF, _CRIME_REF, _check_crime_ref)
PHONE_STEPS = (
    Step(PHONE, _GROUPED_PHONE, _check_uk_phone),
    Step(PHONE, _UK_PHONE, _check_uk_phone),
    Step(PHONE, _INTERNATIONAL_PHONE, _check_international_phone),
)
NI_NUMBER_STEPS = (
    Step(NI_NUMBER, _NI_NUMBER, whole(NI_NUMBER)),
    Step(NI_NUMBER, _BARE_NI_NUMBER, after_prefix(NI_NUMBER)),
)
POSTCODE_STEP = Step(POSTCODE, _POSTCODE, whole(POSTCODE))
BANK_STEP = Step(BANK_DETAILS, _BANK, _check_bank)
LONG_NUMBER_STEP = Step(NUMBER, _LONG_NUMBER, _check_long_number)
