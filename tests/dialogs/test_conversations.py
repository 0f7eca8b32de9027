"""Conversation scripts: what residents type, and what the survey must do."""

from datetime import UTC, datetime

import pytest

from dialogs.schema import Survey
from tests.dialogs.script import Resident

TO_CHANNELS = ("yes", "I live here")


def finish_after_channels(resident: Resident) -> Resident:
    """Answer everything after the channel follow-ups, mostly skipping."""
    return resident.says(
        "calling 101", "maybe", "skip", "3", "2", "skip", "Watford", "prefer not to say", "skip"
    )


def test_the_welcome_says_it_is_automated_and_asks_for_consent(resident: Resident) -> None:
    assert "automated" in resident.heard
    assert "999" in resident.heard
    assert resident.phase == "consent"


def test_a_resident_who_used_only_101(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "I rang 101")
    assert resident.recorded["channels"] == ["call_101"]
    assert "You used the 101 phone line." in resident.heard
    resident.says("yes", "2", "one", "the wait was far too long")
    assert resident.recorded["preferred|call_101"] == "yes"
    assert resident.recorded["ease|call_101"] == 2
    assert resident.recorded["satisfaction|call_101"] == 1
    assert resident.recorded["improve|call_101"] == "the wait was far too long"
    assert resident.asked == "why_not_used"
    assert "webchat" in resident.heard
    resident.says("never needed them")
    finish_after_channels(resident)
    assert resident.phase == "summary"
    resident.says("submit")
    assert resident.events["status"] == "completed"
    assert "REF23456" in resident.heard


def test_a_resident_who_used_the_website_webchat_and_social_media(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "the website, webchat and facebook")
    assert resident.recorded["channels"] == ["website", "webchat", "social_media"]
    for channel in ("website", "webchat", "social_media"):
        assert resident.asked == "preferred"
        assert resident.state["at"][1] == channel
        resident.says("no", "4/5", "4 out of 5", "skip")
        assert resident.recorded[f"ease|{channel}"] == 4
    assert resident.asked == "why_not_used"


def test_a_resident_who_used_none_is_asked_no_follow_ups(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "none of these")
    assert resident.recorded["channels"] == ["none"]
    assert resident.asked == "why_not_used"
    resident.says("I have never needed to")
    assert resident.asked == "future_preference"


def test_going_back_shows_the_previous_answer_and_changing_it_keeps_the_rest(
    resident: Resident,
) -> None:
    resident.says(*TO_CHANNELS, "101", "done", "yes", "5")
    resident.says("back")
    assert resident.asked == "ease"
    assert "Your answer was: 5 out of 5" in resident.heard
    resident.says("back")
    assert resident.asked == "preferred"
    resident.says("no")
    assert resident.recorded["preferred|call_101"] == "no"
    assert resident.recorded["ease|call_101"] == 5
    assert resident.asked == "satisfaction"


def test_changing_the_channels_from_the_summary_drops_and_adds_follow_ups(
    resident: Resident,
) -> None:
    resident.says(*TO_CHANNELS, "101 and the website")
    resident.says("yes", "4", "4", "skip", "no", "2", "2", "skip", "skip")
    finish_after_channels(resident)
    assert resident.phase == "summary"
    row = next(
        line for line in resident.heard.splitlines() if "Ways you contacted the police" in line
    )
    resident.says(f"change {row.split('.')[0]}")
    assert resident.asked == "channels"
    resident.says("101 and email")
    assert "ease|website" not in resident.recorded
    assert resident.recorded["ease|call_101"] == 2
    assert resident.asked == "preferred"
    assert resident.state["at"][1] == "email_snt"
    resident.says("yes", "5", "5", "skip")
    assert resident.phase == "summary"
    assert "email to the Safer Neighbourhood Team: how easy: 5 out of 5" in resident.heard


def test_stopping_halfway_keeps_the_answers_and_resuming_carries_on(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "101", "done", "yes")
    resident.says("stop")
    assert resident.events["status"] == "abandoned"
    assert "kept" in resident.heard
    resident.says("hello")
    assert "continue" in resident.heard
    resident.says("continue")
    assert resident.events["status"] == "in_progress"
    assert resident.asked == "ease"
    assert resident.recorded["preferred|call_101"] == "yes"


def test_saying_no_to_consent_keeps_nothing(resident: Resident) -> None:
    resident.says("no thanks")
    assert resident.events.get("discard") is True
    assert "Nothing you sent has been kept" in resident.heard
    assert resident.recorded == {}


