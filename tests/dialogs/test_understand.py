"""Answers understood however residents type them."""

import pytest

from dialogs.loader import DEFAULT_SURVEY, SurveyFileError, parse_survey
from dialogs.reading import NotUnderstood, Understood
from dialogs.schema import Survey
from dialogs.understand import understand


def read(survey: Survey, question_id: str, typed: str) -> object:
    reading = understand(survey.question(question_id), typed)
    return reading.value if isinstance(reading, Understood) else reading


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("I rang 101", ["call_101"]),
        ("phoned them", ["call_101"]),
        ("the website", ["website"]),
        ("101 and the website", ["website", "call_101"]),
        ("1, 3 and 5", ["website", "social_media", "email_snt"]),
        ("2&4", ["webchat", "call_101"]),
        ("all of them", ["website", "webchat", "social_media", "call_101", "email_snt",
                         "home_visit", "station"]),
        ("none of these", ["none"]),
        ("webiste", ["website"]),
        ("Calling 101", ["call_101"]),
        ("online chat", ["webchat"]),
        ("emailed the safer neighbourhood team", ["email_snt"]),
        ("went to the front counter at the station", ["station"]),
        ("a pcso came round to my house", ["home_visit"]),
    ],
)  # fmt: skip
def test_channels_are_understood_in_residents_words(
    survey: Survey, typed: str, expected: list[str]
) -> None:
    assert read(survey, "channels", typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("4", 4), ("four", 4), ("4/5", 4), ("4 out of 5", 4), ("a 4", 4), ("5 - Very easy", 5),
     ("very easy", 5), ("Very difficult", 1), ("2 stars", 2), ("fairly easy", 4),
     ("quite difficult", 2), ("it was ok", 3), ("easy", 4)],
)  # fmt: skip
def test_ratings_are_understood(survey: Survey, typed: str, expected: int) -> None:
    assert read(survey, "ease", typed) == expected


@pytest.mark.parametrize("typed", ["7", "0", "4 or 5", "purple"])
def test_ratings_out_of_range_say_what_to_type(survey: Survey, typed: str) -> None:
    reading = read(survey, "ease", typed)
    assert isinstance(reading, NotUnderstood)
    assert reading.message.startswith("Choose a number from 1 to 5")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("yeah", "yes"), ("Yep it was", "yes"), ("nope", "no"), ("nah", "no"),
     ("not really", "no"), ("not sure", "maybe"), ("maybe", "maybe"), ("dunno", "maybe"),
     ("Yes", "yes")],
)  # fmt: skip
def test_yes_no_and_maybe_are_understood(survey: Survey, typed: str, expected: str) -> None:
    assert read(survey, "video_interest", typed) == expected


def test_not_sure_is_not_an_answer_where_the_question_has_no_maybe(survey: Survey) -> None:
    reading = read(survey, "preferred", "not sure")
    assert isinstance(reading, NotUnderstood)
    assert reading.message == "Type yes or no."


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2", "work"), ("the second one", "work"), ("both", "both"),
     ("I live and work here", "both"), ("I live here", "live"), ("the last one", "neither")],
)  # fmt: skip
def test_single_choices_by_number_ordinal_or_words(
    survey: Survey, typed: str, expected: str
) -> None:
    assert read(survey, "connection", typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("St Albans", "st_albans"), ("hemel", "dacorum"), ("I live in Hitchin", "north_herts"),
     ("watfrod", "watford"), ("prefer not to say", "prefer_not_to_say")],
)  # fmt: skip
def test_districts_by_name_town_or_typo(survey: Survey, typed: str, expected: str) -> None:
    assert read(survey, "district", typed) == expected


def test_none_with_other_channels_asks_to_choose_none_alone(survey: Survey) -> None:
    reading = read(survey, "channels", "none and 101")
    assert isinstance(reading, NotUnderstood)
    assert "on its own" in reading.message


def test_free_text_over_the_limit_keeps_the_first_part_and_says_so(survey: Survey) -> None:
    reading = understand(survey.question("changes"), "x" * 1600)
    assert isinstance(reading, Understood)
    assert reading.value == "x" * 1500
    assert "1,600 characters long, so we kept the first 1,500" in reading.note


