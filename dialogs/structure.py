"""Checks of a survey file's questions and options: their keys, kinds and limits.

Each [[questions]] table is built into a `Question`, or reported; what a
question names elsewhere (an earlier question, its options) is checked by
`dialogs.references`.
"""

from __future__ import annotations

import re
from typing import Any

from dialogs.problems import Checks, Problems
from dialogs.references import References
from dialogs.schema import CHOICE_KINDS, Kind, Option, Question

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
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


class Structure(Checks):
    """Builds the questions from parsed TOML, collecting problems instead of stopping."""

    def __init__(self, problems: Problems, references: References) -> None:
        super().__init__(problems)
        self.references = references

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
        return [self.references.places(q, raw_questions, seen) for q in built]

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
        for_each = self.references.loop(raw.get("for_each"), where, qid, earlier)
        options = self.options_for(raw, kind, where, qid, earlier)
        when = self.references.condition(raw.get("when"), where, qid, earlier)
        known = {"item"} if for_each else set()
        for other in earlier.values():
            if other.kind is Kind.MULTIPLE_CHOICE and not other.for_each:
                known |= {f"chosen:{other.id}", f"unchosen:{other.id}"}
        self.references.placeholders(text, known, where, qid)
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
        options = self.references.options_from(raw.get("options_from"), where, qid, earlier)
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


def _slug(label: str) -> str:
    """An option id made from its label ("Not sure" -> "not_sure")."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "unsure"
