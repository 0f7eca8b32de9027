"""The results page's content: counts, percentages and means, shaped into charts and tables.

Pure functions over the codebook and the database's grouped counts; the same
`Chart` becomes a picture (see `charts`), an HTML table for screen readers and
a JSON object.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.review.config import Questions
from storage.results import Funnel, ValueCount

NOT_ANSWERED = "Not answered"
# A breakdown cell from fewer responses than this is not shown, so nobody can be picked out.
SMALL = 10
FEWER = f"fewer than {SMALL}"


def is_breakdown(chart_id: str) -> bool:
    """Whether a chart breaks the results down by group (district, age band, sex)."""
    return chart_id.startswith(("by-", "represent-")) or "-by-" in chart_id


def shown(value: Any, responses: float) -> Any:
    """A breakdown cell's value, or "fewer than 10" when fewer responses are behind it."""
    return FEWER if responses < SMALL else value


def amount(count: float) -> float:
    """A count as shown: whole for responses, one decimal place for a weighted count."""
    return int(count) if float(count).is_integer() else round(count, 1)


@dataclass
class Chart:
    """A chart and the table of its data."""

    id: str
    title: str
    summary: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]  # None: no bar (too few responses)
    axis: str
    headers: list[str]
    rows: list[list[Any]]
    maximum: float | None = None  # the value axis's end, when it has a natural one (5, 100)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether there is nothing to draw."""
        return not any(value for _, values in self.series for value in values if value)

    def as_json(self) -> dict[str, Any]:
        """The chart as plain data."""
        data = asdict(self)
        data["empty"] = self.empty
        data["series"] = [{"name": name, "values": values} for name, values in self.series]
        return data


def percent(part: float, whole: float) -> float:
    """Part of whole as a percentage, to one decimal place (0 when there is no whole)."""
    return round(100 * part / whole, 1) if whole else 0.0


class Tally:
    """The grouped counts, indexed by question and loop option."""

    def __init__(self, counts: Iterable[ValueCount]) -> None:
        self.by_column: defaultdict[tuple[str, str], list[ValueCount]] = defaultdict(list)
        for count in counts:
            self.by_column[(count.question_id, count.item)].append(count)

    def options(self, column: dict[str, Any]) -> tuple[dict[str, float], float, float]:
        """For a choice column: responses per option, responses that answered, that skipped."""
        chosen: defaultdict[str, float] = defaultdict(float)
        answered = skipped = 0.0
        for count in self.by_column[(column["question"], column["item"])]:
            if count.value is None:
                skipped += count.count
                continue
            answered += count.count
            values = count.value if isinstance(count.value, list) else [count.value]
            for value in values:
                chosen[str(value)] += count.count
        return dict(chosen), answered, skipped

    def mean(self, column: dict[str, Any]) -> tuple[float | None, float]:
        """For a scale column: the mean score and how many gave one."""
        total = 0.0
        n = 0.0
        for count in self.by_column[(column["question"], column["item"])]:
            if isinstance(count.value, int | float) and not isinstance(count.value, bool):
                total += count.value * count.count
                n += count.count
        return (round(total / n, 2) if n else None), n


@dataclass(frozen=True)
class Split:
    """A breakdown's counts by group: as shown (weighted or not) and as responses."""

    shown: dict[Any, list[ValueCount]]
    responses: dict[Any, list[ValueCount]]
    total: int  # responses in all groups, "Not answered" included


def build(
    questions: Questions,
    counts: list[ValueCount],
    funnel: Funnel,
    breakdowns: dict[str, Split] | None = None,
    *,
    raw_counts: list[ValueCount] | None = None,
) -> list[Chart]:
    """Every chart on the results page, in the order shown.

    `counts` may be weighted; `raw_counts` are then the responses themselves,
    for the cells of the questions results are broken down by.
    """
    tally = Tally(counts)
    raw = Tally(raw_counts) if raw_counts is not None else tally
    groups = set(breakdowns or {})
    charts = [funnel_chart(funnel), stopped_chart(questions, funnel)]
    for column in questions.top_level("single_choice", "multiple_choice", "yes_no"):
        small = raw if column["question"] in groups else None
        charts.append(choice_chart(column, tally, small))
    if questions.top_level("scale"):
        charts.append(ratings_chart(questions.top_level("scale"), tally))
    looped_scales = questions.looped("scale")
    if looped_scales:
        charts.append(per_option_ratings_chart(questions, looped_scales, tally))
    for question_id, columns in questions.looped("yes_no").items():
        charts.append(per_option_yes_chart(questions, question_id, columns, tally))
    for question_id, split in (breakdowns or {}).items():
        by = questions.column(question_id)
        if by is not None:
            charts.append(breakdown_chart(questions, by, split))
    return charts


