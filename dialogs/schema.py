"""The survey, as data: the shapes a survey file is read into.

A survey is a list of questions of a few kinds. Everything here is immutable
and built once, by `dialogs.loader`, from a TOML file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property


class Kind(StrEnum):
    """The kinds of question a survey can ask. A new kind is new code."""

    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"
    YES_NO = "yes_no"
    FREE_TEXT = "free_text"
    NUMBER = "number"
    STATEMENT = "statement"


CHOICE_KINDS = frozenset({Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.YES_NO})


@dataclass(frozen=True)
class Option:
    """One answer a choice question offers."""

    id: str
    label: str
    # How the option reads inside a sentence ("calling 101"), for piping.
    name: str
    synonyms: tuple[str, ...] = ()
    # An option that cannot be combined with others ("None of these").
    exclusive: bool = False
    # For numeric answers that fall in a band (an age of 67 -> "65 to 74").
    range: tuple[int, int] | None = None


@dataclass(frozen=True)
class Condition:
    """When a question is asked, judged on an earlier answer."""

    question: str
    # Exactly one of these tests is set.
    is_: tuple[str, ...] = ()
    is_not: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    answered: bool | None = None
    some_unchosen: bool | None = None


@dataclass(frozen=True)
class Question:
    """One question (or a statement) in the survey."""

    id: str
    kind: Kind
    text: str
    optional: bool = False
    hint: str = ""
    options: tuple[Option, ...] = ()
    when: Condition | None = None
    # Asked once for each option chosen in this multiple-choice question.
    for_each: str | None = None
    # Scale and number bounds.
    minimum: int = 1
    maximum: int = 5
    min_label: str = ""
    max_label: str = ""
    # Free-text length limits, in characters.
    min_length: int = 1
    max_length: int = 1000
    # How the question reads in the check-your-answers summary.
    short: str = ""
    # Places that count as the area the question is about, for answers such as "I work in
    # Watford but live in Luton" (the labels and synonyms of another question's options).
    places: tuple[str, ...] = ()
    # A follow-up, asked only when the answer to this free-text question is vague
    # (`dialogs.vague`): the id of that question. Built from its `follow_up` text.
    follows_up: str = ""

    def option(self, option_id: str) -> Option | None:
        """The option with this id, if the question has it."""
        for option in self.options:
            if option.id == option_id:
                return option
        return None


@dataclass(frozen=True)
class SafetyReply:
    """What the bot says when a message shows someone may need help now."""

    category: str
    text: str


@dataclass(frozen=True)
class Accessibility:
    """The facts of the accessibility statement a public body publishes for the survey."""

    # The standard aimed at, such as "WCAG 2.2 AA".
    standard: str
    # "fully", "partially" or "not": how far the survey meets it.
    compliance: str
    # Ways to ask for another format or report a problem: emails, phone numbers, web addresses.
    contact: tuple[str, ...]
    # How soon a request is answered, such as "5 working days".
    respond_within: str
    # Other formats that can be asked for ("large print", "a phone call").
    formats: tuple[str, ...]
    # How the survey was tested, one line each.
    tested: tuple[str, ...]
    # What is known not to work, one line each, in plain words.
    known_problems: tuple[str, ...]
    # When the statement was first written and when the survey was last checked.
    prepared: date
    checked: date


@dataclass(frozen=True)
class Survey:
    """A whole survey: its texts, its questions and its dates."""

    id: str
    version: int
    title: str
    organisation: str
    intro: tuple[str, ...]
    consent_question: str
    consent_yes: str
    consent_no: str
    declined: str
    closing: str
    not_open_yet: str
    closed: str
    already_taken_part: str
    questions: tuple[Question, ...]
    opens: datetime | None = None
    closes: datetime | None = None
    safety: dict[str, SafetyReply] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    accessibility: Accessibility | None = None

    def question(self, question_id: str) -> Question:
        """The question with this id (it must exist: the loader checked)."""
        return self.by_id[question_id]

    @cached_property
    def by_id(self) -> dict[str, Question]:
        """The questions by id."""
        return {q.id: q for q in self.questions}

    def index(self, question_id: str) -> int:
        """Where the question stands in the file, from 0."""
        return self.positions[question_id]

    @cached_property
    def positions(self) -> dict[str, int]:
        """Where each question stands in the file, from 0."""
        return {q.id: number for number, q in enumerate(self.questions)}
