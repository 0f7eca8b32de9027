"""Asking the survey's questions: record an answer and move on, or say what to type."""

from __future__ import annotations

import re
from typing import Any

from dialogs import flow, render
from dialogs.flow import Position
from dialogs.outcome import Incoming, Outcome
from dialogs.reading import NotUnderstood, Understood
from dialogs.render import Message
from dialogs.schema import Kind, Question, Survey
from dialogs.spelling import normalise
from dialogs.state import AT_SUMMARY, Phase, State
from dialogs.understand import mentioned_options, understand

# Answers not understood in a row before the reply lists the answers and offers a way on.
MISSES_BEFORE_SKIP_OFFER = 2
# A gap after which a greeting, or an answer not understood, shows the question again.
WELCOME_BACK_AFTER_SECONDS = 60 * 60
# Words that end a multiple-choice answer given one option at a time.
DONE_ADDING = (
    "done", "that's all", "thats all", "that is all", "no more", "nothing else", "no",
    "finished", "thats it", "that's it", "none", "no others", "none of the others", "next",
)  # fmt: skip


def current(state: State) -> Position:
    """The question the resident is on."""
    at = state["at"]
    if at is None:
        raise ValueError("no question is being asked")
    question_id, item = at
    return question_id, item


def advance(survey: Survey, outcome: Outcome, lead: str = "") -> Outcome:
    """Show statements and ask the next open question, or the summary when all are done."""
    state = outcome.state
    while True:
        position = flow.next_open(survey, state["answers"], state["shown"])
        if position is None:
            state.update({"phase": Phase.SUMMARY, "at": None, "returning": False, "misses": 0})
            if lead:
                outcome.say(render.text(lead))
            return outcome.say(render.summary_message(survey, state["answers"]))
        if flow.is_statement(survey, position):
            state["shown"].append(flow.key(position))
            outcome.say(render.question_message(survey, state["answers"], position))
            continue
        state.update({"phase": Phase.ASKING, "at": list(position), "misses": 0})
        outcome.events["last_question"] = position[0]
        return ask(survey, outcome, lead=lead)


def ask(survey: Survey, outcome: Outcome, *, lead: str = "") -> Outcome:
    """Ask the question the resident is on."""
    state = outcome.state
    return outcome.say(render.question_message(survey, state["answers"], current(state), lead=lead))


def repeat(survey: Survey, outcome: Outcome) -> Outcome:
    """Show again whatever the resident was last asked."""
    phase = outcome.state["phase"]
    if phase == Phase.CONSENT:
        return outcome.say(render.consent_message(survey))
    if phase in AT_SUMMARY:
        return outcome.say(render.summary_message(survey, outcome.state["answers"]))
    if phase == Phase.ADDING:
        return outcome.say(_adding_message(survey, outcome.state))
    return ask(survey, outcome)


def welcome_back(survey: Survey, outcome: Outcome) -> Outcome:
    """A greeting mid-survey: remind the resident where they were."""
    lead = "Welcome back." if outcome.away >= WELCOME_BACK_AFTER_SECONDS else "Hello again."
    return ask(survey, outcome, lead=f"{lead} Here is the question you were on.")


