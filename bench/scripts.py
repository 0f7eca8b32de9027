"""What the simulated residents say: scripts of answers, and what must be stored after.

Each step waits for a bot message containing `prompt`, then answers: typing
`answer`, or tapping the button titled `answer` (sending its value, as Web
Chat does with an imBack button). `done` is in the bot's reply to the last
step. `expected` is what the database must hold for a completed response,
question id and loop item to value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Step:
    """One answer, given when the bot has asked `prompt`."""

    prompt: str
    answer: str
    tap: bool = False


@dataclass(frozen=True)
class Script:
    """A resident's way through a survey."""

    name: str
    steps: tuple[Step, ...]
    done: str
    expected: dict[tuple[str, str], Any] = field(default_factory=dict)

    @property
    def turns(self) -> int:
        """Turns a resident takes: opening the conversation, then one per step."""
        return 1 + len(self.steps)


def _steps(*pairs: tuple[str, str] | tuple[str, str, bool]) -> tuple[Step, ...]:
    return tuple(Step(*pair) for pair in pairs)


DONE = "Your reference is"

BUTTONS = Script(
    name="buttons",
    steps=_steps(
        ("Are you happy to take part?", "Yes, start the survey", True),
        ("Do you live or work in Hertfordshire?", "Both", True),
        ("which of these have you used to contact", "101"),
        ("You have chosen: Calling 101", "Done", True),
        ("Was it your preferred way to get in touch?", "Yes", True),
        ("How easy was it to get in touch", "4", True),
        ("How satisfied were you with the outcome", "3", True),
        ("What would have made using the 101 phone line better?", "skip"),
        ("Is there a reason you did not use these?", "Skip this question", True),
        ("In future, how would you most like to contact the police", "Calling 101", True),
        ("Would you be interested in talking to a police officer by video?", "No", True),
        ("Why do you say that?", "skip"),
        ("how visible the police are in your area", "3", True),
        ("how easy it is to reach the police", "3", True),
        ("What changes would you like to see", "skip"),
        ("Which district or borough do you live in?", "Watford", True),
        ("How old are you?", "Prefer not to say", True),
        ("What is your sex?", "Female", True),
        ("Check your answers.", "Submit my answers", True),
    ),
    done=DONE,
    expected={
        ("connection", ""): "both",
        ("channels", ""): ["call_101"],
        ("preferred", "call_101"): "yes",
        ("ease", "call_101"): 4,
        ("satisfaction", "call_101"): 3,
        ("improve", "call_101"): None,
        ("why_not_used", ""): None,
        ("future_preference", ""): "call_101",
        ("video_interest", ""): "no",
        ("video_why", ""): None,
        ("visibility", ""): 3,
        ("accessibility", ""): 3,
        ("changes", ""): None,
        ("district", ""): "watford",
        ("age_band", ""): "prefer_not_to_say",
        ("sex", ""): "female",
    },
)

FREE_TEXT = Script(
    name="free text",
    steps=_steps(
        ("Are you happy to take part?", "yes please"),
        ("Do you live or work in Hertfordshire?", "I live and work here"),
        ("which of these have you used to contact", "I phoned 101 and used the website"),
        ("You used the Herts Police website. Was it your preferred", "yeah"),
        ("How easy was it to get in touch using the Herts Police website", "four"),
        ("How satisfied were you with the outcome", "3/5"),
        ("What would have made using the Herts Police website better?", "clearer forms"),
        ("You used the 101 phone line. Was it your preferred", "nope"),
        ("How easy was it to get in touch using the 101 phone line", "2"),
        ("How satisfied were you with the outcome", "one"),
        ("What would have made using the 101 phone line better?", "skip"),
        ("You did not use", "never needed the others"),
        ("In future, how would you most like to contact the police", "the website"),
        ("Would you be interested in talking to a police officer by video?", "not sure"),
        ("Why do you say that?", "I like seeing people face to face"),
        ("how visible the police are in your area", "3"),
        ("how easy it is to reach the police", "2 out of 5"),
        ("What changes would you like to see", "more PCSOs on foot"),
        ("Why would those changes help?", "people would feel safer"),
        ("Which district or borough do you live in?", "I live in Hemel"),
        ("How old are you?", "I'm 52"),
        ("What is your sex?", "skip"),
        ("Check your answers.", "submit"),
    ),
    done=DONE,
    expected={
        ("connection", ""): "both",
        ("channels", ""): ["website", "call_101"],
        ("preferred", "website"): "yes",
        ("ease", "website"): 4,
        ("satisfaction", "website"): 3,
        ("improve", "website"): "clearer forms",
        ("preferred", "call_101"): "no",
        ("ease", "call_101"): 2,
        ("satisfaction", "call_101"): 1,
        ("improve", "call_101"): None,
        ("why_not_used", ""): "never needed the others",
        ("future_preference", ""): "website",
        ("video_interest", ""): "maybe",
        ("video_why", ""): "I like seeing people face to face",
        ("visibility", ""): 3,
        ("accessibility", ""): 2,
        ("changes", ""): "more PCSOs on foot",
        ("changes_why", ""): "people would feel safer",
        ("district", ""): "dacorum",
        ("age_band", ""): "age_45_54",
        ("sex", ""): None,
    },
)

# survey-bot's residents: half tap buttons (typing a little), half type everything.
SURVEY_BOT = (BUTTONS, FREE_TEXT)

_TEN_ANSWERS = ("both", "101 and the website", "four", "3", "clearer forms")
_TEN_ANSWERS += ("the website", "not sure", "3", "Hemel", "52")

# The usual way asks ten questions in a row, each a text prompt that takes any text.
USUAL_QUESTIONS = (
    "Do you live or work in Hertfordshire?",
    "Which ways have you used to contact the police when it was not an emergency?",
    "How easy was it to get in touch?",
    "How satisfied were you with the outcome?",
    "What would have made it better?",
    "In future, how would you most like to contact the police?",
    "Would you be interested in talking to a police officer by video?",
    "How visible are the police in your area?",
    "Which district or borough do you live in?",
    "How old are you?",
)
USUAL_THANKS = "Thank you. We have recorded your {count} answers."

USUAL = Script(
    name="ten text prompts",
    steps=tuple(
        Step(f"Question {number} of {len(USUAL_QUESTIONS)}", answer)
        for number, answer in enumerate(_TEN_ANSWERS, start=1)
    ),
    done=USUAL_THANKS.format(count=len(USUAL_QUESTIONS)),
)

# The ceiling answers anything: the same messages, no questions.
CEILING = Script(
    name="echo",
    steps=tuple(Step("", answer) for answer in _TEN_ANSWERS),
    done="You said",
)
