"""Measure the safety check against labelled messages, plus one-behaviour tests.

The labelled set holds messages residents might type: calls for help in each
category and ordinary survey answers, many of them using the same alarming
words about the past, in jest, or about the police service. Targets:

- every "danger" message classifies as DANGER;
- every other category is caught at least 90% of the time, where a more urgent
  category also counts as caught (its reply still gets the resident help);
- at most one ordinary answer in fifty is flagged as anything.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dialogs.safety import PRIORITY, SAFE, Category, Scores, Verdict, assess, classify

DATA = Path(__file__).parent.parent / "data" / "safety_messages.tsv"
NONE = "none"
MIN_MESSAGES = {
    Category.DANGER: 25,
    Category.SELF_HARM: 15,
    Category.DOMESTIC_ABUSE: 15,
    Category.CHILD: 15,
    Category.REPORT: 15,
    NONE: 80,
}
MIN_RECALL = 0.9
MAX_FALSE_ALARM_RATE = 1 / 50


@dataclass(frozen=True)
class Outcome:
    """One labelled message and what the check made of it."""

    label: str
    text: str
    got: Category | None

    @property
    def caught(self) -> bool:
        """True when the check's answer is good enough for the label."""
        if self.label == NONE:
            return self.got is None
        if self.label == Category.DANGER or self.got is None:
            return self.got == self.label
        # A more urgent category still sends the resident to help.
        return PRIORITY.index(self.got) <= PRIORITY.index(Category(self.label))


