"""Weights that make the respondents stand for the population: raking, and the effective size.

Raking (iterative proportional fitting) starts every respondent at a weight of 1
and adjusts the weights one margin at a time (district, then age band, then sex)
so that the weighted share of each category matches the population's share. It
repeats the round until every margin matches within a tolerance.

Answers the population has no figure for: a respondent who skipped the question,
chose "Prefer not to say", or gave an answer outside the population (under 18) is
in no category of that margin. That margin leaves their weight alone: the
population's shares are shared out among those who did answer, keeping their
total weight. So no weight rests on a guess about an answer someone chose not to
give, and the weights always add up to the number of respondents.

A category with nobody in it cannot be matched: its share is left out, the
other categories' shares are scaled up to fill it, and `Raking.empty` names it
so the page can say which groups the results cannot speak for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

Person = Mapping[str, str | None]  # margin name -> the category the respondent is in, if any


@dataclass(frozen=True)
class Raking:
    """The weights, one per respondent in the order given, and how the fitting went."""

    weights: list[float]
    iterations: int  # full rounds over the margins
    converged: bool
    empty: dict[str, list[str]] = field(default_factory=dict)  # margin -> categories nobody is in


def rake(
    people: Sequence[Person],
    margins: Mapping[str, Mapping[str, float]],
    *,
    tolerance: float = 1e-6,
    max_iterations: int = 1000,
) -> Raking:
    """Weights whose shares match each margin's population counts (see the module's notes)."""
    weights = np.ones(len(people))
    fitted: list[tuple[np.ndarray, np.ndarray]] = []  # per margin: category codes, target shares
    empty: dict[str, list[str]] = {}
    for name, population in margins.items():
        present = {person.get(name) for person in people}
        counted = {c: float(n) for c, n in population.items() if c in present and n > 0}
        missing = [c for c in population if c not in counted]
        if missing:
            empty[name] = missing
        total = sum(counted.values())
        if total <= 0:
            continue
        index = {category: number for number, category in enumerate(counted)}
        # -1: an answer this margin has no count for; that margin leaves its weight alone.
        codes = np.array([index.get(person.get(name) or "", -1) for person in people])
        shares = np.array([n / total for n in counted.values()])
        fitted.append((codes, shares))
    if not fitted:
        return Raking(weights.tolist(), 0, True, empty)
    for iteration in range(1, max_iterations + 1):
        for codes, shares in fitted:
            _fit(weights, codes, shares)
        if max(_gap(weights, codes, shares) for codes, shares in fitted) < tolerance:
            return Raking(weights.tolist(), iteration, True, empty)
    return Raking(weights.tolist(), max_iterations, False, empty)


def _totals(weights: np.ndarray, codes: np.ndarray, categories: int) -> np.ndarray:
    """The weight in each of a margin's categories (those outside it left out)."""
    inside = codes >= 0
    return np.bincount(codes[inside], weights=weights[inside], minlength=categories)


def _fit(weights: np.ndarray, codes: np.ndarray, shares: np.ndarray) -> None:
    """Scale the weights in each category so the margin's shares match, in place."""
    totals = _totals(weights, codes, len(shares))
    wanted = shares * totals.sum()
    factors = np.divide(wanted, totals, out=np.ones_like(totals), where=totals > 0)
    inside = codes >= 0
    weights[inside] *= factors[codes[inside]]


def _gap(weights: np.ndarray, codes: np.ndarray, shares: np.ndarray) -> float:
    """The largest difference between a weighted share and the population's share."""
    totals = _totals(weights, codes, len(shares))
    answered = totals.sum()
    if answered <= 0:
        return 0.0
    return float(np.abs(totals / answered - shares).max())


def effective_size(weights: Sequence[float]) -> float:
    """Kish's effective sample size: (sum of weights) squared over the sum of squared weights."""
    squares = sum(w * w for w in weights)
    return float(sum(weights) ** 2 / squares) if squares > 0 else 0.0
