"""Turning a run's raw timings into the figures reported: rates, percentiles, CPU per turn."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.load import Recorder


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of values sorted in ascending order (0 if there are none)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass
class RunFigures:
    """One load run against one server."""

    mode: str  # "closed", "open" or "paced"
    residents: int  # concurrent residents (closed, paced) or residents who arrived (open)
    seconds: float  # the measured window (closed) or the whole run (open)
    turns: int
    turns_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    completed: int  # residents who finished the survey during the run
    server_cpu_ms_per_turn: float
    client_cpu_ms_per_turn: float
    offered_turns_per_second: float = 0.0  # open loop and paced only
    # Paced: turns still unanswered when the run ended, counted as answered then.
    cut_short: int = 0
    # Closed loop: whether every resident had had a turn before the window opened.
    steady: bool = True
    error_samples: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """For the JSON results."""
        return asdict(self)


def summarise(
    recorder: Recorder,
    *,
    mode: str,
    residents: int,
    seconds: float,
    server_cpu: float,
    client_cpu: float,
    offered: float = 0.0,
) -> RunFigures:
    """The figures of one run. CPU seconds are over every turn of the run, counted or not."""
    ordered = sorted(recorder.latencies)
    all_turns = max(1, len(recorder.turns))
    return RunFigures(
        mode=mode,
        residents=residents,
        seconds=round(seconds, 3),
        turns=len(ordered),
        turns_per_second=round(len(ordered) / seconds, 1) if seconds > 0 else 0.0,
        p50_ms=_ms(percentile(ordered, 0.50)),
        p95_ms=_ms(percentile(ordered, 0.95)),
        p99_ms=_ms(percentile(ordered, 0.99)),
        max_ms=_ms(ordered[-1] if ordered else 0.0),
        errors=recorder.error_count,
        completed=sum(1 for resident in recorder.residents if resident.completed),
        server_cpu_ms_per_turn=round(server_cpu / all_turns * 1000, 2),
        client_cpu_ms_per_turn=round(client_cpu / all_turns * 1000, 2),
        offered_turns_per_second=round(offered, 1),
        cut_short=recorder.cut_short,
        steady=recorder.steady,
        error_samples=dict(recorder.errors.most_common(5)),
    )


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
