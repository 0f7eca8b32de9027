"""The survey engine: state and what the resident sent in, messages and answers out.

Pure: no I/O, no clock, no randomness. The caller passes the time and a fresh
reference code in `Incoming`, stores `Outcome.state` and `Outcome.record`, and
sends `Outcome.messages`. State is plain JSON.

Each turn, in order: the safety check; then words that work anywhere (help,
back, skip, restart, stop); then the handler for the conversation's phase.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypedDict

from dialogs import flow, render
from dialogs.flow import Position
from dialogs.numbers import NUMBER_WORDS, ORDINALS, whole_number
from dialogs.ratings import MIDDLE_WORDS
from dialogs.render import Message
from dialogs.safety import SAFE, Scores, Verdict, assess
from dialogs.schema import Kind, Option, Question, Survey
from dialogs.spelling import normalise
from dialogs.state import (
    AT_SUMMARY,
    IN_SURVEY,
    NO_RESPONSE,
    NOT_STARTED,
    REPEATABLE,
    Phase,
    State,
    load,
    new_state,
)
from dialogs.understand import (
    ALL_WORDS,
    NO_WORDS,
    UNSURE_WORDS,
    YES_WORDS,
    NotUnderstood,
    Understood,
    mentioned_options,
    read_yes_no,
    understand,
)

__all__ = [
    "CARRY_ON_DAYS",
    "Events",
    "Incoming",
    "Outcome",
    "Recorded",
    "carried_on",
    "code_not_recognised",
    "needs_scores",
    "new_state",
    "show_code",
    "start",
    "turn",
]

# Words around the number or name of the answer to change at the summary.
CHANGE_WORDS = frozenset(
    "change number answer question my the edit to for of no q please i want id like".split()
)
MISSES_BEFORE_SKIP_OFFER = 2
# The flag, and the [safety] reply, for a message that might need help.
UNSURE_FLAG = "unsure"
WELCOME_BACK_AFTER_SECONDS = 60 * 60
# How long the code given at stop carries the survey on in another chat.
CARRY_ON_DAYS = 7

COMMANDS = {
    "help": ("help", "?", "what do i do", "how does this work", "commands", "options"),
    "back": ("back", "go back", "previous", "previous question", "undo", "last question"),
    "skip": ("skip", "skip this", "skip this question", "skip it", "pass", "next", "skip question"),
    "restart": ("restart", "start again", "start over", "begin again", "reset", "restart survey"),
    "stop": ("stop", "quit", "exit", "cancel", "end", "stop the survey", "i want to stop"),
}
COMMAND_OF = {phrase: name for name, phrases in COMMANDS.items() for phrase in phrases}
ERASE = (
    "delete my answers", "delete my data", "delete my details", "erase my answers",
    "remove my answers", "delete everything", "delete my response", "forget me",
    "delete all my answers", "erase my data", "remove my data",
)  # fmt: skip
RESUME = ("continue", "resume", "carry on", "go on", "yes", "start", "keep going", "ok")
GREETINGS = ("hi", "hello", "hey", "hiya", "good morning", "good afternoon", "good evening")
SUBMIT = (
    "submit",
    "submit my answers",
    "send",
    "confirm",
    "finish",
    "done",
    "yes",
    "submit answers",
)
CHANGE = ("change", "change an answer", "edit", "change answer", "change my answer", "amend")
DONE_ADDING = (
    "done", "that's all", "thats all", "that is all", "no more", "nothing else", "no",
    "finished", "thats it", "that's it", "none", "no others", "none of the others", "next",
)  # fmt: skip


@dataclass(frozen=True)
class Incoming:
    """What the resident sent, with the time and a reference code to use if they submit."""

    text: str
    now: datetime
    reference: str = ""
    # Whether this resident has completed the survey before (checked by the caller).
    taken_part: bool = False
    # The text with personal details removed: all the engine keeps of what was typed.
    redacted: str | None = field(default=None, kw_only=True)
    # The learned safety classifier's view of the text, when the caller ran it
    # (see `needs_scores`); the rules run on every message regardless.
    scores: Scores | None = field(default=None, kw_only=True)
    # A fresh code to give if the resident stops, to carry on in any chat (made by the caller).
    carry_on_code: str = field(default="", kw_only=True)


class Recorded(TypedDict):
    """An answer to record: `item` is the loop option, "" outside loops."""

    question: str
    item: str
    value: Any
    raw: str


class Events(TypedDict, total=False):
    """What the caller does with the response as a whole, when a turn changes it."""

    # The resident said yes to taking part: start their response.
    consented: bool
    status: Literal["in_progress", "completed", "abandoned"]
    # The reference given on submitting.
    reference: str
    # Safety categories to flag on the response.
    flags: list[str]
    # The last question asked, for the response's record of where the resident got to.
    last_question: str
    # The resident declined, or asked for their answers to be deleted: keep nothing.
    discard: bool
    # The code given on stopping, to carry on in another chat.
    carry_on_code: str


@dataclass
class Outcome:
    """What a turn produces: messages to send, answers to record, and the new state."""

    state: State
    messages: list[Message] = field(default_factory=list)
    record: list[Recorded] = field(default_factory=list)
    forget: list[Position] = field(default_factory=list)
    events: Events = field(default_factory=Events)
    # Seconds since the resident's previous message (0 for the first).
    away: float = 0.0

    def say(self, *messages: Message) -> Outcome:
        """Add messages to send."""
        self.messages.extend(messages)
        return self

    def say_first(self, messages: list[Message]) -> Outcome:
        """Put messages before the ones already here."""
        self.messages[:0] = messages
        return self


def start(survey: Survey, now: datetime, *, taken_part: bool = False) -> Outcome:
    """The welcome: the intro and the consent question, or why the survey is not open."""
    state = new_state(survey)
    state["seen"] = now.isoformat()
    outcome = Outcome(state)
    if taken_part:
        state["phase"] = Phase.TAKEN_PART
        return outcome.say(render.text(render.fill(survey.already_taken_part, survey, {})))
    closed = _closed_message(survey, now)
    if closed:
        state["phase"] = Phase.CLOSED
        return outcome.say(render.text(closed))
    state["phase"] = Phase.CONSENT
    for paragraph in survey.intro:
        outcome.say(render.text(render.fill(paragraph, survey, {})))
    return outcome.say(_consent_message(survey))


def turn(survey: Survey, stored: Mapping[str, Any], incoming: Incoming) -> Outcome:
    """One turn: read what the resident sent and move the conversation on."""
    outcome = Outcome(load(stored))
    state = outcome.state
    last_seen = state.get("seen")
    state["seen"] = incoming.now.isoformat()
    if last_seen:
        outcome.away = (incoming.now - datetime.fromisoformat(last_seen)).total_seconds()
    said = normalise(incoming.text)
    if said in ERASE:
        return _erase(survey, outcome, incoming)
    # The survey's own words ("help", "stop") are commands, not cries for help: the help
    # reply itself says to call 999 in an emergency.
    verdict = SAFE if said in COMMAND_OF else assess(incoming.text, incoming.scores)
    if verdict.flagged and verdict.sure:
        outcome = _safety(survey, outcome, str(verdict.category))
    if state["phase"] in NOT_STARTED:
        fresh = start(survey, incoming.now, taken_part=incoming.taken_part)
        fresh.state["flags"] = state["flags"]
        return _unsure(survey, fresh.say_first(outcome.messages), verdict)
    if verdict.flagged and verdict.sure:
        return outcome
    return _unsure(survey, _route(survey, outcome, incoming, said), verdict)


def needs_scores(survey: Survey, text: str) -> bool:
    """Whether a message is worth the learned safety classifier's time.

    Taps and the survey's own words (options, numbers, commands) are not: only
    text typed in the resident's own words is.
    """
    said = normalise(text)
    if not said or said in _known_replies(survey) or said in _ENGINE_WORDS:
        return False
    return not all(w.isdigit() or w in NUMBER_WORDS or w in ORDINALS for w in said.split())


_ENGINE_WORDS = frozenset(
    (
        *COMMAND_OF, *ERASE, *RESUME, *GREETINGS, *SUBMIT, *CHANGE, *DONE_ADDING, *YES_WORDS,
        *NO_WORDS, *UNSURE_WORDS, *ALL_WORDS, *MIDDLE_WORDS, *NUMBER_WORDS, *ORDINALS,
    )
)  # fmt: skip
_KNOWN: dict[tuple[str, int], frozenset[str]] = {}


def _known_replies(survey: Survey) -> frozenset[str]:
    """The survey's own answers, normalised: option labels, synonyms, numbers and scale words."""
    key = (survey.id, survey.version)
    if key not in _KNOWN:
        known = {normalise(survey.consent_yes), normalise(survey.consent_no)}
        for question in survey.questions:
            known.update(str(n) for n in range(question.minimum, question.maximum + 1))
            for number, option in enumerate(question.options, start=1):
                known.update(normalise(t) for t in (option.label, option.name, *option.synonyms))
                known.update({option.id.replace("_", " "), str(number)})
        known.update(str(n) for n in range(121))
        _KNOWN[key] = frozenset(known)
    return _KNOWN[key]


