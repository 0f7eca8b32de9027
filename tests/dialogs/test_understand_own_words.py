"""Answers in residents' own words: slips, denials, ratings and ages in words, spans."""

from datetime import date

import pytest

from dialogs.ages import age_span
from dialogs.numbers import number_word
from dialogs.reading import NotUnderstood, Understood
from dialogs.schema import Survey
from dialogs.spelling import close, normalise
from dialogs.understand import understand
from tests.dialogs.script import Resident


def read(survey: Survey, question_id: str, typed: str, today: date | None = None) -> object:
    reading = understand(survey.question(question_id), typed, today=today)
    return reading.value if isinstance(reading, Understood) else None


@pytest.mark.parametrize(
    ("typed", "wanted"),
    [("eazy", "easy"), ("dificult", "difficult"), ("disapointed", "disappointed"),
     ("insta", "instagram"), ("cty", "city"), ("webiste", "website")],
)  # fmt: skip
def test_a_slip_in_a_word_still_finds_it(typed: str, wanted: str) -> None:
    assert close(typed, wanted)


@pytest.mark.parametrize(
    ("typed", "wanted"), [("hope", "home"), ("face", "facebook"), ("sire", "site")]
)
def test_a_different_short_word_is_not_a_slip(typed: str, wanted: str) -> None:
    assert not close(typed, wanted)


def test_a_short_word_near_a_judging_word_does_not_judge(survey: Survey) -> None:
    assert read(survey, "ease", "oh god it was awful") == 1  # "god" is not "good"
    assert read(survey, "ease", "it had a lot of steps") is None  # "had" is not "hard"


def test_slashes_between_words_part_them_but_a_rating_keeps_its_own() -> None:
    assert normalise("101/website") == "101 website"
    assert normalise("4/5") == "4/5"
    assert normalise("N/A") == "na"
    assert normalise("3ish") == "3"


@pytest.mark.parametrize(
    ("typed", "value"),
    [("fourty", 40), ("sixtyfive", 65), ("fourtyfive", 45), ("fourish", 4), ("there", None),
     ("sixth", None)],
)  # fmt: skip
def test_number_words_misspelt_or_run_together(typed: str, value: int | None) -> None:
    assert number_word(typed) == value


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("the chat on the herts police website", ["webchat"]),
        ("rang 101 from home", ["call_101"]),
        ("i called 999 and then 101", ["call_101"]),
        ("filled in the webform and they emailed me back", ["website"]),
        ("went online", ["website"]),
        ("101 / facebook", ["social_media", "call_101"]),
        ("i never contacted them", ["none"]),
        ("not needed to this year", ["none"]),
        ("n/a", ["none"]),
        ("not 101, i used the facebook page", ["social_media"]),
        ("the website was hard to use on my phone", ["website"]),
        ("rang them on my mobile", ["call_101"]),
        ("webchat, but video chat would be better", ["webchat"]),
    ],
)
def test_channels_named_in_passing_are_not_counted(
    survey: Survey, typed: str, meant: list[str]
) -> None:
    assert read(survey, "channels", typed) == meant


@pytest.mark.parametrize(
    "typed", ["i dont know", "cant remember", "i dont understand", "i hope not"]
)
def test_an_answer_that_says_nothing_used_must_say_so(survey: Survey, typed: str) -> None:
    assert read(survey, "channels", typed) is None


@pytest.mark.parametrize(
    ("question", "typed", "meant"),
    [
        ("ease", "pretty awful", 2),
        ("ease", "really tricky", 1),
        ("ease", "not hard", 4),
        ("ease", "not difficult at all", 4),
        ("ease", "i reckon about a 3", 3),
        ("ease", "a breeze", 5),
        ("satisfaction", "not awful", 3),
        ("satisfaction", "not very happy", 2),
        ("satisfaction", "well chuffed", 5),
        ("satisfaction", "fairly unhappy", 2),
        ("accessibility", "id give it 4 out of 5", 4),
        ("visibility", "we see them all the time", 5),
        ("visibility", "not often", 2),
        ("ease", "couldnt have been more difficult", 1),
        ("satisfaction", "couldnt be more helpful", 5),
        ("satisfaction", "couldnt be happier", 5),
        ("satisfaction", "upset with the response", 2),
        ("satisfaction", "mediocre at best", 2),
    ],
)
def test_ratings_in_words_are_moved_by_the_words_before_them(
    survey: Survey, question: str, typed: str, meant: int
) -> None:
    assert read(survey, question, typed) == meant


