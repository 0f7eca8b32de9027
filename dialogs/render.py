"""The engine's messages, channel-neutral: plain dicts the bot turns into activities.

A message is one of:
- `{"kind": "text", "text": ...}`, with `"urgent": True` for safety advice,
  which every channel makes stand out
- `{"kind": "question", "text", "question", "progress", "hint", "choices", "multiple"}`
- `{"kind": "summary", "text", "rows": [{"number", "question", "answer"}], "choices"}`
Choices are `{"title": ..., "value": ...}`; tapping one sends its value as text.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, NotRequired, TypedDict

from dialogs import flow
from dialogs.flow import Position
from dialogs.hints import hint
from dialogs.schema import Kind, Question, Survey
from dialogs.state import Answers

# A message, of one of the kinds above; the bot reads it by its "kind".
Message = dict[str, Any]


class Choice(TypedDict):
    """A button: tapping it sends its value as text."""

    title: str
    value: str
    # On text channels, a choice with a number is a numbered line.
    number: NotRequired[int]
    # A point on a rating scale.
    scale: NotRequired[bool]


class Row(TypedDict):
    """One answer in the check-your-answers summary."""

    number: int
    question: str
    answer: str


SKIP_CHOICE: Choice = {"title": "Skip this question", "value": "skip"}


def text(body: str, *, urgent: bool = False) -> Message:
    """A plain message; an urgent one is safety advice."""
    message: Message = {"kind": "text", "text": body}
    if urgent:
        message["urgent"] = True
    return message


def choice(title: str, value: str | None = None, number: int | None = None) -> Choice:
    """A button; on text channels a numbered line when it has a number, else a word to reply."""
    button: Choice = {"title": title, "value": value if value is not None else title}
    if number is not None:
        button["number"] = number
    return button


def fill(template: str, survey: Survey, answers: Answers, item: str = "", **extra: str) -> str:
    """Fill {item}, {chosen:q}, {unchosen:q}, links and extras into a text."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "item" and item:
            return _item_name(survey, answers, item)
        prefix, _, target = name.partition(":")
        if prefix in ("chosen", "unchosen") and target in survey.by_id:
            ids = (flow.chosen if prefix == "chosen" else flow.unchosen)(survey, answers, target)
            question = survey.question(target)
            return join([_name(question, i) for i in ids])
        if name in extra:
            return extra[name]
        if name in survey.links:
            return survey.links[name]
        if name in ("title", "organisation"):
            return str(getattr(survey, name))
        return match.group(0)

    return re.sub(r"\{([^{}]*)\}", one, template)


def _item_name(survey: Survey, answers: Answers, item: str) -> str:
    """How a loop option reads in a sentence."""
    for question in survey.questions:
        if question.kind is Kind.MULTIPLE_CHOICE:
            option = question.option(item)
            if option:
                return option.name
    return item


def _name(question: Question, option_id: str) -> str:
    option = question.option(option_id)
    return option.name if option else option_id


def join(parts: list[str], last: str = "and") -> str:
    """Parts joined as a person would write them: "a, b and c"."""
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {last} {parts[-1]}"


def choices_for(question: Question) -> list[Choice]:
    """The buttons a question offers."""
    buttons: list[Choice] = []
    if question.kind is Kind.SCALE:
        for number in range(question.minimum, question.maximum + 1):
            label = {question.minimum: question.min_label, question.maximum: question.max_label}
            title = f"{number} - {label[number]}" if number in label else str(number)
            buttons.append({**choice(title, str(number)), "scale": True})
    elif question.options:
        buttons = [choice(o.label, number=n) for n, o in enumerate(question.options, start=1)]
    if question.optional and not any(o.id == "prefer_not_to_say" for o in question.options):
        buttons.append(SKIP_CHOICE.copy())
    return buttons


def question_message(
    survey: Survey, answers: Answers, position: Position, *, lead: str = ""
) -> Message:
    """A question, with its progress line, its hint and its buttons."""
    question = survey.question(position[0])
    body = fill(question.text, survey, answers, position[1])
    if question.kind is Kind.SCALE:
        body += (
            f" Choose a number from {question.minimum} to {question.maximum}, where "
            f"{question.minimum} is {question.min_label.lower()} and {question.maximum} is "
            f"{question.max_label.lower()}."
        )
    if question.kind is Kind.STATEMENT:
        return text(body)
    number, total = flow.progress(survey, answers, position)
    previous = answers.get(flow.key(position))
    if previous is not None:
        lead = f"{lead} Your answer was: {answer_text(question, previous.get('value'))}.".strip()
    return {
        "kind": "question",
        "question": question.id,
        "text": f"{lead}\n\n{body}".strip() if lead else body,
        "progress": f"Question {number} of about {total}" if total else f"Question {number}",
        "hint": question.hint or hint(question),
        "choices": choices_for(question),
        "multiple": question.kind is Kind.MULTIPLE_CHOICE,
    }


def answer_text(question: Question, given: Any) -> str:
    """An answer as a person would read it back."""
    if given is None:
        return "Not answered"
    if question.kind is Kind.SCALE:
        return f"{given} out of {question.maximum}"
    if isinstance(given, list):
        return join([_label(question, v) for v in given]) or "None"
    if question.options:
        return _label(question, str(given))
    return str(given)


def _label(question: Question, option_id: str) -> str:
    option = question.option(option_id)
    return option.label if option else option_id


def summary_rows(survey: Survey, answers: Answers) -> list[tuple[Position, Row]]:
    """The answered questions on the route, numbered, for check-your-answers."""
    rows: list[tuple[Position, Row]] = []
    for position in flow.plan(survey, answers):
        if flow.is_statement(survey, position) or flow.key(position) not in answers:
            continue
        question = survey.question(position[0])
        label = question.short or question.text
        rows.append(
            (
                position,
                {
                    "number": len(rows) + 1,
                    "question": fill(label, survey, answers, position[1]),
                    "answer": answer_text(question, flow.value(answers, *position)),
                },
            )
        )
    return rows


def summary_message(survey: Survey, answers: Answers) -> Message:
    """The check-your-answers summary, with Submit and Change buttons."""
    return {
        "kind": "summary",
        "text": (
            "Check your answers. To change one, type change and its number, for example "
            "change 3. If they are right, choose Submit my answers."
        ),
        "rows": [row for _, row in summary_rows(survey, answers)],
        "choices": [choice("Submit my answers", "submit"), choice("Change an answer", "change")],
    }


def yes_or_no(name: str, text: str, hint: str, yes: str, no: str) -> Message:
    """A yes-or-no question of the conversation itself (consent, restart, erase)."""
    return {
        "kind": "question",
        "question": name,
        "text": text,
        "progress": "",
        "hint": hint,
        "choices": [choice(yes, "yes"), choice(no, "no")],
        "multiple": False,
    }


def consent_message(survey: Survey) -> Message:
    """The consent question, with its yes and no buttons."""
    return yes_or_no(
        "consent",
        fill(survey.consent_question, survey, {}),
        "Type yes to start the survey, or no if you do not want to take part.",
        survey.consent_yes,
        survey.consent_no,
    )


def when(moment: datetime | None) -> str:
    """A date as GOV.UK writes it: 23 November 2026."""
    return f"{moment.day} {moment:%B %Y}" if moment else ""