def test_a_tapped_channel_asks_for_others_until_done(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "Calling 101")
    assert "Choose any others" in resident.heard
    resident.says("Webchat")
    assert resident.recorded["channels"] == ["webchat", "call_101"]
    resident.says("done")
    assert resident.asked == "preferred"


def test_an_answer_not_understood_says_what_to_type(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "101", "done", "yes", "purple elephants")
    assert resident.heard.startswith("Choose a number from 1 to 5")
    assert "invalid" not in resident.heard.lower()
    assert resident.asked == "ease"


def test_three_misses_on_an_optional_question_offer_skip(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "none", "skip", "calling 101", "maybe", "skip", "3", "3", "skip")
    assert resident.asked == "district"
    resident.says("blue", "green", "red")
    assert "type skip" in resident.heard


def test_skip_on_a_required_question_says_it_needs_an_answer(resident: Resident) -> None:
    resident.says("yes", "skip")
    assert "needs an answer" in resident.heard
    assert resident.asked == "connection"


def test_help_explains_the_words_that_work_and_asks_again(resident: Resident) -> None:
    resident.says("yes", "help")
    assert "back, to go to the previous question" in resident.heard
    assert resident.asked == "connection"


def test_restart_asks_first_then_clears_the_answers(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "restart")
    assert "start again" in resident.heard
    resident.says("no")
    assert resident.asked == "channels"
    resident.says("restart", "yes")
    assert resident.asked == "connection"
    assert resident.recorded == {}


def test_progress_is_shown_with_each_question_and_the_total_never_jumps(
    resident: Resident,
) -> None:
    resident.says("yes")
    assert resident.outcome.messages[-1]["progress"] == "Question 1"
    resident.says("I live here", "101 and the website")
    totals = set()
    for answer in ("yes", "4", "4", "skip", "no", "2", "2", "skip", "skip", "calling 101"):
        progress = resident.outcome.messages[-1]["progress"]
        if " of " in progress:
            totals.add(progress.split(" of ")[1])
        resident.says(answer)
    # Shown once it is known, and then always the same.
    assert len(totals) == 1


def test_the_survey_says_when_it_opens_before_it_opens(survey: Survey) -> None:
    early = Resident(survey, now=datetime(2026, 11, 1, tzinfo=UTC))
    assert "opens on 23 November 2026" in early.heard
    late = Resident(survey, now=datetime(2027, 1, 5, tzinfo=UTC))
    assert "closed on 11 December 2026" in late.heard


def test_ages_typed_as_numbers_fall_in_their_band(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "none", "skip", "calling 101", "maybe", "skip", "3", "3", "skip")
    resident.says("Watford", "I'm 67")
    assert resident.recorded["age_band"] == "age_65_74"


def test_sex_is_asked_after_age_and_a_typed_answer_is_recorded(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "none", "skip", "calling 101", "maybe", "skip", "3", "3", "skip")
    resident.says("Watford", "I'm 67")
    assert resident.asked == "sex"
    assert "What is your sex?" in resident.heard
    resident.says("I'm a woman")
    assert resident.recorded["sex"] == "female"
    assert resident.phase == "summary"
    assert "Sex: Female" in resident.heard


def test_sex_can_be_skipped_and_nothing_is_recorded_for_it(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "none", "skip", "calling 101", "maybe", "skip", "3", "3", "skip")
    resident.says("Watford", "45 to 54", "skip")
    assert resident.phase == "summary"
    assert resident.recorded["sex"] is None
    assert resident.recorded["age_band"] == "age_45_54"


def test_sex_offers_prefer_not_to_say_which_is_recorded_as_its_own_answer(
    resident: Resident,
) -> None:
    resident.says(*TO_CHANNELS, "none", "skip", "calling 101", "maybe", "skip", "3", "3", "skip")
    resident.says("skip", "skip")
    assert resident.asked == "sex"
    buttons = [c["title"] for c in resident.outcome.messages[-1].get("choices", [])]
    assert buttons[:3] == ["Female", "Male", "Prefer not to say"]
    resident.says("rather not say")
    assert resident.recorded["sex"] == "prefer_not_to_say"
    resident.says("change sex", "male")
    assert resident.recorded["sex"] == "male"