def _route(survey: Survey, outcome: Outcome, incoming: Incoming, said: str) -> Outcome:
    """Greetings and commands anywhere, else the handler for the conversation's phase."""
    state = outcome.state
    if state["phase"] == Phase.ASKING and said in GREETINGS:
        return _welcome_back(survey, outcome)
    command = COMMAND_OF.get(said)
    handler = PHASES[state["phase"]]
    if command and state["phase"] in IN_SURVEY:
        return COMMAND_HANDLERS[command](survey, outcome, incoming)
    return handler(survey, outcome, incoming)


# Safety, greetings and the phases before the questions


def _safety(survey: Survey, outcome: Outcome, category: str) -> Outcome:
    """Someone may need help now: say what to do, flag the response, then carry on."""
    state = outcome.state
    if category not in state["flags"]:
        state["flags"].append(category)
    if state["phase"] not in NO_RESPONSE:
        outcome.events["flags"] = [category]
    reply = survey.safety[category].text
    outcome.say(render.text(render.fill(reply, survey, state["answers"]), urgent=True))
    if state["phase"] in REPEATABLE:
        outcome.say(
            render.text(
                "If you are safe and want to carry on with the survey, answer below. Or type stop."
            )
        )
        return _repeat(survey, outcome)
    return outcome


def _unsure(survey: Survey, outcome: Outcome, verdict: Verdict) -> Outcome:
    """A message that may need help: one short line first, and the survey carries on."""
    if not verdict.flagged or verdict.sure:
        return outcome
    state = outcome.state
    if UNSURE_FLAG not in state["flags"]:
        state["flags"].append(UNSURE_FLAG)
    if state["phase"] not in NO_RESPONSE:
        outcome.events["flags"] = [*outcome.events.get("flags", []), UNSURE_FLAG]
    line = render.fill(survey.safety[UNSURE_FLAG].text, survey, state["answers"])
    return outcome.say_first([render.text(line, urgent=True)])


