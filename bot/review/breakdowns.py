"""Results by group (district, age band, sex): who responded against the population, and
the ratings of each way of contact, for each group.

Pure functions over the responses and their weights. Every cell from fewer than
10 responses reads "fewer than 10", and groups with too few responses are not drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.review.config import Questions
from bot.review.population import Margin
from bot.review.results import FEWER, NOT_ANSWERED, SMALL, Chart, Tally, amount, percent, shown
from bot.review.weighted import Given
from storage.results import ValueCount


def representation_chart(
    column: dict[str, Any],
    margin: Margin | None,
    raw: list[ValueCount],
    weighted: list[ValueCount] | None = None,
) -> Chart:
    """Each group's share of the respondents beside its share of the population."""
    chosen, _, _ = Tally(raw).options(column)
    after = Tally(weighted).options(column) if weighted is not None else None
    counted = margin.counts if margin is not None else {}
    in_population = sum(chosen.get(c, 0) for c in counted)
    headers = ["Answer", "Responses", "% of responses", "% of the population"]
    if after is not None:
        headers.append("% after weighting")
    weighted_total = sum(after[0].get(c, 0) for c in counted) if after is not None else 0
    categories: list[str] = []
    responding: list[float | None] = []
    population: list[float | None] = []
    rows = []
    for value, label in column["values"].items():
        n = chosen.get(value, 0)
        known = value in counted
        row: list[Any] = [label, shown(amount(n), n)]
        row.append(shown(percent(n, in_population), n) if known else "")
        row.append(margin.share(value) if margin is not None and known else "")
        if after is not None:
            share = percent(after[0].get(value, 0), weighted_total)
            row.append(shown(share, n) if known else "")
        rows.append(row)
        if known:
            categories.append(str(label))
            responding.append(percent(n, in_population) if n >= SMALL else None)
            population.append(margin.share(value) if margin is not None else None)
    notes = [
        "Shares are of the responses in the groups the population figures count: "
        "'Prefer not to say', skipped answers and groups outside the population are left out.",
    ]
    if margin is None:
        notes = ["There are no population figures for this question, so no comparison."]
    elif margin.source:
        notes.append(f"Population: {margin.source}.")
    return Chart(
        id=f"represent-{column['question']}",
        title=f"Who responded, by {column['label'].lower()}",
        summary=f"How the people who answered compare with the population: {column['text']}",
        categories=categories,
        series=[("Responses", responding), ("Population", population)],
        axis="% of people",
        headers=headers,
        rows=rows,
        maximum=None,
        notes=notes,
    )


def ratings_by_group_chart(
    questions: Questions,
    group: dict[str, Any],
    scale: list[dict[str, Any]],
    answers: Sequence[Given],
    weights: Sequence[float],
) -> Chart:
    """One rating (such as how easy) for each way of contact, for each answer to `group`."""
    by_group: dict[Any, list[tuple[Given, float]]] = {}
    for answered, weight in zip(answers, weights, strict=True):
        value = answered.get((group["question"], ""))
        by_group.setdefault(value if isinstance(value, str) else None, []).append(
            (answered, weight)
        )
    items = [c["item"] for c in scale]
    names = [questions.item_label(item) for item in items]
    groups: list[tuple[str, Any]] = [(label, value) for value, label in group["values"].items()]
    groups.append((NOT_ANSWERED, None))
    series: list[tuple[str, list[float | None]]] = [(name, []) for name in names]
    categories, rows = [], []
    for label, value in groups:
        members = by_group.get(value, [])
        row: list[Any] = [label, shown(len(members), len(members))]
        means = []
        for column in scale:
            mean, n = _mean(members, column)
            means.append(mean if n >= SMALL else None)
            row += [shown(n, n), shown(mean if mean is not None else "", n)]
        rows.append(row)
        if len(members) >= SMALL and any(m is not None for m in means):
            categories.append(label)
            for (_, values), mean in zip(series, means, strict=True):
                values.append(mean)
    title = questions.label(scale[0]["question"])
    headers = [group["label"], "Responses"]
    for name in names:
        headers += [f"{name}: responses", f"{name}: mean score"]
    return Chart(
        id=f"per-option-{scale[0]['question']}-by-{group['question']}",
        title=f"{title}, for each way of contact, by {group['label'].lower()}",
        summary=(
            f"Mean scores from 1 to 5 for each way of contact ({title.lower()}), from the people "
            f"in each group who used it."
        ),
        categories=categories,
        # A way of contact nobody in any group drawn rated has no bars and no key.
        series=[(name, values) for name, values in series if any(v is not None for v in values)],
        axis="Mean score (1 to 5)",
        headers=headers,
        rows=rows,
        maximum=float(max((int(v) for c in scale for v in c["values"]), default=5)),
        notes=[f"Cells from fewer than {SMALL} responses read '{FEWER}' and are not drawn."],
    )


def _mean(
    members: Sequence[tuple[Given, float]], column: dict[str, Any]
) -> tuple[float | None, int]:
    """The weighted mean score of a loop rating among `members`, and how many gave one."""
    total = weight = 0.0
    n = 0
    key = (column["question"], column["item"])
    for answered, w in members:
        score = answered.get(key)
        if isinstance(score, int | float) and not isinstance(score, bool):
            total += score * w
            weight += w
            n += 1
    return (round(total / weight, 2) if weight > 0 else None), n
