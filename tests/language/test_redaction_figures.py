"""Redaction with the shipped names lists and gazetteer, on examples it was not tuned on.

Prints a table for the held-out split of `training/redaction/*.tsv` and for
the independent set. Targets: at least 95% of personal details absent from
what is stored; at most 3% of ordinary place names, numbers and dates changed.
"""

from __future__ import annotations

import re

import pytest

from bot.language import Language
from bot.language.corpus import in_heldout_split, redaction_corpus, redaction_independent
from tests.language.figures import RedactionFigures, _leaked, redaction_figures, redaction_table

MONTHS = re.compile(
    r"(?i:jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?"
    r"|oct(ober)?|nov(ember)?|dec(ember)?)$"
)
# Just under the figures measured (95.6% and 96.3%), so that a change for the worse shows.
# Measuring a few thousand examples is slow on a busy machine: well past the usual limit.
pytestmark = pytest.mark.timeout(900)
FLOOR_REMOVED = {"held-out split": 0.95, "independent set": 0.955}
CEILING_CLEAN_CHANGED = 0.04
CEILING_CHANGED = 0.03


@pytest.fixture(scope="module")
def figures(language: Language) -> dict[str, RedactionFigures]:
    places = {word for place in language.redactor.lexicon.places for word in place.split()}

    def keep(word: str) -> bool:
        return bool(re.search(r"\d", word)) or word.lower() in places or bool(MONTHS.match(word))

    split = [e for e in redaction_corpus() if in_heldout_split(e.text)]
    redact = language.redactor.redact
    return {
        "held-out split": redaction_figures(split, redact, keep),
        "independent set": redaction_figures(redaction_independent(), redact, keep),
    }


def test_prints_the_figures_on_examples_it_was_not_tuned_on(
    figures: dict[str, RedactionFigures], capsys: pytest.CaptureFixture[str]
) -> None:
    table = redaction_table(figures)
    with capsys.disabled():
        print("\n" + table)
    assert "name removed" in table


@pytest.mark.parametrize("column", ["held-out split", "independent set"])
def test_personal_details_are_removed(figures: dict[str, RedactionFigures], column: str) -> None:
    assert figures[column].removed >= FLOOR_REMOVED[column]


@pytest.mark.parametrize("column", ["held-out split", "independent set"])
def test_answers_with_no_personal_details_are_rarely_changed(
    figures: dict[str, RedactionFigures], column: str
) -> None:
    changed, total = figures[column].clean_changed
    assert total > 50
    assert changed / total <= CEILING_CLEAN_CHANGED


@pytest.mark.parametrize("column", ["held-out split", "independent set"])
def test_places_numbers_and_dates_are_kept(
    figures: dict[str, RedactionFigures], column: str
) -> None:
    changed, total = figures[column].kept
    assert total > 100
    assert changed / total <= CEILING_CHANGED


@pytest.mark.parametrize(
    ("detail", "output", "outside", "leaked"),
    [
        ("Gillian Hart", "my name is Gillian [name]", "my name is  ", True),
        ("Mark", "[name] here. Mark my words", "  here. Mark my words", False),
        ("Mark", "Mark here. Mark my words", "  here. Mark my words", True),
        ("07540 118 229", "ends 229, full number [phone]", "ends 229, full number  ", False),
        ("07540 118 229", "ends 229, full number 07540 [phone]", "ends 229, full number  ", True),
        ("14 Hatfield Road", "at [address] Road", "at  ", False),
    ],
)
def test_a_detail_counts_as_left_only_where_it_was(
    detail: str, output: str, outside: str, leaked: bool
) -> None:
    """A word the resident also used elsewhere may stand as often as it stood there."""
    assert _leaked(detail, output, outside) is leaked
