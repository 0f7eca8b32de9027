"""Typed answers recorded as the resident meant them, on answers written apart from the code.

`training/understanding/typed_answers.tsv` is the part the readers were tuned
on; `training/understanding/heldout/typed_answers.tsv` was written at the same
time, in other words, and is only ever measured.
`training/understanding/typed_answers_round2.tsv` was written later, in fresh
voices (text-speak, typos, negation, hedges, ratings and ages in words), and
measured before any change to the readers: 144 of 183 (79%) were recorded as
meant then. `training/understanding/typed_answers_round3.tsv` was written after
the readers were rewritten and measured before anything more changed: 64 of 70
(91%) then. Each line is a question id, what a resident typed, and what should
be recorded (`?` where the bot should ask again). The table prints each set's
figures, by question.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from dialogs.loader import load_survey
from dialogs.reading import Understood
from dialogs.schema import Kind, Survey
from dialogs.understand import understand

HERE = Path(__file__).resolve().parents[2] / "training" / "understanding"
SETS = {
    "tuned on": HERE / "typed_answers.tsv",
    "held out": HERE / "heldout" / "typed_answers.tsv",
    "round 2": HERE / "typed_answers_round2.tsv",
    "round 3": HERE / "typed_answers_round3.tsv",
}
# The target is 95% recorded as meant; these floors sit just under today's figures
# (99%, 94%, 99% and 99%), so a change that records fewer answers as meant fails here.
FLOOR = {"tuned on": 0.97, "held out": 0.92, "round 2": 0.97, "round 3": 0.97}
# The target's own set: answers written for it to the channels, rating and age questions.
OWN_SETS = ("round 2", "round 3")
TARGET_QUESTIONS = (
    "channels", "ease", "satisfaction", "visibility", "accessibility", "age_band",
)  # fmt: skip


def read_set(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def recorded(survey: Survey, question_id: str, typed: str) -> Any:
    """What the bot records for the typed answer, in the set's terms ("?" when it asks again),
    on the day the survey opens (for an age given as a year of birth)."""
    question = survey.question(question_id)
    reading = understand(question, typed, today=survey.opens)
    if not isinstance(reading, Understood):
        return "?"
    if question.kind is Kind.MULTIPLE_CHOICE:
        return frozenset(reading.value)
    return str(reading.value)


def expected(survey: Survey, question_id: str, value: str) -> Any:
    if value != "?" and survey.question(question_id).kind is Kind.MULTIPLE_CHOICE:
        return frozenset(v.strip() for v in value.split(","))
    return value.strip()


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, tuple[int, int]]]:
    survey = load_survey()
    table: dict[str, dict[str, tuple[int, int]]] = {}
    for name, path in SETS.items():
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for line in read_set(path):
            meant = expected(survey, line["question"], line["expected"])
            got = recorded(survey, line["question"], line["typed"])
            for key in (line["question"], "all"):
                counts[key][0] += got == meant
                counts[key][1] += 1
        table[name] = {key: (right, total) for key, (right, total) in counts.items()}
    return table


def test_prints_the_share_recorded_as_meant(
    figures: dict[str, dict[str, tuple[int, int]]], capsys: pytest.CaptureFixture[str]
) -> None:
    questions = [*sorted({q for column in figures.values() for q in column} - {"all"}), "all"]
    lines = [
        "typed answers recorded as meant",
        f"{'question':<18}" + "".join(f"{name:>16}" for name in figures),
    ]
    for question in questions:
        cells = []
        for column in figures.values():
            right, total = column.get(question, (0, 0))
            cells.append(f"{right:>5}/{total:<4} {right / total:>5.0%}" if total else "-")
        lines.append(f"{question:<18}" + "".join(f"{c:>16}" for c in cells))
    right, total = target(figures)
    lines.append(
        f"channels, ratings and ages in {' and '.join(OWN_SETS)}: {right}/{total} "
        f"{right / total:.0%}"
    )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert figures["held out"]["all"][1] >= 100


def target(figures: dict[str, dict[str, tuple[int, int]]]) -> tuple[int, int]:
    """Recorded as meant, and in all, for the target's questions in the sets written for it."""
    cells = [figures[name].get(q, (0, 0)) for name in OWN_SETS for q in TARGET_QUESTIONS]
    return sum(right for right, _ in cells), sum(total for _, total in cells)


def test_at_least_200_answers_to_the_target_questions_are_recorded_as_meant_95_times_in_100(
    figures: dict[str, dict[str, tuple[int, int]]],
) -> None:
    right, total = target(figures)
    assert total >= 200
    assert right / total >= 0.95


@pytest.mark.parametrize("name", list(SETS))
def test_typed_answers_are_recorded_as_meant(
    figures: dict[str, dict[str, tuple[int, int]]], name: str
) -> None:
    right, total = figures[name]["all"]
    assert right / total >= FLOOR[name]
