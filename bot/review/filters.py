"""The filters staff choose, read from a query string into a `ResponseFilter` and back.

The same names work on every page, in every export and on the command line:
survey, status, since, until (dates, inclusive), channel, flagged (yes or no),
q (words in any answer), and a question id for each question answered by
choosing, such as district=watford or channels=call_101. The results also
read weighted (yes or no), and status=any, since they show completed
responses unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.review.config import Questions
from storage.models import ResponseStatus
from storage.results import ResponseFilter

ALL_SURVEYS = "all"
RESERVED = frozenset(
    {
        *("survey", "status", "since", "until", "channel", "flagged", "q", "page"),
        *("question", "search", "weighted"),
    }
)
ANY_STATUS = "any"
STATUS_LABELS = {
    ResponseStatus.COMPLETED.value: "Completed",
    ResponseStatus.IN_PROGRESS.value: "In progress",
    ResponseStatus.ABANDONED.value: "Stopped part way",
}


class FilterError(ValueError):
    """A filter value that cannot be used, with what to do instead."""


@dataclass(frozen=True)
class Chosen:
    """The filters as chosen: for the database, and as text to show in the form and links."""

    filters: ResponseFilter
    values: dict[str, str] = field(default_factory=dict)

    def describe(self) -> dict[str, str]:
        """The filters that are set, as plain data (for JSON twins and the audit log)."""
        return {name: value for name, value in self.values.items() if value}


def parse(
    query: Mapping[str, str], questions: Questions, *, timezone: str = "Europe/London"
) -> Chosen:
    """Read the filters from a query string; `FilterError` for a value that makes no sense."""
    values = {name: (query.get(name) or "").strip() for name in sorted(RESERVED - {"page"})}
    zone = ZoneInfo(timezone)
    survey = values["survey"] or questions.survey
    status = values["status"] if values["status"] not in ("", ANY_STATUS) else None
    if status is not None and status not in STATUS_LABELS:
        raise FilterError(f"Status must be one of: {', '.join([*STATUS_LABELS, ANY_STATUS])}.")
    if values["weighted"] not in ("", "yes", "no"):
        raise FilterError("Weighted must be yes or no.")
    flagged = {"": None, "yes": True, "no": False}.get(values["flagged"].lower(), "bad")
    if flagged == "bad":
        raise FilterError("Flagged must be yes or no.")
    since = _day(values["since"], "since", zone)
    until = _day(values["until"], "until", zone)
    if since is not None and until is not None and until < since:
        raise FilterError("The end date is before the start date.")
    answers = []
    for column in questions.filterable():
        name = column["question"]
        if name in RESERVED:
            continue
        chosen = (query.get(name) or "").strip()
        if not chosen:
            continue
        if chosen not in column["values"]:
            raise FilterError(f"{column['label']}: there is no answer called {chosen!r}.")
        answers.append((name, chosen))
        values[name] = chosen
    search = values["q"] or values["search"]
    values["q"] = search
    values.pop("search", None)
    values.pop("question", None)
    values["survey"] = "" if survey == questions.survey else survey
    filters = ResponseFilter(
        survey_id=None if survey == ALL_SURVEYS else survey,
        status=status,
        since=since,
        until=None if until is None else until + timedelta(days=1),
        channel=values["channel"] or None,
        flagged=flagged if isinstance(flagged, bool) else None,
        search=search or None,
        answers=tuple(answers),
    )
    return Chosen(filters, values)


def _day(text: str, name: str, zone: ZoneInfo) -> datetime | None:
    """The start of a day (YYYY-MM-DD) in the site's time zone."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise FilterError(f"The {name} date must look like 2026-11-23.") from error
    return datetime.combine(day, time(), tzinfo=zone)
