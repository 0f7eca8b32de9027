"""The route through a survey, worked out afresh from the answers so far.

A position is a question and, inside a loop, the option it is asked about.
The plan is every position that applies given the answers: conditions are
judged and loops unrolled over the options chosen. Going back, skipping and
changing an answer are then plain edits of the answers; the plan follows.
"""

from __future__ import annotations

from typing import Any

from dialogs.schema import Condition, Kind, Question, Survey
from dialogs.state import Answers
from dialogs.vague import is_vague

Position = tuple[str, str]  # (question id, loop option id or "")


def key(position: Position) -> str:
    """The key an answer is stored under: "ease|call_101", or just "channels"."""
    question_id, item = position
    return f"{question_id}|{item}" if item else question_id


def position_of(answer_key: str) -> Position:
    """The position an answer key stands for."""
    question_id, _, item = answer_key.partition("|")
    return question_id, item


def value(answers: Answers, question_id: str, item: str = "") -> Any:
    """The value of an answer, or None when it has none (or was skipped)."""
    entry = answers.get(key((question_id, item)))
    return entry.get("value") if entry else None


def chosen(survey: Survey, answers: Answers, question_id: str) -> list[str]:
    """The options chosen in a multiple-choice question, leaving out "none of these"."""
    question = survey.question(question_id)
    picked = value(answers, question_id) or []
    return [o.id for o in question.options if o.id in picked and not o.exclusive]


def unchosen(survey: Survey, answers: Answers, question_id: str) -> list[str]:
    """The options of a multiple-choice question that were not chosen."""
    picked = value(answers, question_id) or []
    question = survey.question(question_id)
    return [o.id for o in question.options if o.id not in picked and not o.exclusive]


def applies(condition: Condition | None, survey: Survey, answers: Answers) -> bool:
    """Whether a condition holds; an unanswered question satisfies only `answered = false`."""
    if condition is None:
        return True
    given = value(answers, condition.question)
    if condition.answered is not None:
        return (given is not None) == condition.answered
    if given is None:
        return False
    picked = set(given) if isinstance(given, list) else {given}
    if condition.is_:
        return bool(picked & set(condition.is_))
    if condition.is_not:
        return not picked & set(condition.is_not)
    if condition.includes:
        return bool(picked & set(condition.includes))
    if condition.excludes:
        return not picked & set(condition.excludes)
    if condition.some_unchosen is not None:
        return bool(unchosen(survey, answers, condition.question)) == condition.some_unchosen
    return True


def plan(survey: Survey, answers: Answers) -> list[Position]:
    """Every position that applies, in order, with loops unrolled."""
    route: list[Position] = []
    questions = survey.questions
    index = 0
    while index < len(questions):
        question = questions[index]
        if question.for_each is None:
            if applies(question.when, survey, answers) and _followed_up(question, answers, ""):
                route.append((question.id, ""))
            index += 1
            continue
        group = _loop_group(questions, index)
        for item in chosen(survey, answers, question.for_each):
            route.extend((q.id, item) for q in group if _followed_up(q, answers, item))
        index += len(group)
    return route


def _followed_up(question: Question, answers: Answers, item: str) -> bool:
    """A follow-up question is on the route only after a vague answer to its question."""
    if not question.follows_up:
        return True
    given = value(answers, question.follows_up, item)
    return isinstance(given, str) and is_vague(given)


def _loop_group(questions: tuple[Question, ...], start: int) -> list[Question]:
    """The run of consecutive questions that loop over the same options."""
    source = questions[start].for_each
    group = []
    for question in questions[start:]:
        if question.for_each != source:
            break
        group.append(question)
    return group


def prune(survey: Survey, answers: Answers) -> tuple[Answers, list[Position]]:
    """Drop answers to positions no longer on the route; return what is left and what went."""
    kept = dict(answers)
    dropped: list[Position] = []
    while True:
        route = {key(p) for p in plan(survey, kept)}
        gone = [k for k in kept if k not in route]
        if not gone:
            return kept, dropped
        for answer_key in gone:
            del kept[answer_key]
            dropped.append(position_of(answer_key))


def is_statement(survey: Survey, position: Position) -> bool:
    """Whether the position shows a statement rather than asking something."""
    return survey.question(position[0]).kind is Kind.STATEMENT


def next_open(survey: Survey, answers: Answers, shown: list[str]) -> Position | None:
    """The first position on the route not yet answered (or, for statements, shown)."""
    for position in plan(survey, answers):
        done = shown if is_statement(survey, position) else answers
        if key(position) not in done:
            return position
    return None


def previous(survey: Survey, answers: Answers, position: Position) -> Position | None:
    """The question before this one on the route, passing over statements."""
    route = [p for p in plan(survey, answers) if not is_statement(survey, p)]
    if position not in route:
        return route[-1] if route else None
    at = route.index(position)
    return route[at - 1] if at > 0 else None


def progress(survey: Survey, answers: Answers, position: Position) -> tuple[int, int | None]:
    """Which question this is, and about how many there are: the total only once the answers
    that repeat questions (a loop's choices) are in, so it does not jump by dozens."""
    route = [p for p in plan(survey, answers) if not is_statement(survey, p)]
    number = route.index(position) + 1 if position in route else len(route)
    loops = {q.for_each for q in survey.questions if q.for_each}
    settled = all(key((q, "")) in answers for q in loops if (q, "") in route)
    return number, len(route) if settled else None
