"""The theme model: grouping answers, labelling groups, sorting new answers."""

from __future__ import annotations

from bot.language import Language
from bot.language.themes import label_from_words, words_only

WAITING = [
    "101 takes forever to answer",
    "waited an hour on 101",
    "answer 101 faster",
    "the 101 queue is far too long",
    "shorter waits on 101",
    "I gave up waiting on 101",
]
PATROLS = [
    "more police officers on the streets",
    "bring back bobbies on the beat",
    "more PCSOs walking round the town",
    "I never see police patrols in my village",
    "visible police on foot",
    "police patrolling the estate at night",
]


def test_redaction_tags_are_not_words() -> None:
    assert words_only("I rang [name] on [phone] twice") == "I rang on twice"
    label = label_from_words(
        ["[name] said ring 101", "[name] never rang back, 101 is slow", "101 [name]"],
        ["more patrols please", "open the station"],
    )
    assert "name" not in label.lower()
    assert "101" in label


def test_answers_about_different_things_fall_into_different_themes(language: Language) -> None:
    found = language.themes.group(WAITING + PATROLS)

    groups = [set(members) for _, members in found]
    assert len(groups) == 2
    assert set(range(len(WAITING))) in groups


def test_a_new_answer_can_carry_two_themes_and_one_of_only_tags_none(language: Language) -> None:
    examples = {"waiting": WAITING, "patrols": PATROLS}

    both, one, neither = language.themes.assign(
        examples,
        [
            "answer 101 faster. More police patrols on the streets",
            "the 101 line keeps you waiting for ages",
            "[name] [phone]",
        ],
    )

    assert set(both) == {"waiting", "patrols"}
    assert set(one) == {"waiting"}
    assert neither == {}


def test_the_answer_nearest_the_middle_is_the_most_typical(language: Language) -> None:
    texts = [*WAITING[:4], "my cat likes sitting on the windowsill"]

    closeness = language.themes.closeness(texts)

    assert min(range(len(texts)), key=lambda i: closeness[i]) == len(texts) - 1
