"""Checks of what a survey file names elsewhere: earlier questions, their options, and texts.

A question can loop over an earlier question's choices (`for_each`), borrow its
options (`options_from`), be asked only on an earlier answer (`when`), use the
places of another question (`places_from`), and fill {placeholders} into its
text. Each must name something that exists and, but for `places_from`, comes
earlier in the file: a survey is asked in order.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from dialogs.problems import Checks
from dialogs.schema import CHOICE_KINDS, Condition, Kind, Option, Question

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
CONDITION_TESTS = ("is", "is_not", "includes", "excludes", "answered", "some_unchosen")


class References(Checks):
    """What questions and texts name, checked against the questions they name."""

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

    def options_from(
        self, source_id: Any, where: str, qid: str, earlier: dict[str, Question]
    ) -> list[Option]:
        """The options `options_from` borrows from an earlier choice question ("None" left out)."""
        if source_id is None:
            return []
        source = earlier.get(source_id) if isinstance(source_id, str) else None
        if source is None or source.kind not in CHOICE_KINDS:
            self.problem(
                where,
                f'options_from names "{source_id}", which is not an earlier choice question',
                near=qid,
            )
            return []
        return [o for o in source.options if not o.exclusive]

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
