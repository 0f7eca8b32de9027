"""The safety check runs on every message, wherever the resident is in the survey."""

from tests.dialogs.script import Resident

TO_CHANNELS = ("yes", "I live here")


def test_danger_before_consent_gets_999_then_the_welcome(resident: Resident) -> None:
    resident.says("someone is breaking into my house right now")
    assert "call 999" in resident.heard
    assert resident.phase == "consent"


def test_danger_at_a_choice_question_is_answered_then_the_question_repeats(
    resident: Resident,
) -> None:
    resident.says(*TO_CHANNELS, "there's a man with a knife outside my house")
    assert "call 999" in resident.heard
    assert resident.asked == "channels"
    assert "channels" not in resident.recorded
    assert resident.events["flags"] == ["danger"]
    resident.says("101")
    assert resident.recorded["channels"] == ["call_101"]


def test_self_harm_in_free_text_is_not_recorded_as_the_answer(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "101", "done", "yes", "2", "2")
    assert resident.asked == "improve"
    resident.says("honestly i want to end it all")
    assert "116 123" in resident.heard
    assert "improve|call_101" not in resident.recorded
    assert resident.state["flags"] == ["self_harm"]
    resident.says("shorter waits")
    assert resident.recorded["improve|call_101"] == "shorter waits"


def test_wanting_to_report_a_crime_is_pointed_to_101_at_the_summary(
    resident: Resident,
) -> None:
    resident.says(
        *TO_CHANNELS, "none", "skip", "101", "no", "skip", "3", "3", "skip", "skip", "skip"
    )
    assert resident.phase == "summary"
    resident.says("can I report my bike being stolen here")
    assert "101" in resident.heard
    assert resident.phase == "summary"


def test_ordinary_answers_about_the_past_do_not_set_it_off(resident: Resident) -> None:
    resident.says(*TO_CHANNELS, "101", "done", "yes", "2", "2")
    resident.says("I rang 101 to report a burglary last year and waited 40 minutes")
    assert resident.recorded["improve|call_101"].startswith("I rang 101")
    assert "999" not in resident.heard
    resident.says("the police should be more visible, there's been a lot of crime round here")
    assert "why_not_used" in resident.recorded
    assert resident.state["flags"] == []


def test_flags_raised_before_consent_reach_the_response_at_consent(resident: Resident) -> None:
    resident.says("my partner hits me")
    assert "0808 2000 247" in resident.heard
    resident.says("yes")
    assert resident.events["flags"] == ["domestic_abuse"]
