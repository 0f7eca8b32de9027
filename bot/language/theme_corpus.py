"""The labelled answers in `training/themes/` and the figures of the theme model on them.

Each TSV file holds `themes` (comma-separated ids from `codebook.tsv`) and
`text`. `training/themes/heldout/` was written separately and is never tuned
on: it is only measured.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.language.themes import ThemeModel

ROOT = Path(__file__).resolve().parent.parent.parent
THEMES = ROOT / "training" / "themes"
FOLDS = 5


@dataclass(frozen=True)
class Labelled:
    """One answer and the themes a person gave it."""

    themes: frozenset[str]
    text: str


def codebook(question: str) -> dict[str, str]:
    """Theme id -> label, for one question."""
    with (THEMES / "codebook.tsv").open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {r["theme"]: r["label"] for r in rows if r["question"] == question}


def read_labelled(path: Path, known: Sequence[str]) -> list[Labelled]:
    """The labelled answers in one file; an unknown theme id is an error."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    found = []
    for number, row in enumerate(rows, start=2):
        themes = frozenset(t.strip() for t in (row.get("themes") or "").split(",") if t.strip())
        text = (row.get("text") or "").strip()
        unknown = themes - set(known)
        if not themes or not text or unknown:
            raise ValueError(f"{path}, line {number}: themes {sorted(unknown or themes)}")
        found.append(Labelled(themes, text))
    return found


@dataclass(frozen=True)
class Figures:
    """F1 per theme and over every decision (micro), with the counts behind them."""

    per_theme: dict[str, float]
    micro: float
    answers: int


def f1(truth: Sequence[frozenset[str]], given: Sequence[frozenset[str]]) -> Figures:
    """F1 of the themes given against the themes a person gave."""
    hits: dict[str, int] = defaultdict(int)
    wrong: dict[str, int] = defaultdict(int)
    missed: dict[str, int] = defaultdict(int)
    for true, guess in zip(truth, given, strict=True):
        for theme in true & guess:
            hits[theme] += 1
        for theme in guess - true:
            wrong[theme] += 1
        for theme in true - guess:
            missed[theme] += 1
    themes = sorted(set(hits) | set(wrong) | set(missed))

    def score(h: int, w: int, m: int) -> float:
        return 2 * h / (2 * h + w + m) if h + w + m else 1.0

    per_theme = {t: score(hits[t], wrong[t], missed[t]) for t in themes}
    micro = score(sum(hits.values()), sum(wrong.values()), sum(missed.values()))
    return Figures(per_theme, micro, len(truth))


def examples_of(labelled: Sequence[Labelled]) -> dict[str, list[str]]:
    """Theme id -> its answers, as staff-approved themes hand them to the model."""
    found: dict[str, list[str]] = defaultdict(list)
    for item in labelled:
        for theme in item.themes:
            found[theme].append(item.text)
    return dict(found)


def assigned(model: ThemeModel, train: Sequence[Labelled], test: Sequence[Labelled]) -> Figures:
    """Figures for `test`, sorted into themes learnt from `train`."""
    given = model.assign(examples_of(train), [t.text for t in test])
    return f1([t.themes for t in test], [frozenset(g) for g in given])


def cross_validated(model: ThemeModel, labelled: Sequence[Labelled]) -> Figures:
    """Figures for every answer, each sorted by a model that never saw it (five folds)."""
    truth: list[frozenset[str]] = []
    given: list[frozenset[str]] = []
    for fold in range(FOLDS):
        train = [x for i, x in enumerate(labelled) if i % FOLDS != fold]
        test = [x for i, x in enumerate(labelled) if i % FOLDS == fold]
        truth += [t.themes for t in test]
        given += [frozenset(g) for g in model.assign(examples_of(train), [t.text for t in test])]
    return f1(truth, given)
