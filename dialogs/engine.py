"""The survey engine: state and what the resident sent in, messages and answers out.

Pure: no I/O, no clock, no randomness. The caller passes the time and a fresh
reference code in `Incoming`, stores `Outcome.state` and `Outcome.record`, and
sends `Outcome.messages`. State is plain JSON (`dialogs.state`).

Each turn, in order: the safety check; then words that work anywhere (help,
back, skip, restart, stop: `dialogs.commands`); then the handler for the
conversation's phase, from the table `PHASES` (`dialogs.consent`,
`dialogs.asking`, `dialogs.summary`). This module is the door the bot comes in
by: `start`, `turn`, and a survey carried on from another chat.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from dialogs import render
from dialogs.asking import DONE_ADDING, advance, on_adding, on_answer, repeat, welcome_back
from dialogs.commands import (
    CARRY_ON_DAYS,
    COMMAND_OF,
    ERASE,
    erase,
    give_help,
    go_back,
    on_confirm_erase,
    on_confirm_restart,
    on_stopped,
    restart,
    skip,
    stop,
)
from dialogs.consent import RESUME, on_closed, on_consent, on_declined, on_taken_part, start
from dialogs.numbers import NUMBER_WORDS, ORDINALS
from dialogs.outcome import Events, Handler, Incoming, Outcome
from dialogs.ratings import MIDDLE_WORDS
from dialogs.safety import SAFE, Verdict, assess
from dialogs.schema import Survey
from dialogs.spelling import normalise
from dialogs.state import IN_SURVEY, NO_RESPONSE, NOT_STARTED, REPEATABLE, Phase, load, new_state
from dialogs.summary import CHANGE, SUBMIT, on_choose_change, on_done, on_summary
from dialogs.understand import ALL_WORDS
from dialogs.yes_no import NO_WORDS, UNSURE_WORDS, YES_WORDS

__all__ = [
    "CARRY_ON_DAYS",
    "Events",
    "Incoming",
    "Outcome",
    "carried_on",
    "code_not_recognised",
    "needs_scores",
    "new_state",
    "start",
    "turn",
]

# The flag, and the [safety] reply, for a message that might need help.
UNSURE_FLAG = "unsure"
GREETINGS = ("hi", "hello", "hey", "hiya", "good morning", "good afternoon", "good evening")


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
        return erase(survey, outcome, incoming)
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
    """The survey's own answers, normalised: option labels, synonyms and ids.

    Numbers are not listed: `needs_scores` knows them by their digits (a
    choice question allows up to a million, and listing them all took seconds
    and over 100 MB).
    """
    key = (survey.id, survey.version)
    if key not in _KNOWN:
        known = {normalise(survey.consent_yes), normalise(survey.consent_no)}
        for question in survey.questions:
            for option in question.options:
                known.update(normalise(t) for t in (option.label, option.name, *option.synonyms))
                known.add(option.id.replace("_", " "))
        _KNOWN[key] = frozenset(known)
    return _KNOWN[key]


# The handler that reads the next message in each phase.
PHASES: dict[Phase, Handler] = {
    Phase.CONSENT: on_consent,
    Phase.DECLINED: on_declined,
    Phase.CLOSED: on_closed,
    Phase.TAKEN_PART: on_taken_part,
    Phase.ASKING: on_answer,
    Phase.ADDING: on_adding,
    Phase.SUMMARY: on_summary,
    Phase.CHOOSE_CHANGE: on_choose_change,
    Phase.CONFIRM_RESTART: on_confirm_restart,
    Phase.STOPPED: on_stopped,
    Phase.DONE: on_done,
    Phase.CONFIRM_ERASE: on_confirm_erase,
    Phase.ERASED: on_declined,
}
# The words that work at any question, in the phases of `IN_SURVEY`.
COMMAND_HANDLERS: dict[str, Handler] = {
    "help": give_help,
    "back": go_back,
    "skip": skip,
    "restart": restart,
    "stop": stop,
}


def _route(survey: Survey, outcome: Outcome, incoming: Incoming, said: str) -> Outcome:
    """Greetings and commands anywhere, else the handler for the conversation's phase."""
    state = outcome.state
    if state["phase"] == Phase.ASKING and said in GREETINGS:
        return welcome_back(survey, outcome)
    command = COMMAND_OF.get(said)
    handler = PHASES[state["phase"]]
    if command and state["phase"] in IN_SURVEY:
        return COMMAND_HANDLERS[command](survey, outcome, incoming)
    return handler(survey, outcome, incoming)


# The safety check


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
        return repeat(survey, outcome)
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


# A survey carried on from another chat


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
        return advance(survey, outcome)
    return repeat(survey, outcome)


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
        phase = outcome.state["phase"]
        if phase in REPEATABLE:
            repeat(survey, outcome)
        else:
            # Declined, taken part or stopped: no question to repeat, so say where they are.
            PHASES[phase](survey, outcome, Incoming("", now))
    return outcome.say_first([render.text(CODE_NOT_RECOGNISED)])
