"""Words that work at any question: help, back, skip, restart, stop, and deleting everything."""

from __future__ import annotations

from dialogs import flow, render
from dialogs.asking import advance, ask, current, kept, moved_on, record, repeat
from dialogs.consent import RESUME, consent_question
from dialogs.outcome import Incoming, Outcome
from dialogs.reading import Understood
from dialogs.schema import Survey
from dialogs.spelling import normalise
from dialogs.state import AT_SUMMARY, REPEATABLE, Phase, new_state
from dialogs.yes_no import read_yes_no

# How long the code given at stop carries the survey on in another chat.
CARRY_ON_DAYS = 7
# The words for each command, as typed (normalised).
COMMANDS = {
    "help": ("help", "?", "what do i do", "how does this work", "commands", "options"),
    "back": ("back", "go back", "previous", "previous question", "undo", "last question"),
    "skip": ("skip", "skip this", "skip this question", "skip it", "pass", "next", "skip question"),
    "restart": ("restart", "start again", "start over", "begin again", "reset", "restart survey"),
    "stop": ("stop", "quit", "exit", "cancel", "end", "stop the survey", "i want to stop"),
}
COMMAND_OF = {phrase: name for name, phrases in COMMANDS.items() for phrase in phrases}
# Asking for everything sent to be deleted: heard in any phase.
ERASE = (
    "delete my answers", "delete my data", "delete my details", "erase my answers",
    "remove my answers", "delete everything", "delete my response", "forget me",
    "delete all my answers", "erase my data", "remove my data",
)  # fmt: skip


def give_help(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
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
    return repeat(survey, outcome)


def go_back(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Go to the previous question: from the summary, the last one; from a change, the summary."""
    state = outcome.state
    if state["phase"] in AT_SUMMARY:
        route = [p for p in flow.plan(survey, state["answers"]) if not flow.is_statement(survey, p)]
        state.update(
            {"phase": Phase.ASKING, "at": list(route[-1]), "misses": 0, "returning": False}
        )
        return ask(survey, outcome)
    if state.get("returning"):
        return advance(survey, outcome)
    earlier = flow.previous(survey, state["answers"], current(state))
    if earlier is None:
        return ask(survey, outcome, lead="This is the first question.")
    state.update({"phase": Phase.ASKING, "at": list(earlier), "misses": 0})
    return ask(survey, outcome)


def skip(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Leave out an optional question; say so when the question needs an answer."""
    state = outcome.state
    if state["phase"] not in (Phase.ASKING, Phase.ADDING):
        return repeat(survey, outcome)
    position = current(state)
    question = survey.question(position[0])
    if state["phase"] == Phase.ADDING:
        return moved_on(survey, outcome)
    if not question.optional:
        asked = render.question_message(survey, state["answers"], position)
        message = f"This question needs an answer. {asked['hint']}"
        return outcome.say({**asked, "text": message, "progress": ""})
    record(survey, outcome, position, None, kept(incoming))
    return moved_on(survey, outcome)


def restart(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Ask before clearing every answer."""
    state = outcome.state
    state["before_restart"] = state["phase"]
    state["phase"] = Phase.CONFIRM_RESTART
    return outcome.say(
        render.yes_or_no(
            "restart",
            "Do you want to start again from the first question? "
            "Your answers so far will be cleared.",
            "Type yes to start again, or no to carry on.",
            "Yes, start again",
            "No, carry on",
        )
    )


def on_confirm_restart(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Yes clears every answer and asks the first question again; anything else carries on."""
    state = outcome.state
    reading = read_yes_no(consent_question(survey), normalise(incoming.text))
    state["phase"] = state.pop("before_restart", Phase.ASKING)
    if isinstance(reading, Understood) and reading.value == "yes":
        outcome.forget.extend(flow.position_of(k) for k in state["answers"])
        state.update({"answers": {}, "shown": [], "returning": False})
        return advance(
            survey, outcome, lead="Your answers have been cleared. Here is the first question."
        )
    return repeat(survey, outcome)


def stop(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
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


def on_stopped(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """After stop: continue where they were, or start again."""
    state = outcome.state
    said = normalise(incoming.text)
    if said in RESUME or said in COMMANDS["restart"]:
        state["phase"] = state.pop("before_stop", Phase.ASKING)
        outcome.events["status"] = "in_progress"
        if said in COMMANDS["restart"]:
            return restart(survey, outcome, incoming)
        return (
            repeat(survey, outcome)
            if state["at"] or state["phase"] != Phase.ASKING
            else advance(survey, outcome)
        )
    return outcome.say(
        render.text(
            "The survey is stopped. Type continue to carry on where you left off, "
            "or restart to start again."
        )
    )


def erase(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Ask before deleting everything the resident has sent."""
    state = outcome.state
    if state["phase"] != Phase.CONFIRM_ERASE:
        state["before_erase"] = state["phase"]
    state["phase"] = Phase.CONFIRM_ERASE
    return outcome.say(
        render.yes_or_no(
            "erase",
            "Do you want us to delete your answers and this conversation? This cannot be undone.",
            "Type yes to delete them, or no to keep them.",
            "Yes, delete them",
            "No, keep them",
        )
    )


def on_confirm_erase(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Yes deletes everything about this conversation; anything else carries on."""
    state = outcome.state
    reading = read_yes_no(consent_question(survey), normalise(incoming.text))
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
        return repeat(survey, outcome)
    return outcome