def funnel_chart(funnel: Funnel) -> Chart:
    """Started, agreed, completed, stopped, still going."""
    opened = funnel.waiting + funnel.started
    stages = [
        ("Opened the chat", opened),
        ("Agreed to take part", funnel.started),
        ("Completed", funnel.completed),
        ("Stopped part way", funnel.abandoned),
        ("Still in progress", funnel.in_progress),
    ]
    return Chart(
        id="funnel",
        title="How far people got",
        summary=f"{opened} opened the chat; {funnel.completed} completed the survey.",
        categories=[name for name, _ in stages],
        series=[("People", [float(n) for _, n in stages])],
        axis="People",
        headers=["Stage", "People", "% of those who opened the chat"],
        rows=[[name, n, percent(n, opened)] for name, n in stages],
        notes=[
            "People who said no to taking part are not counted: nothing they sent is kept.",
        ],
    )


def stopped_chart(questions: Questions, funnel: Funnel) -> Chart:
    """The question at which unfinished responses stopped."""
    order = {c["question"]: i for i, c in reversed(list(enumerate(questions.columns)))}
    stops = sorted(funnel.stopped_at.items(), key=lambda kv: order.get(kv[0], len(order)))
    unfinished = sum(funnel.stopped_at.values())
    labels = [questions.label(q) if q else "Before the first question" for q, _ in stops]
    return Chart(
        id="stopped",
        title="Where people stopped",
        summary=f"{unfinished} responses were not completed.",
        categories=labels,
        series=[("Responses", [float(n) for _, n in stops])],
        axis="Responses not completed",
        headers=["Last question reached", "Responses", "% of responses not completed"],
        rows=[
            [label, n, percent(n, unfinished)] for label, (_, n) in zip(labels, stops, strict=True)
        ],
    )


def choice_chart(column: dict[str, Any], tally: Tally, small: Tally | None = None) -> Chart:
    """Counts and percentages for a question answered by choosing.

    With `small` (the responses behind each count), a count from fewer than 10
    responses is shown as "fewer than 10", and drawn as no bar.
    """
    chosen, answered, skipped = tally.options(column)
    behind = small.options(column)[0] if small is not None else None
    labels = [str(label) for label in column["values"].values()]
    numbers = [chosen.get(value, 0) for value in column["values"]]
    several = column["kind"] == "multiple_choice"
    rows: list[list[Any]] = []
    bars: list[float | None] = []
    for label, value, n in zip(labels, column["values"], numbers, strict=True):
        share = percent(n, answered)
        if behind is not None and behind.get(value, 0) < SMALL:
            rows.append([label, FEWER, FEWER])
            bars.append(None)
        else:
            rows.append([label, amount(n), share])
            bars.append(float(amount(n)))
    if skipped:
        rows.append(["Skipped", amount(skipped), ""])
    notes = [
        "People could choose more than one answer, so the percentages add up to more than 100."
    ]
    return Chart(
        id=column["name"],
        title=column["label"],
        summary=f"{amount(answered)} people answered: {column['text']}",
        categories=labels,
        series=[("Responses", bars)],
        axis="Responses",
        headers=["Answer", "Responses", "% of those who answered"],
        rows=rows,
        notes=notes if several else [],
    )


def ratings_chart(columns: list[dict[str, Any]], tally: Tally) -> Chart:
    """Rating questions asked once, side by side: how many gave each score."""
    scores = list(columns[0]["values"])
    series: list[tuple[str, list[float | None]]] = []
    rows: list[list[Any]] = [[columns[0]["values"][s]] for s in scores]
    means: list[Any] = ["Mean score"]
    for column in columns:
        chosen, answered, _ = tally.options(column)
        shares: list[float | None] = [percent(chosen.get(s, 0), answered) for s in scores]
        series.append((column["label"], shares))
        for row, score, share in zip(rows, scores, shares, strict=True):
            row += [amount(chosen.get(score, 0)), share]
        means.append(tally.mean(column)[0] or "")
        means.append("")
    headers = ["Score"]
    for column in columns:
        headers += [f"{column['label']}: responses", f"{column['label']}: %"]
    return Chart(
        id="ratings",
        title="Ratings",
        summary="; ".join(f"{c['label']}: {c['text']}" for c in columns),
        categories=[columns[0]["values"][s] for s in scores],
        series=series,
        axis="% of those who answered",
        headers=headers,
        rows=[*rows, means],
        maximum=100,
    )


