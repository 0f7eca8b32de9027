"""The safety check runs on every message, wherever the resident is in the survey."""

from dialogs import engine
from dialogs.engine import _known_replies, needs_scores
from dialogs.safety import Scores
from dialogs.schema import Survey
from tests.dialogs.script import Resident

TO_CHANNELS = ("yes", "I live here")


def test_danger_before_consent_gets_999_then_the_welcome(resident: Resident) -> None:
    resident.says("someone is breaking into my house right now")
    assert "call 999" in resident.heard
    assert resident.phase == "consent"


def test_danger_in_the_very_first_message_is_flagged_once_they_take_part(survey: Survey) -> None:
    resident = Resident(survey)
    resident.state = engine.new_state(survey)
    resident.says("someone is breaking into my house right now")
    assert "call 999" in resident.heard
    assert resident.state["flags"] == ["danger"]
    resident.says("yes")
    assert resident.events["flags"] == ["danger"]


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
        *TO_CHANNELS, "none", "skip", "101", "no", "skip", "3", "3", "skip", "skip", "skip", "skip"
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


# With the learned classifier's scores -------------------------------------------


class Classifier:
    """A stand-in for the learned classifier: a fixed risk and category for every text."""

    def __init__(self, risk: float, category: str = "danger") -> None:
        self.risk = risk
        self.category = category
        self.seen: list[str] = []

    def predict(self, text: str) -> Scores:
        self.seen.append(text)
        return Scores({"none": 1 - self.risk, self.category: self.risk}, sure_at=0.9, maybe_at=0.5)


def test_a_confident_classifier_gives_the_full_advice_and_keeps_the_question(
    survey: Survey,
) -> None:
    resident = Resident(survey, classifier=Classifier(0.95, "self_harm"))
    resident.says(*TO_CHANNELS)
    resident.says("i have been saving my tablets for a while now")
    assert "116 123" in resident.heard
    assert resident.heard.count("Important") == 0  # the engine marks it; channels add words
    assert resident.asked == "channels"
    assert resident.state["flags"] == ["self_harm"]


def test_an_unsure_classifier_gives_one_short_line_and_the_survey_carries_on(
    survey: Survey,
) -> None:
    resident = Resident(survey, classifier=Classifier(0.6))
    resident.says(*TO_CHANNELS, "101", "done", "yes", "2", "2")
    resident.says("they hung up on me which was a bit much")
    first = resident.outcome.messages[0]
    assert first == {
        "kind": "text",
        "text": "If you or anyone is in danger now, call 999.",
        "urgent": True,
    }
    assert resident.recorded["improve|call_101"] == "they hung up on me which was a bit much"
    assert resident.asked == "why_not_used"
    assert "unsure" in resident.state["flags"]


def test_a_low_risk_gives_no_safety_reply(survey: Survey) -> None:
    resident = Resident(survey, classifier=Classifier(0.1))
    resident.says(*TO_CHANNELS, "the website and 101 mostly")
    assert "999" not in resident.heard
    assert resident.state["flags"] == []


def test_the_rules_still_catch_what_the_classifier_misses(survey: Survey) -> None:
    resident = Resident(survey, classifier=Classifier(0.0))
    resident.says(*TO_CHANNELS, "theres a man with a knife outside")
    assert "call 999" in resident.heard
    assert resident.state["flags"] == ["danger"]


def test_taps_and_the_surveys_own_words_skip_the_classifier(survey: Survey) -> None:
    classifier = Classifier(0.0)
    resident = Resident(survey, classifier=classifier)
    resident.says("Yes, start the survey", "I live here", "Calling 101", "Done", "yes", "4")
    resident.says("skip", "back", "3", "not sure", "forty two")
    assert classifier.seen == []
    resident.says("it took forever to get through")
    assert classifier.seen == ["it took forever to get through"]


def test_needs_scores_is_false_for_empty_text_and_commands(survey: Survey) -> None:
    assert not needs_scores(survey, "")
    assert not needs_scores(survey, "  HELP ")
    assert not needs_scores(survey, "Watford")
    assert needs_scores(survey, "someone keeps trying my door handle")


def test_numbers_of_any_size_need_no_scores_and_are_not_listed(survey: Survey) -> None:
    assert not needs_scores(survey, "999999")
    assert not needs_scores(survey, " 3 ")
    # A choice question allows up to a million answers; listing them took seconds and 100 MB.
    assert len(_known_replies(survey)) < 10_000