@pytest.mark.parametrize("typed", ["good but slow", "easy but a faff", "3 or 4", "3.5"])
def test_a_rating_that_pulls_both_ways_is_asked_again(survey: Survey, typed: str) -> None:
    assert read(survey, "ease", typed) is None


@pytest.mark.parametrize(
    ("typed", "span"),
    [("late thirties", (37, 39)), ("early 50s", (50, 53)), ("mid to late forties", (44, 49)),
     ("forty something", (40, 49)), ("70+", (70, 120)), ("over 70", (71, 120)),
     ("under 21", (0, 20)), ("nearly 30", (29, 29)), ("coming up to 65", (64, 64)),
     ("18-24", (18, 24)), ("born 1990", (35, 36)), ("half way to 80", (40, 40))],
)  # fmt: skip
def test_an_age_is_read_as_the_span_it_could_mean(typed: str, span: tuple[int, int]) -> None:
    assert age_span(normalise(typed).replace("+", " +").split(), date(2026, 11, 23)) == span


@pytest.mark.parametrize(
    ("typed", "band"),
    [("late thirties", "age_35_44"), ("over 75", "age_75_plus"), ("nearly 55", "age_45_54"),
     ("70 or over", None), ("in my sixties", None), ("mid thirties", None)],
)  # fmt: skip
def test_an_age_is_put_in_a_band_only_when_the_whole_span_fits(
    survey: Survey, typed: str, band: str | None
) -> None:
    assert read(survey, "age_band", typed) == band


def test_a_year_of_birth_needs_the_day_of_the_turn(survey: Survey) -> None:
    assert read(survey, "age_band", "born in 1990", today=date(2026, 11, 28)) == "age_35_44"
    assert read(survey, "age_band", "born in 1990") is None


def test_an_age_that_could_be_two_bands_names_both(survey: Survey) -> None:
    reading = understand(survey.question("age_band"), "65+")
    assert isinstance(reading, NotUnderstood)
    assert "65 to 74" in reading.message
    assert "75 or over" in reading.message


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("no", "neither"), ("live here but work in london", "live"), ("im from harpenden", "live"),
     ("i work there but live elsewhere", "work"), ("dont live or work in herts", "neither"),
     ("no, i live in hitchin", None)],
)  # fmt: skip
def test_where_a_resident_lives_and_works_in_their_own_words(
    survey: Survey, typed: str, meant: str | None
) -> None:
    reading = understand(survey.question("connection"), typed)
    if meant is None:
        assert isinstance(reading, NotUnderstood)
    else:
        assert isinstance(reading, Understood)
        assert (reading.value, reading.tapped) == (meant, False)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("i guess so", "yes"), ("deffo", "yes"), ("definately", "yes"), ("i wouldnt mind", "yes"),
     ("of course not", "no"), ("not interested", "no"), ("id rather not", "no"),
     ("im not sure", "maybe"), ("i dont know", "maybe"), ("yeah maybe", "maybe")],
)  # fmt: skip
def test_yes_and_no_hedged_or_misspelt(survey: Survey, typed: str, meant: str) -> None:
    assert read(survey, "video_interest", typed) == meant


def test_a_yes_taken_back_by_what_follows_is_asked_again(survey: Survey) -> None:
    assert read(survey, "preferred", "it was the only way i knew") is None


def test_an_age_in_words_is_read_back(resident: Resident) -> None:
    resident.says("yes", "I live here", "none", "skip", "calling 101", "maybe", "skip", "3", "3")
    resident.says("skip", "Watford")
    assert resident.asked == "age_band"
    resident.says("late forties")
    assert resident.heard.startswith("I have put: 45 to 54. If that is not right, type back.")
    assert resident.recorded["age_band"] == "age_45_54"


@pytest.mark.parametrize("typed", ["x" * 100_000, "i rang 101 " * 10_000])
def test_a_story_far_longer_than_an_answer_is_asked_again_at_once(
    survey: Survey, typed: str
) -> None:
    for question_id in ("channels", "connection", "ease", "age_band", "video_interest"):
        assert read(survey, question_id, typed) is None
