"""The check-your-answers summary: submit, or choose an answer to change."""

from __future__ import annotations

from dialogs import render
from dialogs.asking import ask
from dialogs.numbers import whole_number
from dialogs.outcome import Incoming, Outcome
from dialogs.reading import Understood
from dialogs.schema import Kind, Option, Question, Survey
from dialogs.spelling import normalise
from dialogs.state import Phase
from dialogs.understand import understand

# Words around the number or name of the answer to change at the summary.
CHANGE_WORDS = frozenset(
    "change number answer question my the edit to for of no q please i want id like".split()
)
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


def on_summary(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
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
    return on_choose_change(survey, outcome, incoming)


def on_choose_change(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
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
    return ask(survey, outcome)


def _submit(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Finish: thank the resident and give them a reference they can quote."""
    state = outcome.state
    state.update({"phase": Phase.DONE, "reference": incoming.reference, "at": None})
    outcome.events.update({"status": "completed", "reference": incoming.reference})
    closing = render.fill(survey.closing, survey, state["answers"], reference=incoming.reference)
    return outcome.say(render.text(closing))


def on_done(survey: Survey, outcome: Outcome, incoming: Incoming) -> Outcome:
    """Submitted already: give the reference again."""
    reference = outcome.state.get("reference")
    return outcome.say(
        render.text(
            f"You have completed this survey. Your reference is {reference}. "
            "Thank you for taking part."
        )
    )
