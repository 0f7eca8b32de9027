"""The chart: turn latency and turns per second against the number of residents."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # after choosing the backend, which must come first

from bench.run import Outcome


def draw(outcomes: Sequence[Outcome], path: Path, subtitle: str) -> None:
    """Save a PNG with p50 and p99 latency, and throughput, against load for each server."""
    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(13, 5.5))
    for outcome in outcomes:
        runs = sorted(outcome.runs, key=lambda run: run.residents)
        if not runs:
            continue
        residents = [run.residents for run in runs]
        label = outcome.target.label
        (line,) = latency.plot(
            residents, [max(run.p99_ms, 0.1) for run in runs], marker="o", label=f"{label} p99"
        )
        latency.plot(
            residents,
            [max(run.p50_ms, 0.1) for run in runs],
            marker=".",
            linestyle="--",
            color=line.get_color(),
            label=f"{label} p50",
        )
        throughput.plot(
            residents,
            [run.turns_per_second for run in runs],
            marker="o",
            color=line.get_color(),
            label=label,
        )
    for axes in (latency, throughput):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("concurrent residents (closed loop)")
        axes.grid(True, which="both", alpha=0.3)
    latency.set_ylabel("turn latency, ms")
    latency.set_title("Latency against load")
    latency.legend(fontsize=7)
    throughput.set_ylabel("turns per second")
    throughput.set_title("Throughput against load")
    throughput.legend(fontsize=7)
    figure.suptitle(f"survey-bot benchmark ({subtitle})")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