def on_answer(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """An answer to the current question: record it and move on, or say what to type."""
    state = outcome.state
    position = current(state)
    question = survey.question(position[0])
    if (
        question.for_each
        and position[1]
        and _not_used_after_all(survey, question, position[1], incoming.text)
    ):
        return _drop_item(survey, outcome, question.for_each, position[1])
    reading = understand(question, incoming.text, today=incoming.now.date())
    if isinstance(reading, NotUnderstood):
        return _missed(survey, outcome, question, reading.message)
    record(survey, outcome, position, reading.value, kept(incoming))
    if question.kind is Kind.MULTIPLE_CHOICE and _should_offer_more(question, reading):
        state["phase"] = Phase.ADDING
        return outcome.say(_adding_message(survey, state))
    if reading.note:
        outcome.say(render.text(reading.note))
    elif _needs_reading_back(question, reading, incoming.text):
        answer = render.answer_text(question, reading.value)
        outcome.say(render.text(f"I have put: {answer}. If that is not right, type back."))
    return moved_on(survey, outcome)


def _needs_reading_back(question: Question, reading: Understood, typed: str) -> bool:
    """Whether to say what a typed answer was taken to mean, so a wrong reading can be put
    right at once: not for a tap, nor a rating typed as its number, nor free text."""
    if reading.tapped or question.kind in (Kind.FREE_TEXT, Kind.STATEMENT):
        return False
    typed_its_number = normalise(typed) == str(reading.value)
    return not (question.kind in (Kind.SCALE, Kind.NUMBER) and typed_its_number)


# "I didn't actually use 101", "never used it", "that was a mistake": said at a question
# about one of the ways chosen, it takes that way out.
NOT_USED = re.compile(
    r"\b(?:did ?nt|didnt|never|have ?nt|havent|not)\s+(?:actually\s+|really\s+|even\s+|ever\s+)?"
    r"(?:use|used|call|called|ring|rang|phone|phoned|email|emailed|visit|visited|go|went|"
    r"contact|contacted|try|tried)\b"
    r"|\b(?:(?:was|is) a mistake|by (?:accident|mistake)|wrong (?:one|option|answer|button)|"
    r"pressed the wrong|clicked the wrong|tapped the wrong|chose the wrong)\b"
)


def _not_used_after_all(survey: Survey, question: Question, item: str, typed: str) -> bool:
    """Whether a resident says they did not use the way this question is about after all."""
    said = normalise(typed)
    if not NOT_USED.search(said):
        return False
    source = survey.question(question.for_each or "")
    named = [o for o in mentioned_options(source, said) if not o.exclusive]
    # About this way ("I didn't use 101") or no way at all ("that was a mistake").
    return not named or [o.id for o in named] == [item]


def _drop_item(survey: Survey, outcome: Outcome, source_id: str, item: str) -> Outcome:
    """Take a way out of the resident's choices, with its questions, and carry on."""
    state = outcome.state
    source = survey.question(source_id)
    chosen = [c for c in flow.chosen(survey, state["answers"], source_id) if c != item]
    if not chosen:
        lone = [o.id for o in source.options if o.exclusive]
        chosen = lone[:1]
    position = (source_id, "")
    entry = state["answers"].get(flow.key(position))
    raw = entry["raw"] if entry else ""
    record(survey, outcome, position, chosen, raw)
    option = source.option(item)
    name = option.name if option else item
    outcome.say(render.text(f"I have taken {name} out of your answers, with its questions."))
    return moved_on(survey, outcome)


def moved_on(survey: Survey, outcome: Outcome) -> Outcome:
    """After an answer: drop answers the route no longer needs, then carry on."""
    state = outcome.state
    answers, dropped = flow.prune(survey, state["answers"])
    state["answers"] = answers
    outcome.forget.extend(dropped)
    return advance(survey, outcome)


def _missed(survey: Survey, outcome: Outcome, question: Question, message: str) -> Outcome:
    """An answer that did not fit: say exactly what to type; offer skip after a few tries."""
    state = outcome.state
    if outcome.away >= WELCOME_BACK_AFTER_SECONDS:
        # Back after a long gap: they may not remember the question, so show it again.
        return welcome_back(survey, outcome)
    state["misses"] = state.get("misses", 0) + 1
    if state["misses"] >= MISSES_BEFORE_SKIP_OFFER:
        # Twice not understood: say so plainly, show the choices again, and offer a way on.
        message = f"Sorry, I did not understand that. {message}"
        if question.options:
            numbered = "; ".join(f"{n}. {o.label}" for n, o in enumerate(question.options, 1))
            message += f" The answers are: {numbered}."
        if question.optional:
            message += " If you would rather not answer, type skip to go to the next question."
        else:
            message += " If you are stuck, type help."
    position = current(state)
    asked = render.question_message(survey, state["answers"], position)
    return outcome.say({**asked, "text": message, "progress": ""})


def kept(incoming: Incoming) -> str:
    """What may be kept of the typed text: the caller's redacted copy, never the text itself."""
    if incoming.redacted is None:
        raise ValueError("Incoming.redacted is needed to record an answer: redact the text first")
    return incoming.redacted


def record(survey: Survey, outcome: Outcome, position: Position, given: Any, typed: str) -> None:
    """Keep an answer in the state and in the outcome's record.

    `typed` is the redacted text; free text is kept as typed, redacted too.
    """
    question = survey.question(position[0])
    if question.kind is Kind.FREE_TEXT and isinstance(given, str):
        # The redacted text, within the question's limit (the reader told them if it was cut).
        given = typed.strip()[: question.max_length].rstrip()
    raw = typed[:2000]
    outcome.state["answers"][flow.key(position)] = {"value": given, "raw": raw}
    outcome.record.append(
        {"question": position[0], "item": position[1], "value": given, "raw": raw}
    )


# More options for a multiple-choice answer


def _should_offer_more(question: Question, reading: Understood) -> bool:
    """A single tapped option in a multiple-choice question: ask whether there are others."""
    picked = reading.value
    return (
        reading.tapped
        and not any(o.exclusive for o in question.options if o.id in picked)
        and len(picked) < len([o for o in question.options if not o.exclusive])
    )


def _adding_message(survey: Survey, state: State) -> Message:
    """Ask whether other options apply, offering the ones not chosen yet."""
    position = current(state)
    question = survey.question(position[0])
    picked = flow.value(state["answers"], *position) or []
    rest = [
        (number, o)
        for number, o in enumerate(question.options, start=1)
        if o.id not in picked and not o.exclusive
    ]
    so_far = render.answer_text(question, picked)
    return {
        "kind": "question",
        "question": question.id,
        "text": f"You have chosen: {so_far}. Choose any others that apply, or choose Done.",
        "progress": "",
        "hint": "Type the others, or their numbers, or type done.",
        "choices": [render.choice(o.label, number=n) for n, o in rest]
        + [render.choice("Done", "done")],
        "multiple": True,
    }


def on_adding(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """More options for a multiple-choice answer, until the resident says done."""
    state = outcome.state
    said = normalise(incoming.text)
    if said in DONE_ADDING:
        return moved_on(survey, outcome)
    position = current(state)
    question = survey.question(position[0])
    picked = list(flow.value(state["answers"], *position) or [])
    reading = understand(question, incoming.text, today=incoming.now.date())
    if isinstance(reading, NotUnderstood) or any(
        o.exclusive for o in question.options if o.id in reading.value
    ):
        return outcome.say(
            {
                **_adding_message(survey, state),
                "text": "Choose another answer that applies, or choose Done.",
            }
        )
    merged = [o.id for o in question.options if o.id in picked or o.id in reading.value]
    raw = state["answers"][flow.key(position)]["raw"] + ", " + kept(incoming)
    record(survey, outcome, position, merged, raw)
    if _should_offer_more(question, Understood(merged, tapped=True)):
        return outcome.say(_adding_message(survey, state))
    return moved_on(survey, outcome)
