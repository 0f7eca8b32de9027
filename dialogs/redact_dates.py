"""Dates of birth: dates introduced as one, or close enough after "born" or "dob".

A date on its own is an incident's ("on 12 May I called"), so it is left alone.
"""

from __future__ import annotations

import re

from dialogs.redact_kinds import DATE_OF_BIRTH, Step, tag

MONTH = (
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
    + MONTH
    + r",?(?: \d{4}| '?\d{2}\b)?"
    r"|" + MONTH + r" \d{1,2}(?:st|nd|rd|th)?,?(?: \d{4})?)"
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
    return (match.group("lead") or match.group("lead2") or "") + tag(DATE_OF_BIRTH)


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
    r"|\d{1,2}[-/ ]" + MONTH + r"[-/ ](?P<y2>\d{4}|\d{2})"
    r"|(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+" + MONTH + r",?\s+'?(?P<y3>\d{4}|\d{2})"
    r"|" + MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?P<y4>\d{4})"
    r"|(?<=born )(?:" + MONTH + r"\s+)?(?P<y5>(?:19|20)\d{2})"
    r"|(?<=born in )(?:" + MONTH + r"\s+)?(?P<y6>(?:19|20)\d{2})"
    r")(?![\w/-])",
    re.IGNORECASE,
)
_BIRTH_CUE = re.compile(
    r"\b(?:born|d\.?o\.?b\b|date\s+of\s+birth|birth\s?date|birthday)|\[date-of-birth\]",
    re.IGNORECASE,
)


def _check_cued_date_of_birth(match: re.Match[str]) -> str:
    year_text = next(y for y in match.group("y1", "y2", "y3", "y4", "y5", "y6") if y)
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000 if year <= _TWO_DIGIT_CENTURY_TURN else 1900
    before = match.string[max(0, match.start() - _CUE_REACH) : match.start()]
    if 1900 <= year <= _LATEST_BIRTH_YEAR and _BIRTH_CUE.search(before):
        return tag(DATE_OF_BIRTH)
    return match.group()


_DATE_AFTER_NAME = re.compile(
    r"(?<=\[name\])(?P<gap>,?\s+)(?P<date>\d{1,2}[/.-]\d{1,2}[/.-]\d{4})\b"
)


def _check_date_after_name(match: re.Match[str]) -> str:
    year = int(match.group("date")[-4:])
    if 1900 <= year <= _LATEST_BIRTH_YEAR:
        return match.group("gap") + tag(DATE_OF_BIRTH)
    return match.group()


BIRTH_DATE_STEPS = (
    Step(DATE_OF_BIRTH, _DATE_OF_BIRTH, _check_date_of_birth),
    Step(DATE_OF_BIRTH, _FULL_DATE, _check_cued_date_of_birth),
)


def birth_date_after_name(text: str) -> str:
    """A birth date given just after a person's name: "my son is [name], 14/02/2008"."""
    return _DATE_AFTER_NAME.sub(_check_date_after_name, text)