@pytest.mark.parametrize(
    ("question", "typed", "value"),
    [
        ("ease", "terrible", 1),
        ("ease", "very hard", 1),
        ("ease", "it was a nightmare", 1),
        ("ease", "not easy at all", 1),
        ("ease", "could be better", 2),
        ("ease", "not easy", 2),
        ("ease", "meh", 3),
        ("ease", "ok i guess", 3),
        ("ease", "about a two", 2),
        ("ease", "the third one", 3),
        ("ease", "easy", 4),
        ("ease", "dead easy", 5),
        ("satisfaction", "not terrible", 3),
        ("satisfaction", "spot on", 5),
        ("visibility", "rubbish", 1),
        ("accessibility", "pretty good", 4),
    ],
)
def test_ratings_in_words_are_read_as_meant(
    survey: Survey, question: str, typed: str, value: int
) -> None:
    assert read(survey, question, typed) == value


@pytest.mark.parametrize("typed", ["im forty two", "forty-two", "42", "I'm 42 years old"])
def test_ages_in_words_or_digits_find_their_band(survey: Survey, typed: str) -> None:
    assert read(survey, "age_band", typed) == "age_35_44"


def test_a_scrap_of_a_longer_name_names_nothing(survey: Survey) -> None:
    # "one oh one" is a way to say 101; "oh" on its own is not.
    assert isinstance(read(survey, "channels", "oh"), NotUnderstood)


@pytest.mark.parametrize(
    ("typed", "value"), [("god no", "no"), ("hell no never", "no"), ("yes, no complaints", "yes")]
)
def test_a_short_no_is_no_but_a_no_inside_a_sentence_is_not(
    survey: Survey, typed: str, value: str
) -> None:
    assert read(survey, "preferred", typed) == value


def test_a_story_with_no_in_it_is_not_read_as_no(survey: Survey) -> None:
    typed = "we were burgled in 2019 and the response was brilliant, no complaints"
    assert isinstance(read(survey, "preferred", typed), NotUnderstood)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("work in watford but live in london", "work"),
        ("commute in to stevenage every day", "work"),
        ("live and work in luton", "neither"),
        ("live in ware and work in hertford", "both"),
        ("I work in a shop in Hitchin", "work"),
        ("work at tesco in stevenage, live in bedford", "work"),
        ("neither, i live in luton", "neither"),
        ("I live in London", None),
        ("I study in Hatfield but live in London", None),
    ],
)
def test_where_a_resident_lives_and_works_is_judged_by_the_places_named(
    survey: Survey, typed: str, meant: str | None
) -> None:
    reading = understand(survey.question("connection"), typed)
    if meant is None:
        assert isinstance(reading, NotUnderstood)
    else:
        assert isinstance(reading, Understood)
        assert reading.value == meant
        assert not reading.tapped  # so it is read back


@pytest.mark.parametrize(
    ("question", "typed", "meant"),
    [
        ("visibility", "never see them round here", 1),
        ("visibility", "you see the odd pcso", 2),
        ("satisfaction", "never heard back from anyone", 1),
        ("accessibility", "101 takes forever to answer", 2),
        ("ease", "on hold for 45 mins, cut off", 1),
        ("satisfaction", "never had a problem", 4),
        ("ease", "never been easier", 5),
    ],
)
def test_a_rating_can_be_given_as_what_happened(
    survey: Survey, question: str, typed: str, meant: int
) -> None:
    reading = understand(survey.question(question), typed)
    assert isinstance(reading, Understood)
    assert reading.value == meant


def test_places_from_must_name_a_question_with_options() -> None:
    source = DEFAULT_SURVEY.read_text(encoding="utf-8").replace(
        'places_from = "district"', 'places_from = "changes"'
    )
    with pytest.raises(SurveyFileError, match="places_from names"):
        parse_survey(source)


@pytest.mark.parametrize(
    ("question", "typed", "meant"),
    [
        ("ease", "got passed round three departments", None),
        ("visibility", "one or two pcsos, poor", 2),
        ("ease", "gave it a 2, two calls needed", 2),
        ("ease", "4 stars", 4),
    ],
)
def test_a_number_that_counts_something_is_not_a_rating(
    survey: Survey, question: str, typed: str, meant: int | None
) -> None:
    reading = understand(survey.question(question), typed)
    if meant is None:
        assert isinstance(reading, NotUnderstood)
    else:
        assert isinstance(reading, Understood)
        assert reading.value == meant