def per_option_ratings_chart(
    questions: Questions, looped: dict[str, list[dict[str, Any]]], tally: Tally
) -> Chart:
    """Loop rating questions (ease, satisfaction) as mean scores per option, side by side."""
    items = [c["item"] for c in next(iter(looped.values()))]
    labels = [questions.item_label(item) for item in items]
    series: list[tuple[str, list[float | None]]] = []
    rows: list[list[Any]] = [[label] for label in labels]
    top = 0
    for question_id, columns in looped.items():
        means: list[float | None] = []
        for row, column in zip(rows, columns, strict=True):
            mean, n = tally.mean(column)
            means.append(mean)  # None: nobody used it, so no bar
            row += [amount(n), mean if mean is not None else ""]
            top = max(top, max(int(v) for v in column["values"]))
        series.append((questions.label(question_id), means))
    headers = ["Way of contact"]
    for question_id in looped:
        label = questions.label(question_id)
        headers += [f"{label}: responses", f"{label}: mean score"]
    return Chart(
        id="per-option-ratings",
        title="Ratings for each way of contact",
        summary="Mean scores from 1 to 5, from the people who used each way of contact.",
        categories=labels,
        series=series,
        axis="Mean score (1 to 5)",
        headers=headers,
        rows=rows,
        maximum=float(top or 5),
    )


def per_option_yes_chart(
    questions: Questions, question_id: str, columns: list[dict[str, Any]], tally: Tally
) -> Chart:
    """A loop yes/no question as the share who said yes, per option."""
    labels = [questions.item_label(c["item"]) for c in columns]
    shares: list[float | None] = []
    rows = []
    for label, column in zip(labels, columns, strict=True):
        chosen, answered, _ = tally.options(column)
        yes = chosen.get("yes", 0)
        shares.append(percent(yes, answered) if answered else None)
        rows.append([label, amount(answered), amount(yes), percent(yes, answered)])
    title = questions.label(question_id)
    return Chart(
        id=f"per-option-{question_id}",
        title=f"{title}, for each way of contact",
        summary=f"The share of people who used each way of contact who answered yes: {title}.",
        categories=labels,
        series=[("% yes", shares)],
        axis="% who said yes",
        headers=["Way of contact", "Answered", "Yes", "% yes"],
        rows=rows,
        maximum=100,
    )


def breakdown_chart(questions: Questions, column: dict[str, Any], split: Split) -> Chart:
    """Responses and mean ratings for each answer to a question about the person.

    A cell from fewer than 10 responses reads "fewer than 10"; a group with
    fewer than 10 responses is not drawn at all.
    """
    scales = questions.top_level("scale")
    yes_nos = questions.top_level("yes_no")
    groups: list[tuple[str, Any]] = [(label, value) for value, label in column["values"].items()]
    groups.append((NOT_ANSWERED, None))
    sizes = _group_sizes(column, split.shown, split.total)
    counted = _group_sizes(column, split.responses, split.total)
    series: list[tuple[str, list[float | None]]] = [(c["label"], []) for c in scales]
    categories = []
    rows = []
    for label, value in groups:
        tally = Tally(split.shown.get(value, []))
        raw = Tally(split.responses.get(value, []))
        row: list[Any] = [label, shown(amount(sizes.get(value, 0)), counted.get(value, 0))]
        drawn = counted.get(value, 0) >= SMALL
        if drawn:
            categories.append(label)
        for (_, values), scale in zip(series, scales, strict=True):
            mean, _ = tally.mean(scale)
            behind = raw.mean(scale)[1]
            if drawn:
                values.append(mean if mean is not None and behind >= SMALL else None)
            row.append(shown(mean if mean is not None else "", behind))
        for yes_no in yes_nos:
            chosen, answered, _ = tally.options(yes_no)
            behind = raw.options(yes_no)[1]
            row.append(shown(percent(chosen.get("yes", 0), answered) if answered else "", behind))
        rows.append(row)
    headers = [column["label"], "Responses"]
    headers += [f"{c['label']}: mean score" for c in scales]
    headers += [f"{c['label']}: % yes" for c in yes_nos]
    return Chart(
        id=f"by-{column['question']}",
        title=f"Results by {column['label'].lower()}",
        summary=f"Mean ratings for each answer to: {column['text']}",
        categories=categories,
        series=series,
        axis="Mean score (1 to 5)",
        headers=headers,
        rows=rows,
        maximum=float(max((int(v) for c in scales for v in c["values"]), default=5)),
        notes=[f"Groups of fewer than {SMALL} responses are not drawn; cells read '{FEWER}'."],
    )


def _group_sizes(
    column: dict[str, Any], split: dict[Any, list[ValueCount]], total: float
) -> dict[Any, float]:
    """Responses (or their weight) in each group, "Not answered" (None) included."""
    question = column["question"]
    own = Tally(c for counts in split.values() for c in counts if c.question_id == question)
    in_groups, _, _ = own.options(column)
    sizes: dict[Any, float] = dict(in_groups)
    sizes[None] = total - sum(in_groups.values())
    return sizes