def _welcome_back(survey: Survey, outcome: Outcome) -> Outcome:
    """A greeting mid-survey: remind the resident where they were."""
    lead = "Welcome back." if outcome.away >= WELCOME_BACK_AFTER_SECONDS else "Hello again."
    return _ask(survey, outcome, lead=f"{lead} Here is the question you were on.")


def _yes_or_no(name: str, text: str, hint: str, yes: str, no: str) -> Message:
    """A yes-or-no question of the conversation itself (consent, restart, erase)."""
    return {
        "kind": "question",
        "question": name,
        "text": text,
        "progress": "",
        "hint": hint,
        "choices": [render.choice(yes, "yes"), render.choice(no, "no")],
        "multiple": False,
    }


def _consent_message(survey: Survey) -> Message:
    return _yes_or_no(
        "consent",
        render.fill(survey.consent_question, survey, {}),
        "Type yes to start the survey, or no if you do not want to take part.",
        survey.consent_yes,
        survey.consent_no,
    )


def _consent_question(survey: Survey) -> Question:
    return Question(
        id="consent",
        kind=Kind.YES_NO,
        text=survey.consent_question,
        options=(Option("yes", survey.consent_yes, "yes"), Option("no", survey.consent_no, "no")),
    )


def _on_consent(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Yes starts the survey; no ends it and keeps nothing."""
    reading = read_yes_no(_consent_question(survey), normalise(incoming.text))
    state = outcome.state
    if isinstance(reading, NotUnderstood) or reading.value not in ("yes", "no"):
        return outcome.say(
            {
                **_consent_message(survey),
                "text": "Type yes to start the survey, or no if you do not want to take part.",
            }
        )
    if reading.value == "no":
        state.update({"phase": Phase.DECLINED, "answers": {}, "shown": []})
        outcome.events["discard"] = True
        return outcome.say(render.text(render.fill(survey.declined, survey, {})))
    state["phase"] = Phase.ASKING
    outcome.events.update({"consented": True, "status": "in_progress"})
    if state["flags"]:
        outcome.events["flags"] = list(state["flags"])
    return _advance(survey, outcome)


def _on_declined(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """After saying no: nothing is kept; say how to start if they change their mind."""
    if normalise(incoming.text) in RESUME:
        outcome.state["phase"] = Phase.CONSENT
        return outcome.say(_consent_message(survey))
    if outcome.state["phase"] == Phase.ERASED:
        return outcome.say(
            render.text("Your answers were deleted. If you want to take part again, type start.")
        )
    return outcome.say(
        render.text(
            "You chose not to take part, so nothing you sent has been kept. "
            "If you change your mind, type start."
        )
    )


def _on_closed(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    return start(survey, incoming.now)


def _on_taken_part(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    return outcome.say(render.text(render.fill(survey.already_taken_part, survey, {})))


def _closed_message(survey: Survey, now: datetime) -> str | None:
    """Why the survey cannot be started now, if it cannot."""
    dates = {"opens": render.when(survey.opens), "closes": render.when(survey.closes)}
    if survey.opens and now < survey.opens:
        return render.fill(survey.not_open_yet, survey, {}, **dates)
    if survey.closes and now > survey.closes:
        return render.fill(survey.closed, survey, {}, **dates)
    return None


# Asking questions


def _current(state: State) -> Position:
    """The question the resident is on."""
    at = state["at"]
    if at is None:
        raise ValueError("no question is being asked")
    question_id, item = at
    return question_id, item


def _advance(survey: Survey, outcome: Outcome, lead: str = "") -> Outcome:
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
        return _ask(survey, outcome, lead=lead)


def _ask(survey: Survey, outcome: Outcome, *, lead: str = "") -> Outcome:
    """Ask the question the resident is on."""
    state = outcome.state
    return outcome.say(
        render.question_message(survey, state["answers"], _current(state), lead=lead)
    )


def _repeat(survey: Survey, outcome: Outcome) -> Outcome:
    """Show again whatever the resident was last asked."""
    phase = outcome.state["phase"]
    if phase == Phase.CONSENT:
        return outcome.say(_consent_message(survey))
    if phase in AT_SUMMARY:
        return outcome.say(render.summary_message(survey, outcome.state["answers"]))
    if phase == Phase.ADDING:
        return outcome.say(_adding_message(survey, outcome.state))
    return _ask(survey, outcome)


def _on_answer(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """An answer to the current question: record it and move on, or say what to type."""
    state = outcome.state
    position = _current(state)
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
    _record(survey, outcome, position, reading.value, _kept(incoming))
    if question.kind is Kind.MULTIPLE_CHOICE and _should_offer_more(question, reading):
        state["phase"] = Phase.ADDING
        return outcome.say(_adding_message(survey, state))
    if reading.note:
        outcome.say(render.text(reading.note))
    elif _needs_reading_back(question, reading, incoming.text):
        answer = render.answer_text(question, reading.value)
        outcome.say(render.text(f"I have put: {answer}. If that is not right, type back."))
    return _moved_on(survey, outcome)


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
    _record(survey, outcome, position, chosen, raw)
    option = source.option(item)
    name = option.name if option else item
    outcome.say(render.text(f"I have taken {name} out of your answers, with its questions."))
    return _moved_on(survey, outcome)


def _moved_on(survey: Survey, outcome: Outcome) -> Outcome:
    """After an answer: drop answers the route no longer needs, then carry on."""
    state = outcome.state
    kept, dropped = flow.prune(survey, state["answers"])
    state["answers"] = kept
    outcome.forget.extend(dropped)
    return _advance(survey, outcome)


def _missed(survey: Survey, outcome: Outcome, question: Question, message: str) -> Outcome:
    """An answer that did not fit: say exactly what to type; offer skip after a few tries."""
    state = outcome.state
    if outcome.away >= WELCOME_BACK_AFTER_SECONDS:
        # Back after a long gap: they may not remember the question, so show it again.
        return _welcome_back(survey, outcome)
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
    position = _current(state)
    asked = render.question_message(survey, state["answers"], position)
    return outcome.say({**asked, "text": message, "progress": ""})


def _kept(incoming: Incoming) -> str:
    """What may be kept of the typed text: the caller's redacted copy, never the text itself."""
    if incoming.redacted is None:
        raise ValueError("Incoming.redacted is needed to record an answer: redact the text first")
    return incoming.redacted


def _record(survey: Survey, outcome: Outcome, position: Position, given: Any, typed: str) -> None:
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


def _should_offer_more(question: Question, reading: Understood) -> bool:
    """A single tapped option in a multiple-choice question: ask whether there are others."""
    picked = reading.value
    return (
        reading.tapped
        and not any(o.exclusive for o in question.options if o.id in picked)
        and len(picked) < len([o for o in question.options if not o.exclusive])
    )


def _adding_message(survey: Survey, state: State) -> Message:
    position = _current(state)
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


def _on_adding(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """More options for a multiple-choice answer, until the resident says done."""
    state = outcome.state
    said = normalise(incoming.text)
    if said in DONE_ADDING:
        return _moved_on(survey, outcome)
    position = _current(state)
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
    raw = state["answers"][flow.key(position)]["raw"] + ", " + _kept(incoming)
    _record(survey, outcome, position, merged, raw)
    if _should_offer_more(question, Understood(merged, tapped=True)):
        return outcome.say(_adding_message(survey, state))
    return _moved_on(survey, outcome)


# Words that work at any question


def _help(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Explain how to answer, and the words that work anywhere."""
    outcome.say(
        render.text(
            "You can answer by tapping a button or typing in your own words. You can also type:\n"
            "- back, to go to the previous question\n"
            "- skip, to leave out a question marked optional\n"
            "- restart, to start again\n"
            "- stop, to stop the survey (your answers so far are kept)\n\n"
            "This chat is not monitored. If you or someone else is in danger, call 999."
        )
    )
    return _repeat(survey, outcome)


def _back(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Go to the previous question; from a change, back to the summary."""
    state = outcome.state
    if state["phase"] in AT_SUMMARY:
        route = [p for p in flow.plan(survey, state["answers"]) if not flow.is_statement(survey, p)]
        state.update(
            {"phase": Phase.ASKING, "at": list(route[-1]), "misses": 0, "returning": False}
        )
        return _ask(survey, outcome)
    if state.get("returning"):
        return _advance(survey, outcome)
    earlier = flow.previous(survey, state["answers"], _current(state))
    if earlier is None:
        return _ask(survey, outcome, lead="This is the first question.")
    state.update({"phase": Phase.ASKING, "at": list(earlier), "misses": 0})
    return _ask(survey, outcome)


def _skip(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Leave out an optional question; say so when the question needs an answer."""
    state = outcome.state
    if state["phase"] not in (Phase.ASKING, Phase.ADDING):
        return _repeat(survey, outcome)
    position = _current(state)
    question = survey.question(position[0])
    if state["phase"] == Phase.ADDING:
        return _moved_on(survey, outcome)
    if not question.optional:
        asked = render.question_message(survey, state["answers"], position)
        message = f"This question needs an answer. {asked['hint']}"
        return outcome.say(
            {
                **render.question_message(survey, state["answers"], position),
                "text": message,
                "progress": "",
            }
        )
    _record(survey, outcome, position, None, _kept(incoming))
    return _moved_on(survey, outcome)


def _restart(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Ask before clearing every answer."""
    state = outcome.state
    state["before_restart"] = state["phase"]
    state["phase"] = Phase.CONFIRM_RESTART
    return outcome.say(
        _yes_or_no(
            "restart",
            "Do you want to start again from the first question? "
            "Your answers so far will be cleared.",
            "Type yes to start again, or no to carry on.",
            "Yes, start again",
            "No, carry on",
        )
    )


def _on_confirm_restart(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    state = outcome.state
    reading = read_yes_no(_consent_question(survey), normalise(incoming.text))
    state["phase"] = state.pop("before_restart", Phase.ASKING)
    if isinstance(reading, Understood) and reading.value == "yes":
        outcome.forget.extend(flow.position_of(k) for k in state["answers"])
        state.update({"answers": {}, "shown": [], "returning": False})
        return _advance(
            survey, outcome, lead="Your answers have been cleared. Here is the first question."
        )
    return _repeat(survey, outcome)


def _stop(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """End politely, keeping the answers so far; the resident can come back, in any chat."""
    state = outcome.state
    state["before_stop"] = state["phase"]
    state["phase"] = Phase.STOPPED
    outcome.events["status"] = "abandoned"
    text = (
        "You have stopped the survey. The answers you gave have been kept. Thank you for your "
        "time. If you change your mind, type continue to carry on where you left off."
    )
    code = incoming.carry_on_code
    if code:
        outcome.events["carry_on_code"] = code
        text += (
            f" To carry on in another chat with us, on this device or another, type this code:"
            f" {show_code(code)}. It works for {CARRY_ON_DAYS} days."
        )
    return outcome.say(render.text(text))


def show_code(code: str) -> str:
    """A code as the resident is shown it: in two halves, "HX7K 2P9Q"."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def carried_on(survey: Survey, stored: Mapping[str, Any], now: datetime) -> Outcome:
    """A survey stopped in another chat, carried on here with its code: where it stopped."""
    outcome = Outcome(load(stored))
    state = outcome.state
    state["seen"] = now.isoformat()
    if state.get("phase") == Phase.STOPPED:
        state["phase"] = state.pop("before_stop", Phase.ASKING)
    outcome.events["status"] = "in_progress"
    outcome.say(render.text("Welcome back. Here is where you stopped."))
    if state["phase"] == Phase.ASKING and not state.get("at"):
        return _advance(survey, outcome)
    return _repeat(survey, outcome)


CODE_NOT_RECOGNISED = (
    "That code did not work. It may have been used already, or be more than "
    f"{CARRY_ON_DAYS} days old. You can start the survey again."
)


def code_not_recognised(survey: Survey, stored: Mapping[str, Any] | None, now: datetime) -> Outcome:
    """A code typed before the survey started that carries nothing on: say so, then welcome."""
    if stored is None or stored.get("phase") in NOT_STARTED:
        outcome = start(survey, now)
    else:
        outcome = Outcome(load(stored))
        outcome.state["seen"] = now.isoformat()
        _repeat(survey, outcome)
    return outcome.say_first([render.text(CODE_NOT_RECOGNISED)])


def _on_stopped(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """After stop: continue where they were, or start again."""
    state = outcome.state
    said = normalise(incoming.text)
    if said in RESUME or said in COMMANDS["restart"]:
        state["phase"] = state.pop("before_stop", Phase.ASKING)
        outcome.events["status"] = "in_progress"
        if said in COMMANDS["restart"]:
            return _restart(survey, outcome, incoming)
        return (
            _repeat(survey, outcome)
            if state["at"] or state["phase"] != Phase.ASKING
            else _advance(survey, outcome)
        )
    return outcome.say(
        render.text(
            "The survey is stopped. Type continue to carry on where you left off, "
            "or restart to start again."
        )
    )


def _erase(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Ask before deleting everything the resident has sent."""
    state = outcome.state
    if state["phase"] != Phase.CONFIRM_ERASE:
        state["before_erase"] = state["phase"]
    state["phase"] = Phase.CONFIRM_ERASE
    return outcome.say(
        _yes_or_no(
            "erase",
            "Do you want us to delete your answers and this conversation? This cannot be undone.",
            "Type yes to delete them, or no to keep them.",
            "Yes, delete them",
            "No, keep them",
        )
    )


def _on_confirm_erase(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Yes deletes everything about this conversation; anything else carries on."""
    state = outcome.state
    reading = read_yes_no(_consent_question(survey), normalise(incoming.text))
    state["phase"] = state.pop("before_erase", Phase.ASKING)
    if isinstance(reading, Understood) and reading.value == "yes":
        erased = new_state(survey)
        erased.update({"phase": Phase.ERASED, "seen": state["seen"]})
        outcome.state = erased
        outcome.events["discard"] = True
        return outcome.say(
            render.text(
                "Your answers and this conversation have been deleted. Thank you for your time. "
                "If you want to take part again, type start."
            )
        )
    outcome.say(render.text("Your answers have not been deleted."))
    if state["phase"] in REPEATABLE:
        return _repeat(survey, outcome)
    return outcome


# The summary


def _on_summary(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Submit, or choose an answer to change."""
    said = normalise(incoming.text)
    if said in SUBMIT:
        return _submit(survey, outcome, incoming)
    if said in CHANGE:
        outcome.state["phase"] = Phase.CHOOSE_CHANGE
        rows = render.summary_rows(survey, outcome.state["answers"])
        return outcome.say(
            render.text(
                f"Which answer do you want to change? Type its number, from 1 to {len(rows)}."
            )
        )
    return _on_choose_change(survey, outcome, incoming)


def _on_choose_change(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Pick the answer to change by its number or by the question's words."""
    state = outcome.state
    rows = render.summary_rows(survey, state["answers"])
    said = normalise(incoming.text)
    if said in SUBMIT:
        return _submit(survey, outcome, incoming)
    said = " ".join(w for w in said.split() if w not in CHANGE_WORDS)
    target = None
    row = whole_number(said)
    if row is not None and 1 <= row <= len(rows):
        target = rows[row - 1][0]
    elif said:
        # Rows are numbered from 1, as the summary shows them.
        named = [
            Option(str(i), row["question"], row["question"])
            for i, (_, row) in enumerate(rows, start=1)
        ]
        reading = understand(Question("row", Kind.SINGLE_CHOICE, "", options=tuple(named)), said)
        if isinstance(reading, Understood) and not said.isdigit():
            target = rows[int(reading.value) - 1][0]
        else:
            # "change district": the one row whose name has every word typed.
            typed = set(said.split())
            fits = [p for p, r in rows if typed <= set(normalise(r["question"]).split())]
            target = fits[0] if len(fits) == 1 else None
    if target is None:
        return outcome.say(
            render.text(
                f"Type the number of the answer you want to change, from 1 to {len(rows)}, "
                "or type submit."
            ),
        )
    state.update({"phase": Phase.ASKING, "at": list(target), "returning": True, "misses": 0})
    return _ask(survey, outcome)


def _submit(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Finish: thank the resident and give them a reference they can quote."""
    state = outcome.state
    state.update({"phase": Phase.DONE, "reference": incoming.reference, "at": None})
    outcome.events.update({"status": "completed", "reference": incoming.reference})
    closing = render.fill(survey.closing, survey, state["answers"], reference=incoming.reference)
    return outcome.say(render.text(closing))


def _on_done(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    reference = outcome.state.get("reference")
    return outcome.say(
        render.text(
            f"You have completed this survey. Your reference is {reference}. "
            "Thank you for taking part."
        )
    )


Handler = Callable[[Survey, Outcome, Incoming], Outcome]
PHASES: dict[Phase, Handler] = {
    Phase.CONSENT: _on_consent,
    Phase.DECLINED: _on_declined,
    Phase.CLOSED: _on_closed,
    Phase.TAKEN_PART: _on_taken_part,
    Phase.ASKING: _on_answer,
    Phase.ADDING: _on_adding,
    Phase.SUMMARY: _on_summary,
    Phase.CHOOSE_CHANGE: _on_choose_change,
    Phase.CONFIRM_RESTART: _on_confirm_restart,
    Phase.STOPPED: _on_stopped,
    Phase.DONE: _on_done,
    Phase.CONFIRM_ERASE: _on_confirm_erase,
    Phase.ERASED: _on_declined,
}
COMMAND_HANDLERS: dict[str, Handler] = {
    "help": _help,
    "back": _back,
    "skip": _skip,
    "restart": _restart,
    "stop": _stop,
}
