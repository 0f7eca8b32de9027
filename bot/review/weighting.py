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

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

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
    max_iterations: int = 100,
) -> Raking:
    """Weights whose shares match each margin's population counts (see the module's notes)."""
    weights = [1.0] * len(people)
    targets: dict[str, dict[str, float]] = {}
    empty: dict[str, list[str]] = {}
    for name, population in margins.items():
        present = {person.get(name) for person in people}
        counted = {c: float(n) for c, n in population.items() if c in present and n > 0}
        missing = [c for c in population if c not in counted]
        if missing:
            empty[name] = missing
        total = sum(counted.values())
        if total > 0:
            targets[name] = {category: n / total for category, n in counted.items()}
    if not targets:
        return Raking(weights, 0, True, empty)
    for iteration in range(1, max_iterations + 1):
        for name, shares in targets.items():
            _fit(weights, people, name, shares)
        if max(_gap(weights, people, name, shares) for name, shares in targets.items()) < tolerance:
            return Raking(weights, iteration, True, empty)
    return Raking(weights, max_iterations, False, empty)


def _totals(
    weights: list[float], people: Sequence[Person], name: str, shares: Mapping[str, float]
) -> dict[str, float]:
    """The weight in each of a margin's categories (those who answered outside it left out)."""
    totals: defaultdict[str, float] = defaultdict(float)
    for weight, person in zip(weights, people, strict=True):
        category = person.get(name)
        if category is not None and category in shares:
            totals[category] += weight
    return dict(totals)


def _fit(
    weights: list[float], people: Sequence[Person], name: str, shares: Mapping[str, float]
) -> None:
    """Scale the weights in each category so the margin's shares match, in place."""
    totals = _totals(weights, people, name, shares)
    answered = sum(totals.values())
    factors = {c: shares[c] * answered / total for c, total in totals.items() if total > 0}
    for index, person in enumerate(people):
        category = person.get(name)
        if category in factors:
            weights[index] *= factors[category]


def _gap(
    weights: list[float], people: Sequence[Person], name: str, shares: Mapping[str, float]
) -> float:
    """The largest difference between a weighted share and the population's share."""
    totals = _totals(weights, people, name, shares)
    answered = sum(totals.values())
    if answered <= 0:
        return 0.0
    return max(abs(totals.get(c, 0.0) / answered - share) for c, share in shares.items())


def effective_size(weights: Sequence[float]) -> float:
    """Kish's effective sample size: (sum of weights) squared over the sum of squared weights."""
    squares = sum(w * w for w in weights)
    return sum(weights) ** 2 / squares if squares > 0 else 0.0
