"""Read a survey file (TOML) and check it strictly.

Every problem found is reported, each with the place in the file and what to
do about it, so that one run of `survey-bot check-survey` shows them all.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dialogs.schema import CHOICE_KINDS, Condition, Kind, Option, Question, SafetyReply, Survey
from dialogs.statement import read_accessibility

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
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

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
QUESTION_KEYS = {
    "id",
    "kind",
    "text",
    "optional",
    "hint",
    "short",
    "options",
    "options_from",
    "prefer_not_to_say",
    "unsure",
    "when",
    "for_each",
    "min",
    "max",
    "min_label",
    "max_label",
    "min_length",
    "max_length",
    "follow_up",
    "places_from",
}
OPTION_KEYS = {"id", "label", "name", "synonyms", "exclusive", "range"}
CONDITION_TESTS = ("is", "is_not", "includes", "excludes", "answered", "some_unchosen")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a survey file, and where."""

    where: str
    message: str
    line: int | None = None

    def describe(self, path: str) -> str:
        """The problem as one line a person can act on."""
        place = f"{path}:{self.line}" if self.line else path
        return f"{place}: {self.where}: {self.message}"


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
    checker = _Checker(source)
    survey = checker.survey(data)
    if checker.problems or survey is None:
        raise SurveyFileError(path, checker.problems)
    return survey


