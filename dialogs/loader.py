"""Read a survey file (TOML) and check it strictly.

Every problem found is reported, each with the place in the file and what to
do about it, so that one run of `survey-bot check-survey` shows them all. This
module reads the file and its top-level tables; the questions are checked by
`dialogs.structure`, and what they name elsewhere by `dialogs.references`.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dialogs.problems import Checks, Problem, Problems
from dialogs.references import References
from dialogs.schema import SafetyReply, Survey
from dialogs.statement import read_accessibility
from dialogs.structure import Structure

SURVEYS = Path(__file__).parent / "surveys"
DEFAULT_SURVEY = SURVEYS / "herts-non-emergency-contact.toml"
# Plain dates in a survey file are read as dates in the UK.
UK = ZoneInfo("Europe/London")
SAFETY_CATEGORIES = (
    "danger",
    "report_crime",
    "self_harm",
    "domestic_abuse",
    "child_at_risk",
    # The short line for a message that might need help, after which the survey carries on.
    "unsure",
)

SURVEY_KEYS = {
    "id": "required",
    "version": "required",
    "title": "required",
    "organisation": "required",
    "intro": "required",
    "closing": "required",
    "opens": "optional",
    "closes": "optional",
    "not_open_yet": "optional",
    "closed": "optional",
    "already_taken_part": "optional",
}
CONSENT_KEYS = {"question": "required", "yes": "required", "no": "required", "declined": "required"}


class SurveyFileError(Exception):
    """A survey file that cannot be used, with every problem found in it."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(p.describe(path) for p in problems))


def load_survey(path: str | Path = DEFAULT_SURVEY) -> Survey:
    """Read and check the survey file at `path`; raise SurveyFileError if it has problems."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SurveyFileError(
            str(path), [Problem("file", f"cannot be read ({error.strerror})")]
        ) from error
    return parse_survey(source, str(path))


def parse_survey(source: str, path: str = "<survey>") -> Survey:
    """Check the TOML text of a survey and build the Survey it describes."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise SurveyFileError(path, [Problem("TOML", str(error))]) from error
    problems = Problems(source)
    survey = _SurveyFile(problems).survey(data)
    if problems.found or survey is None:
        raise SurveyFileError(path, problems.found)
    return survey


class _SurveyFile(Checks):
    """Builds a Survey from parsed TOML, collecting problems instead of stopping."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(problems)
        self.references = References(problems)
        self.structure = Structure(problems, self.references)

    def survey(self, data: dict[str, Any]) -> Survey | None:
        """Check the whole file and build the survey."""
        self.unknown_keys(
            data,
            {"survey", "consent", "links", "safety", "questions", "accessibility"},
            "top level",
            None,
        )
        head = self.table(data, "survey", SURVEY_KEYS)
        consent = self.table(data, "consent", CONSENT_KEYS)
        links = self.links(data.get("links", {}))
        safety = self.safety(data.get("safety", {}))
        accessibility = None
        if "accessibility" in data:
            accessibility = read_accessibility(data["accessibility"], links, self.problem)
        raw_questions = data.get("questions")
        if not isinstance(raw_questions, list) or not raw_questions:
            self.problem("questions", "the survey has no questions; add [[questions]] tables")
            return None
        questions = self.structure.questions(raw_questions)
        opens, closes = self.dates(head)
        known = {"reference", "opens", "closes", "title", "organisation", *links}
        for key in ("intro", "closing", "not_open_yet", "closed", "already_taken_part"):
            for text in _texts(head.get(key, "")):
                self.references.placeholders(text, known, f"[survey] {key}", None)
        intro = _texts(head.get("intro", ""))
        if head.get("intro") is not None and not intro:
            self.problem("[survey] intro", "write at least one paragraph of introduction")
        if self.problems.found:
            return None
        return Survey(
            id=head["id"],
            version=head["version"],
            title=head["title"],
            organisation=head["organisation"],
            intro=intro,
            consent_question=consent["question"],
            consent_yes=consent["yes"],
            consent_no=consent["no"],
            declined=consent["declined"],
            closing=head["closing"],
            not_open_yet=head.get(
                "not_open_yet", "This survey opens on {opens}. Please come back then."
            ),
            closed=head.get(
                "closed", "This survey closed on {closes}. Thank you for your interest."
            ),
            already_taken_part=head.get(
                "already_taken_part", "You have already taken part in this survey. Thank you."
            ),
            questions=tuple(questions),
            opens=opens,
            closes=closes,
            safety=safety,
            links=links,
            accessibility=accessibility,
        )

    def table(self, data: dict[str, Any], name: str, keys: dict[str, str]) -> dict[str, Any]:
        """A top-level table, with its required keys present and no unknown ones."""
        table = data.get(name)
        if not isinstance(table, dict):
            self.problem(f"[{name}]", f"the [{name}] table is missing; add it")
            return {}
        self.unknown_keys(table, set(keys), f"[{name}]", None)
        for key, need in keys.items():
            if need == "required" and key not in table:
                self.problem(f"[{name}]", f'"{key}" is missing; add it')
        if name == "survey":
            if "id" in table and not (isinstance(table["id"], str) and table["id"]):
                self.problem("[survey] id", 'give the survey an id, such as "my-survey"')
            if "version" in table and not (
                isinstance(table["version"], int) and table["version"] >= 1
            ):
                self.problem("[survey] version", "the version is a whole number from 1")
        return table

    def links(self, links: Any) -> dict[str, str]:
        """Named links and numbers that texts can use as {name}."""
        if not isinstance(links, dict) or not all(isinstance(v, str) for v in links.values()):
            self.problem(
                "[links]", 'each link is a name and a text, such as privacy_notice = "https://..."'
            )
            return {}
        return dict(links)

    def safety(self, safety: Any) -> dict[str, SafetyReply]:
        """The replies for each safety category; every category needs one."""
        if not isinstance(safety, dict):
            self.problem("[safety]", "the [safety] table is missing; add a reply for each category")
            return {}
        self.unknown_keys(safety, set(SAFETY_CATEGORIES), "[safety]", None)
        replies = {}
        for category in SAFETY_CATEGORIES:
            text = safety.get(category)
            if not isinstance(text, str) or not text.strip():
                self.problem("[safety]", f'"{category}" is missing; write the reply for it')
                continue
            replies[category] = SafetyReply(category, text)
        return replies

    def dates(self, head: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
        """The opening and closing times; plain dates are UK dates (closing at the day's end)."""
        opens = _moment(head.get("opens"), end_of_day=False)
        closes = _moment(head.get("closes"), end_of_day=True)
        for key, value in (("opens", opens), ("closes", closes)):
            if key in head and value is None:
                self.problem(
                    f"[survey] {key}", "write a date, such as 2026-11-23, or a date and time"
                )
        if opens and closes and closes <= opens:
            self.problem("[survey] closes", "the survey must close after it opens")
        return opens, closes


def _texts(value: Any) -> tuple[str, ...]:
    """A text or a list of texts, as a tuple of non-empty paragraphs."""
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str) and v.strip())
    return ()


def _moment(value: Any, *, end_of_day: bool) -> datetime | None:
    """A TOML date or date-time as an aware datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UK)
    if isinstance(value, date):
        return datetime.combine(value, time.max if end_of_day else time.min, tzinfo=UK)
    return None
