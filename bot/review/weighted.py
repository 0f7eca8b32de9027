"""Results from the responses themselves, each counted with its weight.

The database counts answers for the unweighted results. Weighted results need
each response's weight, so they are counted here, from the responses, into the
same `ValueCount`s the charts are built from.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from bot.review.population import Population
from bot.review.weighting import Raking, rake
from storage.queries import ResponseRecord
from storage.results import ValueCount

Given = dict[tuple[str, str], Any]  # (question id, loop option) -> a response's answer


def given(record: ResponseRecord) -> Given:
    """A response's answers by question and loop option ("" for questions asked once)."""
    return {(a.question_id, a.item): a.value for a in record.answers}


def weigh(answers: Sequence[Given], population: Population) -> Raking:
    """Weights for the responses (their answers, from `given`), raked to the population."""
    margins = population.counts()
    people = []
    for answered in answers:
        person: dict[str, str | None] = {}
        for question in margins:
            value = answered.get((question, ""))
            person[question] = value if isinstance(value, str) else None
        people.append(person)
    return rake(people, margins)


def value_counts(records: Sequence[ResponseRecord], weights: Sequence[float]) -> list[ValueCount]:
    """For every question (and loop option), the weight of the responses that gave each value."""
    totals: defaultdict[tuple[str, str, str], float] = defaultdict(float)
    for record, weight in zip(records, weights, strict=True):
        for given in record.answers:
            totals[(given.question_id, given.item, json.dumps(given.value))] += weight
    return [
        ValueCount(question, item, json.loads(text), total)
        for (question, item, text), total in totals.items()
    ]


def value_counts_by(
    records: Sequence[ResponseRecord], weights: Sequence[float], group_question: str
) -> dict[Any, list[ValueCount]]:
    """Like `value_counts`, split by the answer to `group_question` (None: not answered)."""
    groups: defaultdict[Any, list[tuple[ResponseRecord, float]]] = defaultdict(list)
    for record, weight in zip(records, weights, strict=True):
        value = given(record).get((group_question, ""))
        key = value if value is None or isinstance(value, str) else json.dumps(value)
        groups[key].append((record, weight))
    return {
        value: value_counts([r for r, _ in members], [w for _, w in members])
        for value, members in groups.items()
    }
