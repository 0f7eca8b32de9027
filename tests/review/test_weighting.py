"""Raking respondents to population margins, and Kish's effective sample size."""

from __future__ import annotations

import random

import pytest

from bot.review.weighting import effective_size, rake


def people(*rows: tuple[str | None, str | None]) -> list[dict[str, str | None]]:
    return [{"sex": sex, "age": age} for sex, age in rows]


def test_a_hand_worked_example_with_two_margins() -> None:
    """Six respondents: four women (two young, two old) and two men (one young, one old).

    The population is half women, half men, and a quarter young.

    Sex first. Women hold 4 of the 6 weight and should hold 3: each woman gets
    3 / 4 = 0.75. Men hold 2 and should hold 3: each man gets 3 / 2 = 1.5.
    Then age. Young weight is now 0.75 + 0.75 + 1.5 = 3 and should be a quarter
    of 6 = 1.5, so young weights halve; old weight is 3 and should be 4.5, so
    old weights rise by 1.5 times:
        young woman 0.375, old woman 1.125, young man 0.75, old man 2.25.
    Sex still matches (women: 0.375 * 2 + 1.125 * 2 = 3), so one round is enough.
    Effective size: (sum w)^2 / sum w^2 = 36 / (2 * 0.140625 + 2 * 1.265625
    + 0.5625 + 5.0625) = 36 / 8.4375 = 64 / 15, about 4.27.
    """
    group = people(
        ("female", "young"), ("female", "young"), ("female", "old"), ("female", "old"),
        ("male", "young"), ("male", "old"),
    )  # fmt: skip
    margins = {"sex": {"female": 500, "male": 500}, "age": {"young": 250, "old": 750}}

    raking = rake(group, margins)

    assert raking.weights == pytest.approx([0.375, 0.375, 1.125, 1.125, 0.75, 2.25])
    assert raking.converged
    assert raking.iterations == 1
    assert effective_size(raking.weights) == pytest.approx(64 / 15)


def test_weights_converge_to_every_margin_on_a_tangled_sample() -> None:
    chance = random.Random(7)
    sexes, ages = ["female", "male"], ["young", "middle", "old"]
    group = [
        {"sex": chance.choice(sexes), "age": chance.choices(ages, [5, 3, 1])[0]} for _ in range(300)
    ]
    margins = {
        "sex": {"female": 520, "male": 480},
        "age": {"young": 300, "middle": 400, "old": 300},
    }

    raking = rake(group, margins, tolerance=1e-9)

    assert raking.converged
    assert raking.iterations > 1
    assert sum(raking.weights) == pytest.approx(300)
    for name, population in margins.items():
        for category, count in population.items():
            pairs = zip(raking.weights, group, strict=True)
            share = sum(w for w, p in pairs if p[name] == category)
            assert share / 300 == pytest.approx(count / 1000, abs=1e-8)


def test_margins_that_cannot_all_be_met_stop_and_say_they_did_not_converge() -> None:
    # Every woman is young and every man old, so sex and age cannot be matched apart.
    group = people(("female", "young"), ("male", "old"))
    margins = {"sex": {"female": 1, "male": 1}, "age": {"young": 1, "old": 3}}

    raking = rake(group, margins, max_iterations=25)

    assert not raking.converged
    assert raking.iterations == 25


def test_prefer_not_to_say_and_skipped_answers_keep_their_weight_on_that_margin() -> None:
    """Two women, one man, one who preferred not to say, one who skipped; population 50/50.

    The three who answered hold 3 of the weight: women should hold 1.5 (0.75 each)
    and the man 1.5. The other two keep a weight of 1, so the total stays 5.
    """
    group = [{"sex": "female"}, {"sex": "female"}, {"sex": "male"}]
    group += [{"sex": "prefer_not_to_say"}, {"sex": None}]

    raking = rake(group, {"sex": {"female": 100, "male": 100}})

    assert raking.weights == pytest.approx([0.75, 0.75, 1.5, 1.0, 1.0])
    assert sum(raking.weights) == pytest.approx(5)


def test_a_group_with_nobody_in_it_is_named_and_its_share_goes_to_the_others() -> None:
    """Watford 50, Stevenage 30, Dacorum 20; two respondents each in Watford and Dacorum.

    Nobody is from Stevenage, so its share is left out: Watford should hold 50/70
    of the 4, 2.857..., or 10/7 each; Dacorum 20/70 of 4, or 4/7 each.
    """
    group = [{"district": d} for d in ("watford", "watford", "dacorum", "dacorum")]
    margins = {"district": {"watford": 50, "stevenage": 30, "dacorum": 20}}

    raking = rake(group, margins)

    assert raking.weights == pytest.approx([10 / 7, 10 / 7, 4 / 7, 4 / 7])
    assert raking.empty == {"district": ["stevenage"]}


def test_no_margins_or_nobody_to_weigh_leaves_everyone_at_one() -> None:
    assert rake(people(("female", "old")), {}).weights == [1.0]
    assert rake([], {"sex": {"female": 1}}).weights == []


def test_the_effective_size_of_equal_weights_is_the_number_of_respondents() -> None:
    assert effective_size([1.0] * 40) == pytest.approx(40)
    assert effective_size([2.0, 0.0]) == pytest.approx(1)
    assert effective_size([]) == 0