class _Checker:
    """Builds a Survey from parsed TOML, collecting problems instead of stopping."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines()
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str, *, near: str | None = None) -> None:
        """Record a problem, with the line of `near` (a question id) when it can be found."""
        self.problems.append(Problem(where, message, self._line_of(near)))

    def _line_of(self, question_id: str | None) -> int | None:
        if not question_id:
            return None
        pattern = re.compile(r'^\s*id\s*=\s*"' + re.escape(question_id) + '"')
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return None

    def unknown_keys(
        self, table: dict[str, Any], known: set[str], where: str, near: str | None
    ) -> None:
        """Report keys the format does not know (a typo would otherwise be ignored)."""
        for key in sorted(set(table) - known):
            self.problem(
                where,
                f'unknown key "{key}"; the keys here are: {", ".join(sorted(known))}',
                near=near,
            )

    # The whole file

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
        questions = self.questions(raw_questions)
        opens, closes = self.dates(head)
        known = {"reference", "opens", "closes", "title", "organisation", *links}
        for key in ("intro", "closing", "not_open_yet", "closed", "already_taken_part"):
            for text in _texts(head.get(key, "")):
                self.placeholders(text, known, f"[survey] {key}", None)
        intro = _texts(head.get("intro", ""))
        if head.get("intro") is not None and not intro:
            self.problem("[survey] intro", "write at least one paragraph of introduction")
        if self.problems:
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

    # Questions

    def questions(self, raw_questions: list[Any]) -> list[Question]:
        """Every question, checked against the ones before it."""
        built: list[Question] = []
        seen: dict[str, Question] = {}
        for number, raw in enumerate(raw_questions):
            where = f"questions[{number}]"
            if not isinstance(raw, dict):
                self.problem(where, "each question is a [[questions]] table")
                continue
            question = self.question(raw, where, seen)
            if question is None:
                continue
            if question.id in seen:
                self.problem(
                    f'{where} (id "{question.id}")',
                    "this id is used by an earlier question; give each question its own id",
                )
                continue
            seen[question.id] = question
            built.append(question)
            more = self.follow_up(question, raw, where, seen)
            if more is not None:
                seen[more.id] = more
                built.append(more)
        return [self.places(q, raw_questions, seen) for q in built]

    def places(
        self, question: Question, raw_questions: list[Any], seen: dict[str, Question]
    ) -> Question:
        """A question's `places_from`: the options of another question (any, before or after)
        whose labels and synonyms name places in the area, such as the district question's."""
        raw = next(
            (r for r in raw_questions if isinstance(r, dict) and r.get("id") == question.id), {}
        )
        source_id = raw.get("places_from")
        if source_id is None:
            return question
        where = f'question "{question.id}"'
        source = seen.get(source_id) if isinstance(source_id, str) else None
        if source is None or not source.options:
            self.problem(
                where,
                f'places_from names "{source_id}", which is not a question with options',
                near=question.id,
            )
            return question
        names = {n for o in source.options for n in (o.label, *o.synonyms) if n.strip()}
        return replace(question, places=tuple(sorted(names)))

    def follow_up(
        self, question: Question, raw: dict[str, Any], where: str, seen: dict[str, Question]
    ) -> Question | None:
        """The follow-up question a free-text question declares, asked only on a vague answer.

        It is a question of its own ("changes_more"), just after the one it follows
        up and in the same loop, optional and as long, so it is stored, shown at the
        check-your-answers step and exported like any other.
        """
        text = raw.get("follow_up")
        if text is None:
            return None
        where = f'{where} (id "{question.id}")'
        if question.kind is not Kind.FREE_TEXT:
            self.problem(where, "only a free_text question can have a follow_up", near=question.id)
            return None
        if not isinstance(text, str) or not text.strip():
            self.problem(where, 'give the follow-up as text: follow_up = "..."', near=question.id)
            return None
        more_id = f"{question.id}_more"
        if more_id in seen:
            self.problem(
                where,
                f'the follow-up\'s id "{more_id}" is used by an earlier question',
                near=question.id,
            )
            return None
        short = question.short or question.id
        return Question(
            id=more_id,
            kind=Kind.FREE_TEXT,
            text=text.strip(),
            optional=True,
            short=f"{short}: more detail",
            for_each=question.for_each,
            max_length=question.max_length,
            follows_up=question.id,
        )

    def question(
        self, raw: dict[str, Any], where: str, earlier: dict[str, Question]
    ) -> Question | None:
        """One question, or None when it is too broken to build."""
        qid = raw.get("id")
        if not isinstance(qid, str) or not ID_PATTERN.match(qid):
            self.problem(
                where, 'give it an id of lower-case letters, digits and "_", such as "ease"'
            )
            return None
        where = f'{where} (id "{qid}")'
        self.unknown_keys(raw, QUESTION_KEYS, where, qid)
        try:
            kind = Kind(raw.get("kind", ""))
        except ValueError:
            kinds = ", ".join(k.value for k in Kind)
            self.problem(
                where, f'unknown kind "{raw.get("kind", "")}"; use one of: {kinds}', near=qid
            )
            return None
        text = raw.get("text")
        if not isinstance(text, str) or not text.strip():
            self.problem(where, 'the question has no text; add text = "..."', near=qid)
            return None
        for_each = self.loop(raw.get("for_each"), where, qid, earlier)
        options = self.options_for(raw, kind, where, qid, earlier)
        when = self.condition(raw.get("when"), where, qid, earlier)
        known = {"item"} if for_each else set()
        for other in earlier.values():
            if other.kind is Kind.MULTIPLE_CHOICE and not other.for_each:
                known |= {f"chosen:{other.id}", f"unchosen:{other.id}"}
        self.placeholders(text, known, where, qid)
        question = Question(
            id=qid,
            kind=kind,
            text=text,
            optional=bool(raw.get("optional", False)),
            hint=str(raw.get("hint", "")),
            short=str(raw.get("short", "")),
            options=tuple(options),
            when=when,
            for_each=for_each,
            minimum=int(raw.get("min", 1 if kind is Kind.SCALE else 0)),
            maximum=int(raw.get("max", 5 if kind is Kind.SCALE else 1_000_000)),
            min_label=str(raw.get("min_label", "")),
            max_label=str(raw.get("max_label", "")),
            min_length=int(raw.get("min_length", 1)),
            max_length=int(raw.get("max_length", 1000)),
        )
        self.bounds(question, raw, where)
        return question

    def bounds(self, question: Question, raw: dict[str, Any], where: str) -> None:
        """Scale, number and length limits that make sense for the kind."""
        if question.kind is Kind.SCALE:
            if not question.minimum < question.maximum <= question.minimum + 10:
                self.problem(
                    where, "a scale needs min below max, at most 10 apart", near=question.id
                )
            if not (question.min_label and question.max_label):
                self.problem(where, "a scale needs min_label and max_label", near=question.id)
        elif question.kind is Kind.NUMBER:
            if question.minimum >= question.maximum:
                self.problem(where, "min must be below max", near=question.id)
        elif question.kind is Kind.FREE_TEXT:
            if not 0 < question.min_length <= question.max_length:
                self.problem(where, "min_length must be from 1 up to max_length", near=question.id)
        else:
            for key in ("min", "max", "min_label", "max_label", "min_length", "max_length"):
                if key in raw:
                    self.problem(
                        where,
                        f'"{key}" does not apply to a {question.kind} question',
                        near=question.id,
                    )
        if question.kind is Kind.STATEMENT and question.optional:
            self.problem(
                where, "a statement asks nothing, so it cannot be optional", near=question.id
            )

    def loop(self, for_each: Any, where: str, qid: str, earlier: dict[str, Question]) -> str | None:
        """The multiple-choice question a looped question repeats over."""
        if for_each is None:
            return None
        source = earlier.get(for_each) if isinstance(for_each, str) else None
        if source is None:
            self.problem(
                where,
                f'for_each names "{for_each}", which is not an earlier question; '
                "name a multiple_choice question that comes before this one",
                near=qid,
            )
            return None
        if source.kind is not Kind.MULTIPLE_CHOICE:
            self.problem(
                where,
                f'for_each must name a multiple_choice question; "{for_each}" is {source.kind}',
                near=qid,
            )
            return None
        if source.for_each:
            self.problem(
                where, "a loop cannot repeat over a question that is itself in a loop", near=qid
            )
            return None
        return source.id

    def options_for(
        self, raw: dict[str, Any], kind: Kind, where: str, qid: str, earlier: dict[str, Question]
    ) -> list[Option]:
        """The options a question offers, checked for its kind."""
        if kind is Kind.YES_NO:
            return self.yes_no_options(raw, where, qid)
        if kind not in CHOICE_KINDS:
            for key in ("options", "options_from", "prefer_not_to_say", "unsure"):
                if key in raw:
                    self.problem(where, f'"{key}" is only for choice questions', near=qid)
            return []
        options: list[Option] = []
        source_id = raw.get("options_from")
        if source_id is not None:
            source = earlier.get(source_id) if isinstance(source_id, str) else None
            if source is None or source.kind not in CHOICE_KINDS:
                self.problem(
                    where,
                    f'options_from names "{source_id}", which is not an earlier choice question',
                    near=qid,
                )
            else:
                options.extend(o for o in source.options if not o.exclusive)
        raw_options = raw.get("options", [])
        if not isinstance(raw_options, list):
            self.problem(where, "options is a list of [[questions.options]] tables", near=qid)
            raw_options = []
        for number, raw_option in enumerate(raw_options):
            option = self.option(raw_option, f"{where} options[{number}]", qid)
            if option:
                options.append(option)
        if raw.get("prefer_not_to_say"):
            options.append(
                Option(
                    "prefer_not_to_say",
                    "Prefer not to say",
                    "prefer not to say",
                    (
                        "rather not say",
                        "prefer not",
                        "not saying",
                        "no comment",
                        "mind your own",
                        "none of your business",
                        "private",
                        "id rather not",
                        "rather not",
                        "not telling",
                        "wont say",
                        "dont want to say",
                        "would rather not say",
                    ),
                    exclusive=True,
                )
            )
        if "unsure" in raw:
            self.problem(where, '"unsure" is only for yes_no questions', near=qid)
        ids = [o.id for o in options]
        for option_id in sorted({i for i in ids if ids.count(i) > 1}):
            self.problem(
                where,
                f'option id "{option_id}" is used twice; give each option its own id',
                near=qid,
            )
        if len(options) < 2:
            self.problem(where, "a choice question needs at least two options", near=qid)
        return options

    def yes_no_options(self, raw: dict[str, Any], where: str, qid: str) -> list[Option]:
        """Yes and No, and a third answer such as "Not sure" when the file asks for one."""
        for key in ("options", "options_from", "prefer_not_to_say"):
            if key in raw:
                self.problem(
                    where,
                    f'"{key}" is not for yes_no questions; use "unsure" for a third answer',
                    near=qid,
                )
        options = [Option("yes", "Yes", "yes"), Option("no", "No", "no")]
        unsure = raw.get("unsure")
        if unsure is not None:
            if not isinstance(unsure, str) or not unsure.strip():
                self.problem(
                    where, 'unsure is the label of a third answer, such as "Not sure"', near=qid
                )
            else:
                options.insert(1, Option(_slug(unsure), unsure, unsure.lower()))
        return options

    def option(self, raw: Any, where: str, qid: str) -> Option | None:
        """One option of a choice question."""
        if not isinstance(raw, dict):
            self.problem(where, "each option is a table with id and label", near=qid)
            return None
        self.unknown_keys(raw, OPTION_KEYS, where, qid)
        oid, label = raw.get("id"), raw.get("label")
        if not isinstance(oid, str) or not ID_PATTERN.match(oid) or not isinstance(label, str):
            self.problem(
                where,
                'each option needs an id (lower-case, such as "call_101") and a label',
                near=qid,
            )
            return None
        synonyms = raw.get("synonyms", [])
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            self.problem(where, "synonyms is a list of texts", near=qid)
            synonyms = []
        band = raw.get("range")
        if band is not None and not (
            isinstance(band, list)
            and len(band) == 2
            and all(isinstance(n, int) for n in band)
            and band[0] <= band[1]
        ):
            self.problem(
                where, "range is two whole numbers, lowest first, such as [18, 24]", near=qid
            )
            band = None
        return Option(
            id=oid,
            label=label,
            name=str(raw.get("name", label[:1].lower() + label[1:])),
            synonyms=tuple(synonyms),
            exclusive=bool(raw.get("exclusive", False)),
            range=(band[0], band[1]) if band else None,
        )

    def condition(
        self, raw: Any, where: str, qid: str, earlier: dict[str, Question]
    ) -> Condition | None:
        """A `when` condition on an earlier answer."""
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.problem(
                where,
                'when is a table, such as { question = "channels", includes = ["call_101"] }',
                near=qid,
            )
            return None
        self.unknown_keys(raw, {"question", *CONDITION_TESTS}, f"{where} when", qid)
        target = raw.get("question")
        source = earlier.get(target) if isinstance(target, str) else None
        if source is None:
            self.problem(
                where,
                f'when names "{target}", which is not an earlier question; a question can '
                "only depend on answers given before it, so this one could never be asked",
                near=qid,
            )
            return None
        if source.for_each:
            self.problem(
                where, f'when cannot depend on "{target}", which is asked in a loop', near=qid
            )
            return None
        tests = [t for t in CONDITION_TESTS if t in raw]
        if len(tests) != 1:
            self.problem(
                where,
                f"when needs exactly one test, one of: {', '.join(CONDITION_TESTS)}",
                near=qid,
            )
            return None
        test = tests[0]
        value = raw[test]
        if test in ("answered", "some_unchosen"):
            if not isinstance(value, bool):
                self.problem(where, f"{test} is true or false", near=qid)
                return None
            if test == "some_unchosen" and source.kind is not Kind.MULTIPLE_CHOICE:
                self.problem(where, "some_unchosen is only for multiple_choice questions", near=qid)
                return None
            return Condition(question=target, **{test: value})  # type: ignore[arg-type]
        return self.option_test(source, test, value, where, qid)

    def option_test(
        self, source: Question, test: str, value: Any, where: str, qid: str
    ) -> Condition | None:
        """A condition that names options of the earlier question."""
        if source.kind not in CHOICE_KINDS:
            self.problem(
                where, f'"{test}" needs a choice question; "{source.id}" is {source.kind}', near=qid
            )
            return None
        if test in ("includes", "excludes") and source.kind is not Kind.MULTIPLE_CHOICE:
            self.problem(
                where, f'"{test}" is for multiple_choice questions; use "is" or "is_not"', near=qid
            )
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.problem(where, f"{test} is a list of option ids", near=qid)
            return None
        known = {o.id for o in source.options}
        for option_id in value:
            if option_id not in known:
                self.problem(
                    where,
                    f'when names option "{option_id}", which "{source.id}" does not have; '
                    f"its options are: {', '.join(sorted(known))}",
                    near=qid,
                )
                return None
        field_name = "is_" if test == "is" else test
        return Condition(question=source.id, **{field_name: tuple(value)})  # type: ignore[arg-type]

    def placeholders(self, text: str, known: set[str], where: str, qid: str | None) -> None:
        """Every {name} in a text must be something the bot can fill in."""
        for name in PLACEHOLDER.findall(text):
            if name not in known:
                usable = ", ".join("{" + k + "}" for k in sorted(known)) or "none here"
                self.problem(
                    where, f"{{{name}}} cannot be filled in; use one of: {usable}", near=qid
                )


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


def _slug(label: str) -> str:
    """An option id made from its label ("Not sure" -> "not_sure")."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "unsure"