def test_the_state_is_plain_json(resident: Resident) -> None:
    import json

    resident.says(*TO_CHANNELS, "101", "done", "yes", "4")
    assert json.loads(json.dumps(resident.state)) == resident.state


def test_coming_back_after_a_day_is_welcomed_back_at_the_question(survey: Survey) -> None:
    from datetime import timedelta

    resident = Resident(survey)
    resident.says(*TO_CHANNELS, "101", "done")
    resident.now += timedelta(days=1)
    resident.says("what was this about")
    assert resident.heard.startswith("Welcome back. Here is the question you were on.")
    assert resident.asked == "preferred"
    resident.says("yes")
    assert resident.recorded["preferred|call_101"] == "yes"


def test_coming_back_after_a_day_with_an_answer_records_it(survey: Survey) -> None:
    from datetime import timedelta

    resident = Resident(survey)
    resident.says(*TO_CHANNELS, "101", "done")
    resident.now += timedelta(days=1)
    resident.says("no")
    assert resident.recorded["preferred|call_101"] == "no"


def test_submit_works_after_starting_to_change_an_answer(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "none", "skip", "101", "no", "skip", "3", "3", "skip")
    resident.says("skip", "skip", "skip")
    assert resident.phase == "summary"
    resident.says("change", "submit")
    assert resident.events["status"] == "completed"


def test_a_typed_choice_is_read_back_so_a_wrong_reading_can_be_put_right(
    resident: Resident,
) -> None:
    resident.says("yes", "both really")
    assert resident.heard.startswith("I have put: Both. If that is not right, type back.")
    resident.says("I didn't use the website, just rang 101")
    assert "I have put: Calling 101." in resident.heard
    assert resident.recorded["channels"] == ["call_101"]
    resident.says("back")
    assert resident.asked == "channels"


def test_a_tapped_answer_or_a_rating_typed_as_its_number_is_not_read_back(
    resident: Resident,
) -> None:
    resident.says(*TO_CHANNELS)
    assert "I have put" not in resident.heard
    resident.says("101", "done", "yes", "4")
    assert "I have put" not in resident.heard
    resident.says("dead easy")
    assert resident.heard.startswith("I have put: 5 out of 5.")


@pytest.mark.parametrize(
    ("typed", "opens"),
    [
        ("change my answer to question 3", ["preferred", "website"]),
        ("change question 14", ["video_why", ""]),
        ("change district", ["district", ""]),
        ("change the district", ["district", ""]),
        ("i want to change number 18", ["district", ""]),
        ("change age", ["age_band", ""]),
    ],
)
def test_at_the_summary_an_answer_is_changed_by_its_number_or_its_name(
    resident: Resident, typed: str, opens: list[str]
) -> None:
    resident.says(*TO_CHANNELS, "101 and the website")
    resident.says("yes", "4", "4", "skip", "no", "2", "2", "skip", "skip")
    finish_after_channels(resident)
    assert resident.phase == "summary"
    resident.says(typed)
    assert resident.state["at"] == opens


def test_twice_not_understood_says_so_and_lists_the_answers_again(resident: Resident) -> None:
    resident.says("yes", "purple")
    assert "Sorry" not in resident.heard
    resident.says("purple again")
    assert resident.heard.startswith("Sorry, I did not understand that.")
    assert "1. I live here; 2. I work here; 3. Both; 4. Neither." in resident.heard
    assert resident.asked == "connection"


@pytest.mark.parametrize(
    "typed",
    ["I didn't actually use 101, that was a mistake", "pressed the wrong one", "never used it"],
)
def test_saying_a_way_was_not_used_after_all_takes_it_out_with_its_questions(
    resident: Resident, typed: str
) -> None:
    resident.says(*TO_CHANNELS, "101 and the website")
    assert resident.state["at"] == ["preferred", "website"]
    resident.says("yes", "4", "4", "skip")
    assert resident.state["at"] == ["preferred", "call_101"]
    resident.says(typed)
    assert "I have taken the 101 phone line out of your answers" in resident.heard
    assert resident.recorded["channels"] == ["website"]
    assert not any(key.endswith("|call_101") for key in resident.recorded)
    assert resident.asked not in ("preferred", "ease", "satisfaction", "improve")


def test_a_no_about_the_way_itself_is_still_an_answer(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "101", "done")
    resident.says("no, it was not my preferred way")
    assert resident.recorded["preferred|call_101"] == "no"
    assert resident.recorded["channels"] == ["call_101"]
