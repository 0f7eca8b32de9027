"""The welcome and the consent question, and the phases before the questions."""

from __future__ import annotations

from datetime import datetime

from dialogs import render
from dialogs.asking import advance
from dialogs.outcome import Incoming, Outcome
from dialogs.reading import NotUnderstood
from dialogs.schema import Kind, Option, Question, Survey
from dialogs.spelling import normalise
from dialogs.state import Phase, new_state
from dialogs.yes_no import read_yes_no

# Words that start the survey after saying no, or carry on after stopping.
RESUME = ("continue", "resume", "carry on", "go on", "yes", "start", "keep going", "ok")


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
    return outcome.say(render.consent_message(survey))


def consent_question(survey: Survey) -> Question:
    """Consent as a yes/no question, to read the answer with (restart and erase use it too)."""
    return Question(
        id="consent",
        kind=Kind.YES_NO,
        text=survey.consent_question,
        options=(Option("yes", survey.consent_yes, "yes"), Option("no", survey.consent_no, "no")),
    )


def on_consent(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Yes starts the survey; no ends it and keeps nothing."""
    reading = read_yes_no(consent_question(survey), normalise(incoming.text))
    state = outcome.state
    if isinstance(reading, NotUnderstood) or reading.value not in ("yes", "no"):
        return outcome.say(
            {
                **render.consent_message(survey),
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
    return advance(survey, outcome)


def on_declined(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """After saying no: nothing is kept; say how to start if they change their mind."""
    if normalise(incoming.text) in RESUME:
        outcome.state["phase"] = Phase.CONSENT
        return outcome.say(render.consent_message(survey))
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


def on_closed(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Start again: the survey may have opened since."""
    return start(survey, incoming.now)


def on_taken_part(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Taken part before: say so again."""
    return outcome.say(render.text(render.fill(survey.already_taken_part, survey, {})))


def _closed_message(survey: Survey, now: datetime) -> str | None:
    """Why the survey cannot be started now, if it cannot."""
    dates = {"opens": render.when(survey.opens), "closes": render.when(survey.closes)}
    if survey.opens and now < survey.opens:
        return render.fill(survey.not_open_yet, survey, {}, **dates)
    if survey.closes and now > survey.closes:
        return render.fill(survey.closed, survey, {}, **dates)
    return None
