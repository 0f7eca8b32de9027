"""Every button's words, sent back as a message, mean what the button means.

Chat channels show a tapped button as the resident's message, so buttons send
their own words; the engine must read those words as the button's value.
"""

import pytest

from dialogs import render
from dialogs.reading import Understood
from dialogs.schema import Survey
from dialogs.understand import understand
from tests.dialogs.script import Resident


@pytest.mark.parametrize(
    "question_id",
    ["connection", "channels", "preferred", "ease", "future_preference", "video_interest",
     "visibility", "district", "age_band", "sex"],
)  # fmt: skip
def test_each_answer_button_reads_as_its_own_answer(survey: Survey, question_id: str) -> None:
    question = survey.question(question_id)
    for button in render.choices_for(question):
        if button["value"] == "skip":
            continue
        by_title = understand(question, button["title"])
        by_value = understand(question, button["value"])
        assert isinstance(by_title, Understood), button
        assert isinstance(by_value, Understood), button
        assert by_title.value == by_value.value, button


def test_the_conversations_own_buttons_work_by_their_words(survey: Survey) -> None:
    resident = Resident(survey)
    resident.says("Yes, start the survey", "Both", "Calling 101", "Done")
    assert resident.asked == "preferred"
    resident.says("Skip this question")
    assert "needs an answer" in resident.heard
    resident.says("restart", "No, carry on")
    assert resident.asked == "preferred"
    resident.says("restart", "Yes, start again")
    assert resident.asked == "connection"
    resident.says("delete my answers", "No, keep them")
    assert resident.asked == "connection"


def test_the_summary_buttons_work_by_their_words(survey: Survey) -> None:
    resident = Resident(survey)
    resident.says("yes", "Both", "None of these", "Skip this question", "Calling 101", "No")
    resident.says("Skip this question", "3 ", "3", "Skip this question")
    resident.says("Prefer not to say", "Prefer not to say", "Prefer not to say")
    assert resident.phase == "summary"
    resident.says("Change an answer")
    assert resident.phase == "choose_change"
    resident.says("Submit my answers")
    assert resident.events["status"] == "completed"
