"""What to type, for each kind of question: shown with the question and after a wrong answer."""

from __future__ import annotations

from collections.abc import Callable

from dialogs.schema import Kind, Question


def listed(labels: list[str]) -> str:
    """Labels joined as a person would: "a, b and c"."""
    if len(labels) < 2:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def or_skip(question: Question) -> str:
    """The end of a hint for an optional question: ", or type skip"."""
    return ", or type skip" if question.optional else ""


def choice_message(question: Question) -> str:
    """What to type for a single-choice question."""
    count = len(question.options)
    return f"Choose one answer: type its number, from 1 to {count}{or_skip(question)}."


def multiple_message(question: Question) -> str:
    """What to type for a multiple-choice question."""
    return f"Choose one or more answers: type their numbers, for example 1, 4{or_skip(question)}."


def scale_message(question: Question) -> str:
    """What to type for a rating scale."""
    return (
        f"Choose a number from {question.minimum} to {question.maximum}, where "
        f"{question.minimum} is {question.min_label.lower()} and {question.maximum} is "
        f"{question.max_label.lower()}{or_skip(question)}."
    )


def yes_no_message(question: Question) -> str:
    """What to type for a yes/no question."""
    labels = [o.label.lower() for o in question.options]
    return f"Type {listed(labels).replace(' and ', ' or ')}{or_skip(question)}."


def number_message(question: Question) -> str:
    """What to type for a number question."""
    return f"Enter a whole number from {question.minimum} to {question.maximum}{or_skip(question)}."


def hint(question: Question) -> str:
    """How to answer the question, for help and for a wrong answer."""
    messages: dict[Kind, Callable[[Question], str]] = {
        Kind.SINGLE_CHOICE: choice_message,
        Kind.MULTIPLE_CHOICE: multiple_message,
        Kind.SCALE: scale_message,
        Kind.YES_NO: yes_no_message,
        Kind.NUMBER: number_message,
    }
    if question.kind in messages:
        return messages[question.kind](question)
    if question.kind is Kind.FREE_TEXT:
        return f"Type your answer in your own words{or_skip(question)}."
    return ""