def _read_labelled() -> Iterator[tuple[str, str]]:
    """(label, text) pairs from the labelled set."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            yield row["label"], row["text"]


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    """Every labelled message, classified."""
    return [Outcome(label, text, classify(text)) for label, text in _read_labelled()]


def _of(outcomes: list[Outcome], label: str) -> list[Outcome]:
    """The outcomes for messages labelled `label`."""
    return [outcome for outcome in outcomes if outcome.label == label]


def _false_alarms(outcomes: list[Outcome], category: Category) -> int:
    """Ordinary answers classified as `category`."""
    return sum(1 for outcome in _of(outcomes, NONE) if outcome.got == category)


def _table(outcomes: list[Outcome]) -> str:
    """The measured figures, one line per category."""
    lines = [
        f"safety check on {len(outcomes)} labelled messages",
        f"{'category':<16}{'messages':>9}{'caught':>8}{'recall':>8}{'false alarms':>14}",
    ]
    for category in PRIORITY:
        mine = _of(outcomes, category)
        caught = sum(outcome.caught for outcome in mine)
        recall = caught / len(mine) if mine else 0.0
        alarms = _false_alarms(outcomes, category)
        lines.append(f"{category:<16}{len(mine):>9}{caught:>8}{recall:>8.3f}{alarms:>14}")
    ordinary = _of(outcomes, NONE)
    flagged = sum(not outcome.caught for outcome in ordinary)
    lines.append(
        f"{NONE:<16}{len(ordinary):>9}{len(ordinary) - flagged:>8}"
        f"{'':>8}{f'{flagged} ({flagged / len(ordinary):.1%})':>14}"
    )
    return "\n".join(lines)


def test_prints_the_measured_figures(
    outcomes: list[Outcome], capsys: pytest.CaptureFixture[str]
) -> None:
    table = _table(outcomes)
    with capsys.disabled():
        print("\n" + table)
    assert table.count("\n") == len(PRIORITY) + 2


def test_the_labelled_set_has_enough_of_each_label(outcomes: list[Outcome]) -> None:
    short = {
        str(label): len(_of(outcomes, label))
        for label, least in MIN_MESSAGES.items()
        if len(_of(outcomes, label)) < least
    }
    assert not short, f"too few labelled messages: {short}"
    assert {outcome.label for outcome in outcomes} <= {str(label) for label in MIN_MESSAGES}


def test_every_danger_message_is_danger(outcomes: list[Outcome]) -> None:
    missed = [(o.text, o.got) for o in _of(outcomes, Category.DANGER) if not o.caught]
    assert not missed


@pytest.mark.parametrize(
    "category",
    [Category.SELF_HARM, Category.CHILD, Category.DOMESTIC_ABUSE, Category.REPORT],
)
def test_category_recall_is_at_least_ninety_percent(
    outcomes: list[Outcome], category: Category
) -> None:
    mine = _of(outcomes, category)
    missed = [(o.text, o.got) for o in mine if not o.caught]
    assert 1 - len(missed) / len(mine) >= MIN_RECALL, missed


def test_at_most_one_in_fifty_ordinary_answers_is_flagged(outcomes: list[Outcome]) -> None:
    ordinary = _of(outcomes, NONE)
    flagged = [(o.text, o.got) for o in ordinary if not o.caught]
    assert len(flagged) / len(ordinary) <= MAX_FALSE_ALARM_RATE, flagged


# One behaviour each ----------------------------------------------------------


def test_past_burglary_report_is_not_an_alarm() -> None:
    assert classify("I rang 101 to report a burglary last year and waited 40 minutes") is None


def test_knife_outside_is_danger() -> None:
    assert classify("theres a man with a knife outside") == Category.DANGER


def test_knife_in_the_past_is_not_danger() -> None:
    text = "a man with a knife was arrested near my house a few weeks ago"
    assert classify(text) is None


def test_past_tense_elsewhere_in_the_message_does_not_cancel_danger() -> None:
    text = "theres a man with a knife outside and he was shouting"
    assert classify(text) == Category.DANGER


def test_an_old_story_does_not_hide_danger_now() -> None:
    text = "he hit me last year and now hes outside with a knife"
    assert classify(text) == Category.DANGER


def test_hitting_right_now_is_danger_before_domestic_abuse() -> None:
    assert classify("he's hitting me right now") == Category.DANGER


def test_partner_hitting_is_domestic_abuse() -> None:
    assert classify("my partner hits me") == Category.DOMESTIC_ABUSE


def test_wanting_to_kill_myself_is_self_harm() -> None:
    assert classify("i want to kill myself") == Category.SELF_HARM


def test_not_wanting_to_die_is_not_self_harm() -> None:
    assert classify("i dont want to die waiting on hold lol") is None


def test_parent_hitting_a_child_is_child_at_risk_before_domestic_abuse() -> None:
    assert classify("my dad hits me and my little brother") == Category.CHILD


def test_text_speak_break_in_is_danger() -> None:
    assert classify("someones breakin in2 my house rn") == Category.DANGER


def test_stretched_letters_and_capitals_are_understood() -> None:
    assert classify("HELLLP ME PLEEEASE") == Category.DANGER


def test_curly_apostrophes_are_understood() -> None:
    assert classify("he\u2019s choking me") == Category.DANGER


def test_being_followed_is_danger() -> None:
    assert classify("im being followed") == Category.DANGER


def test_asking_to_report_a_stolen_bike_is_a_report() -> None:
    assert classify("can i report my bike stolen here") == Category.REPORT


def test_a_report_made_online_before_is_not_a_report() -> None:
    assert classify("reported a stolen car online, it was easy") is None


def test_saying_not_in_danger_is_not_danger() -> None:
    assert classify("im not in danger i just wanted to say 101 is slow") is None


@pytest.mark.parametrize(
    "text",
    [
        "killing time on hold for an hour",
        "I'm dying to see more PCSOs",
        "the website is a nightmare",
        "101 takes forever",
        "the wait times are killing me",
        "whats the point in reporting anything",
    ],
)
def test_figures_of_speech_are_not_alarms(text: str) -> None:
    assert classify(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "help, which box do I tick if I don't use social media",
        "help is what I wanted from 101, and I got hold music",
        "help!! forty minutes in the queue on 101 over a stolen bike",
        "help, cant work out how to log in to the online form",
        "help, my son is typing this for me, we are fine, I just prefer phoning",
        "I'm in danger of being late for work so I'll keep this short",
        "I'm tied up with childcare until 3, so mornings are out",
        "an overdose of bureaucracy is what's wrong with policing",
        "my husband hit the roof when he saw how long we'd been on hold",
        "my partner beat me at scrabble again",
        "domestic abuse funding should be ring fenced",
    ],
)
def test_idioms_and_talk_about_services_are_not_alarms(text: str) -> None:
    assert classify(text) is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("help hes in the house", Category.DANGER),
        ("help he is outside the window with a bat", Category.DANGER),
        ("help theres a man in my garden with a torch", Category.DANGER),
        ("we are in danger of being killed", Category.DANGER),
        ("I am tied up in the basement", Category.DANGER),
        ("he has locked me in the flat", Category.DANGER),
        ("I've taken an overdose of my insulin", Category.SELF_HARM),
        ("i took an overdose", Category.SELF_HARM),
        ("my husband hit me last night", Category.DOMESTIC_ABUSE),
        ("I'm in an abusive relationship", Category.DOMESTIC_ABUSE),
    ],
)
def test_the_same_words_still_count_when_they_mean_it(text: str, category: Category) -> None:
    assert classify(text) == category


@pytest.mark.parametrize("text", ["", "   ", "?!", "yes", "45-54"])
def test_empty_and_short_answers_are_not_alarms(text: str) -> None:
    assert classify(text) is None


def test_category_values_are_the_reply_keys() -> None:
    assert [str(category) for category in PRIORITY] == [
        "danger",
        "self_harm",
        "child_at_risk",
        "domestic_abuse",
        "report_crime",
    ]


# The classifier overruling the rules whose phrases have an everyday sense.


def _sure_it_is_ordinary() -> Scores:
    """A classifier sure the message is an ordinary answer."""
    return Scores({"none": 0.999, "danger": 0.001}, sure_at=0.9, maybe_at=0.5, clear_below=0.05)


@pytest.mark.parametrize(
    "text",
    [
        "my wife will kill me if I'm late for tea",
        "the young lads carrying knives round here is a parenting problem",
        "i think coercive control being a crime now is a good thing",
    ],
)
def test_a_sure_classifier_overrules_a_phrase_with_an_everyday_sense(text: str) -> None:
    assert classify(text) is not None  # the rule alone would fire
    assert assess(text) != SAFE  # and does, without a classifier
    assert assess(text, _sure_it_is_ordinary()) == SAFE


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("i want to kill myself", Category.SELF_HARM),
        ("please help me now", Category.DANGER),
        ("my partner is violent and I'm scared of him", Category.DOMESTIC_ABUSE),
        ("I'm hiding in the bathroom", Category.DANGER),
    ],
)
def test_no_classifier_overrules_the_explicit_phrases(text: str, category: Category) -> None:
    assert assess(text, _sure_it_is_ordinary()) == Verdict(category)


def test_an_unsure_classifier_leaves_the_everyday_phrases_to_the_rules() -> None:
    unsure = Scores({"none": 0.9, "danger": 0.1}, sure_at=0.9, maybe_at=0.5, clear_below=0.05)
    assert assess("my wife will kill me if I'm late for tea", unsure) == Verdict(Category.DANGER)
