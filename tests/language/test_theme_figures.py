"""Figures the tests print: sorting answers into themes, on the labelled set.

The tuned part (`training/themes/*.tsv`) is measured by five-fold cross
validation: each answer sorted by themes learnt from the other four fifths.
The held-out part (`training/themes/heldout/`) was written separately and
never tuned on: it is sorted by themes learnt from the whole tuned part.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.language import Language
from bot.language.theme_corpus import (
    THEMES,
    Figures,
    assigned,
    codebook,
    cross_validated,
    read_labelled,
)

pytestmark = pytest.mark.timeout(1200)
# The target for the held-out part, overall (micro F1), per question.
HELD_OUT_FLOOR = {"changes": 0.7, "changes_why": 0.7}


def table(question: str, tuned: Figures, held_out: Figures) -> str:
    """F1 per theme and overall, for the tuned and the held-out parts."""
    lines = [
        f"themes for {question}: F1 on the tuned part ({tuned.answers} answers, "
        f"cross-validated) and the held-out part ({held_out.answers} answers)",
        f"  {'theme':<18} {'tuned':>6} {'held-out':>9}",
    ]
    for theme in sorted(set(tuned.per_theme) | set(held_out.per_theme)):
        one = tuned.per_theme.get(theme, float("nan"))
        two = held_out.per_theme.get(theme, float("nan"))
        lines.append(f"  {theme:<18} {one:>6.3f} {two:>9.3f}")
    lines.append(f"  {'overall (micro)':<18} {tuned.micro:>6.3f} {held_out.micro:>9.3f}")
    return "\n".join(lines)


@pytest.mark.parametrize("question", ["changes", "changes_why"])
def test_prints_the_theme_figures_and_meets_the_target_on_the_held_out_part(
    language: Language, question: str
) -> None:
    known = list(codebook(question))
    tuned = read_labelled(THEMES / f"{question}.tsv", known)
    held_out = read_labelled(THEMES / "heldout" / f"{question}.tsv", known)

    on_tuned = cross_validated(language.themes, tuned)
    on_held_out = assigned(language.themes, tuned, held_out)

    print("\n" + table(question, on_tuned, on_held_out))
    assert on_held_out.micro >= HELD_OUT_FLOOR[question]


def test_prints_how_well_the_themes_found_unlabelled_match_the_labels(
    language: Language,
) -> None:
    """Purity: the share of answers whose group's most common hand label is one of theirs."""
    known = list(codebook("changes"))
    tuned = read_labelled(THEMES / "changes.tsv", known)

    groups = language.themes.group([t.text for t in tuned])

    fitting = 0
    lines = []
    for label, members in groups:
        counts = Counter(theme for i in members for theme in tuned[i].themes)
        common, _ = counts.most_common(1)[0]
        fitting += sum(common in tuned[i].themes for i in members)
        lines.append(f"  {len(members):>4}  {label:<34} mostly {common}")
    purity = fitting / len(tuned)
    print(f"\nthemes found in {len(tuned)} answers to changes: {len(groups)}, purity {purity:.3f}")
    print("\n".join(lines))
    assert 2 <= len(groups) <= 14
    assert sum(len(m) for _, m in groups) == len(tuned)


def test_the_held_out_answers_are_not_in_the_tuned_part() -> None:
    for question in ("changes", "changes_why"):
        known = list(codebook(question))
        tuned = {x.text.lower() for x in read_labelled(THEMES / f"{question}.tsv", known)}
        held_out = read_labelled(THEMES / "heldout" / f"{question}.tsv", known)
        assert not [x.text for x in held_out if x.text.lower() in tuned]
