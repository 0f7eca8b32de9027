"""The survey file's [accessibility] table: the facts of its accessibility statement.

A UK public body must publish an accessibility statement for a service like
this one (the Public Sector Bodies (Websites and Mobile Applications)
Accessibility Regulations 2018). The wording of the statement is fixed; its
facts (the standard, what was tested, what is known not to work, who to ask
for another format, the dates) belong to whoever runs the survey, so they are
kept in the survey file beside its other texts and checked like them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from dialogs.schema import Accessibility

KEYS = {
    "standard": "required",
    "compliance": "required",
    "contact": "required",
    "respond_within": "required",
    "formats": "optional",
    "tested": "required",
    "known_problems": "optional",
    "prepared": "required",
    "checked": "required",
}
COMPLIANCE = ("fully", "partially", "not")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

Report = Callable[[str, str], None]


def read_accessibility(table: Any, links: dict[str, str], problem: Report) -> Accessibility | None:
    """The statement's facts, or None (with each problem reported) when they do not hold."""
    where = "[accessibility]"
    if not isinstance(table, dict):
        problem(where, "[accessibility] is a table of the statement's facts")
        return None
    found: list[str] = []

    def report(place: str, message: str) -> None:
        found.append(message)
        problem(place, message)

    for key in sorted(set(table) - set(KEYS)):
        report(where, f'unknown key "{key}"; the keys here are: {", ".join(sorted(KEYS))}')
    for key, need in KEYS.items():
        if need == "required" and key not in table:
            report(where, f'"{key}" is missing; add it')
    standard = _text(table, "standard", report)
    compliance = _text(table, "compliance", report)
    if compliance and compliance not in COMPLIANCE:
        report(f"{where} compliance", "write fully, partially or not")
    respond_within = _text(table, "respond_within", report)
    contact = _lines(table, "contact", links, report, required=True)
    formats = _lines(table, "formats", links, report)
    tested = _lines(table, "tested", links, report, required=True)
    known_problems = _lines(table, "known_problems", links, report)
    prepared = _date(table, "prepared", report)
    checked = _date(table, "checked", report)
    if prepared and checked and checked < prepared:
        report(f"{where} checked", "the survey cannot be checked before the statement was prepared")
    if found or prepared is None or checked is None:
        return None
    return Accessibility(
        standard=standard,
        compliance=compliance,
        contact=contact,
        respond_within=respond_within,
        formats=formats,
        tested=tested,
        known_problems=known_problems,
        prepared=prepared,
        checked=checked,
    )


def _text(table: dict[str, Any], key: str, report: Report) -> str:
    value = table.get(key)
    if key in table and not (isinstance(value, str) and value.strip()):
        report(f"[accessibility] {key}", "write it as text in quotes")
        return ""
    return value.strip() if isinstance(value, str) else ""


def _lines(
    table: dict[str, Any],
    key: str,
    links: dict[str, str],
    report: Report,
    *,
    required: bool = False,
) -> tuple[str, ...]:
    """A list of texts, each with its {link} names filled in from [links]."""
    if key not in table:
        return ()
    value = table[key]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        report(f"[accessibility] {key}", 'write a list of texts, such as ["...", "..."]')
        return ()
    if required and not value:
        report(f"[accessibility] {key}", "write at least one")
    filled = []
    for text in value:
        for name in PLACEHOLDER.findall(text):
            if name not in links:
                usable = ", ".join("{" + k + "}" for k in sorted(links)) or "none"
                report(
                    f"[accessibility] {key}",
                    f"{{{name}}} cannot be filled in; use one of the [links]: {usable}",
                )
        filled.append(PLACEHOLDER.sub(lambda m: links.get(m.group(1), m.group(0)), text))
    return tuple(t.strip() for t in filled)


def _date(table: dict[str, Any], key: str, report: Report) -> date | None:
    value = table.get(key)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if key in table:
        report(f"[accessibility] {key}", "write a date without quotes, such as 2026-12-02")
    return None
