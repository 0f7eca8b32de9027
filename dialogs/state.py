"""The conversation's state: where it stands, as one of a few named phases.

The state is stored as plain JSON, so a phase is kept as its string ("asking");
`Phase` is a `StrEnum`, equal to that string, so a state read back from any
store compares the same as one just made.
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    """Where a conversation stands: which handler reads the resident's next message."""

    # Not started: nothing has been said yet.
    NEW = "new"
    # Started after the survey closed, or before it opened.
    CLOSED = "closed"
    # This resident has completed the survey before.
    TAKEN_PART = "taken_part"
    # Asked whether they want to take part.
    CONSENT = "consent"
    # Said no to taking part: nothing is kept.
    DECLINED = "declined"
    # Asked a question of the survey.
    ASKING = "asking"
    # Asked whether other options apply too, after one option was tapped.
    ADDING = "adding"
    # Shown the check-your-answers summary.
    SUMMARY = "summary"
    # Asked which answer of the summary to change.
    CHOOSE_CHANGE = "choose_change"
    # Asked whether to clear every answer and start again.
    CONFIRM_RESTART = "confirm_restart"
    # Stopped: the answers so far are kept, and "continue" carries on.
    STOPPED = "stopped"
    # Submitted, with a reference.
    DONE = "done"
    # Asked whether to delete everything they have sent.
    CONFIRM_ERASE = "confirm_erase"
    # Everything they sent was deleted.
    ERASED = "erased"


# Before the survey has started: the next message starts it afresh.
NOT_STARTED = frozenset({Phase.NEW, Phase.CLOSED})
# No response is open, so there is nothing to flag.
NO_RESPONSE = frozenset(
    {Phase.NEW, Phase.CONSENT, Phase.CLOSED, Phase.DECLINED, Phase.TAKEN_PART, Phase.ERASED}
)
# Inside the survey: help, back, skip, restart and stop work here.
IN_SURVEY = frozenset({Phase.ASKING, Phase.ADDING, Phase.SUMMARY, Phase.CHOOSE_CHANGE})
# Waiting on an answer that can be asked again, after safety advice or a kept answer.
REPEATABLE = IN_SURVEY | {Phase.CONSENT}
# At the check-your-answers step.
AT_SUMMARY = frozenset({Phase.SUMMARY, Phase.CHOOSE_CHANGE})
