"""The benchmark's results: a table on the terminal, JSON, a chart and a Markdown table.

Ratios compare each survey-bot server with the ceiling and the usual way at
the same number of residents: turns per second (what the issue's targets are
about) and server CPU per turn (far less disturbed by whatever else the
machine is doing, so the steadier of the two on a shared machine).
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.figures import RunFigures
from bench.processes import ROOT
from bench.run import Outcome, Plan
from bench.targets import (
    CEILING,
    DIRECT_LINE_POSTGRES,
    DIRECT_LINE_POSTGRES_PAIR,
    DIRECT_LINE_SQLITE,
    MESSAGES_SQLITE,
    USUAL,
)

HEADLINE_RESIDENTS = 100
# The targets.
DIRECT_LINE_TIMES_USUAL = 10.0
DIRECT_LINE_P99_MS = 100.0
MESSAGES_TIMES_USUAL = 5.0
POSTGRES_SHARE_OF_SQLITE = 0.7
MEMORY_BYTES_PER_CONVERSATION = 20 * 1024


def machine() -> dict[str, Any]:
    """What the benchmark ran on."""
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kib = int(line.split()[1])
    return {
        "host": socket.gethostname(),
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "system": platform.platform(),
        "python": platform.python_version(),
        "load_average": list(os.getloadavg()),
    }


def commit() -> dict[str, Any]:
    """The commit measured, and whether the work tree had changes on top of it."""
    try:
        head = _git("rev-parse", "HEAD")
        changed = bool(_git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.CalledProcessError):
        return {"commit": "unknown", "uncommitted_changes": None}
    return {"commit": head, "uncommitted_changes": changed}


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()


def ratios(outcomes: Sequence[Outcome]) -> dict[str, dict[str, dict[str, float | None]]]:
    """Each survey-bot server against the ceiling and the usual way, level by level."""
    by_key = {outcome.target.key: outcome for outcome in outcomes}
    ceiling, usual = by_key.get(CEILING.key), by_key.get(USUAL.key)
    found: dict[str, dict[str, dict[str, float | None]]] = {}
    for outcome in outcomes:
        if not outcome.target.is_survey_bot:
            continue
        levels: dict[str, dict[str, float | None]] = {}
        for run in outcome.runs:
            levels[str(run.residents)] = {
                "throughput_to_ceiling": _ratio(run, ceiling, "turns_per_second"),
                "throughput_to_usual": _ratio(run, usual, "turns_per_second"),
                "cpu_per_turn_usual_to_this": _inverse(run, usual),
            }
        found[outcome.target.key] = levels
    return found


def _ratio(run: RunFigures, other: Outcome | None, name: str) -> float | None:
    theirs = other.closed(run.residents) if other else None
    if theirs is None or not getattr(theirs, name):
        return None
    return round(getattr(run, name) / getattr(theirs, name), 2)


def _inverse(run: RunFigures, other: Outcome | None) -> float | None:
    theirs = other.closed(run.residents) if other else None
    if theirs is None or not run.server_cpu_ms_per_turn:
        return None
    return round(theirs.server_cpu_ms_per_turn / run.server_cpu_ms_per_turn, 2)


def targets(outcomes: Sequence[Outcome], plan: Plan) -> list[dict[str, Any]]:
    """The issue's targets: met or missed, with the figure measured."""
    by_key = {outcome.target.key: outcome for outcome in outcomes}
    level = HEADLINE_RESIDENTS if HEADLINE_RESIDENTS in plan.levels else max(plan.levels)
    found: list[dict[str, Any]] = []
    direct_line, usual = by_key.get(DIRECT_LINE_SQLITE.key), by_key.get(USUAL.key)
    messages = by_key.get(MESSAGES_SQLITE.key)
    usual_run = usual.closed(level) if usual else None
    run = direct_line.closed(level) if direct_line else None
    if run is not None and direct_line is not None:
        if usual_run is not None and usual_run.turns_per_second:
            times = run.turns_per_second / usual_run.turns_per_second
            found.append(
                _target(
                    f"Direct Line, SQLite, {level} residents: at least "
                    f"{DIRECT_LINE_TIMES_USUAL:g} x the usual way's turns/s",
                    times >= DIRECT_LINE_TIMES_USUAL,
                    f"{times:.2f} x",
                )
            )
        pace = direct_line.paced
        if pace is not None:
            found.append(
                _target(
                    f"Direct Line, SQLite, {pace.residents} residents in the survey at once, "
                    f"each answering every {plan.paced_think:g} s: p99 under "
                    f"{DIRECT_LINE_P99_MS:g} ms",
                    pace.p99_ms < DIRECT_LINE_P99_MS and not pace.cut_short,
                    f"{pace.p99_ms} ms"
                    + (f", {pace.cut_short} turns unanswered" if pace.cut_short else ""),
                )
            )
        found.append(
            _target(
                f"Direct Line, SQLite, {level} residents: no errors",
                run.errors == 0,
                f"{run.errors} errors",
            )
        )
        lost = direct_line.verification.lost if direct_line.verification else None
        found.append(_target("Direct Line, SQLite: no lost answers", lost == 0, f"{lost} lost"))
    messages_run = messages.closed(level) if messages else None
    if messages_run is not None and usual_run is not None and usual_run.turns_per_second:
        times = messages_run.turns_per_second / usual_run.turns_per_second
        found.append(
            _target(
                f"/api/messages, SQLite, {level} residents: at least "
                f"{MESSAGES_TIMES_USUAL:g} x the usual way's turns/s",
                times >= MESSAGES_TIMES_USUAL,
                f"{times:.2f} x",
            )
        )
    found += _postgres_targets(by_key, level, plan)
    memory = direct_line.memory if direct_line else None
    if memory and memory["points"]:
        last = memory["points"][-1]
        per = memory["marginal_bytes_per_conversation"]
        how = "more for each further one"
        if per is None:
            per, how = last["bytes_per_conversation"], "each on average"
        found.append(
            _target(
                "memory: under 20 KB per open conversation",
                per < MEMORY_BYTES_PER_CONVERSATION,
                f"{per / 1024:.1f} KB {how}, with {last['conversations']} open",
            )
        )
    return found


def _postgres_targets(by_key: dict[str, Outcome], level: int, plan: Plan) -> list[dict[str, Any]]:
    """PostgreSQL against SQLite in the same run, and two servers sharing PostgreSQL."""
    found: list[dict[str, Any]] = []
    sqlite, postgres = by_key.get(DIRECT_LINE_SQLITE.key), by_key.get(DIRECT_LINE_POSTGRES.key)
    sqlite_run = sqlite.closed(level) if sqlite else None
    postgres_run = postgres.closed(level) if postgres else None
    if sqlite_run is not None and postgres_run is not None and sqlite_run.turns_per_second:
        share = postgres_run.turns_per_second / sqlite_run.turns_per_second
        found.append(
            _target(
                f"Direct Line, PostgreSQL, {level} residents: at least "
                f"{POSTGRES_SHARE_OF_SQLITE:.0%} of SQLite's turns/s",
                share >= POSTGRES_SHARE_OF_SQLITE,
                f"{share:.0%} ({postgres_run.turns_per_second:g} against "
                f"{sqlite_run.turns_per_second:g})",
            )
        )
    pace = postgres.paced if postgres else None
    if pace is not None:
        found.append(
            _target(
                f"Direct Line, PostgreSQL, {pace.residents} residents in the survey at once, "
                f"each answering every {plan.paced_think:g} s: p99 under "
                f"{DIRECT_LINE_P99_MS:g} ms",
                pace.p99_ms < DIRECT_LINE_P99_MS and not pace.cut_short,
                f"{pace.p99_ms} ms"
                + (f", {pace.cut_short} turns unanswered" if pace.cut_short else ""),
            )
        )
    pair = by_key.get(DIRECT_LINE_POSTGRES_PAIR.key)
    if pair is not None and pair.verification is not None:
        errors = sum(run.errors for run in pair.runs)
        errors += sum(run.errors for run in (pair.open_loop, pair.paced) if run is not None)
        lost = pair.verification.lost
        found.append(
            _target(
                "Direct Line, two servers on one PostgreSQL: no errors, no lost answers",
                errors == 0 and lost == 0,
                f"{errors} errors, {lost} lost",
            )
        )
    return found


def _target(what: str, met: bool, measured: str) -> dict[str, Any]:
    return {"target": what, "met": met, "measured": measured}


def results(
    outcomes: Sequence[Outcome], plan: Plan, started: datetime, seconds: float
) -> dict[str, Any]:
    """Everything, as the JSON file holds it."""
    return {
        "started_at": started.isoformat(),
        "seconds": round(seconds, 1),
        "plan": plan.__dict__,
        **commit(),
        "machine": machine(),
        "servers": {
            outcome.target.key: {
                "label": outcome.target.label,
                "closed_loop": [run.as_dict() for run in outcome.runs],
                "open_loop": outcome.open_loop.as_dict() if outcome.open_loop else None,
                "paced": outcome.paced.as_dict() if outcome.paced else None,
                "check": outcome.verification.as_dict() if outcome.verification else None,
                "rss_kib_after_load": outcome.rss_kib_after_load,
                "memory": outcome.memory,
                "problem": outcome.problem,
            }
            for outcome in outcomes
        },
        "ratios": ratios(outcomes),
        "targets": targets(outcomes, plan),
    }


HEADER = (
    "server",
    "residents",
    "turns/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "max ms",
    "errors",
    "CPU ms/turn",
    "x ceiling",
    "x usual",
)


def rows(outcomes: Sequence[Outcome], found: dict[str, Any]) -> list[tuple[str, ...]]:
    """The table's rows: each closed-loop level, then the open loop, per server."""
    table: list[tuple[str, ...]] = []
    for outcome in outcomes:
        label = outcome.target.label
        if outcome.problem and not outcome.runs:
            table.append((label, "-", *["-"] * 8, outcome.problem[:60]))
            continue
        levels = found["ratios"].get(outcome.target.key, {})
        for run in outcome.runs:
            ratio = levels.get(str(run.residents), {})
            table.append(
                _row(
                    label,
                    str(run.residents) + ("" if run.steady else "*"),
                    run,
                    _times(ratio.get("throughput_to_ceiling")),
                    _times(ratio.get("throughput_to_usual")),
                )
            )
        if outcome.open_loop is not None:
            run = outcome.open_loop
            arrivals = f"open {found['plan']['open_residents_per_hour']:g}/h"
            table.append(_row(label, arrivals, run, "", ""))
        if outcome.paced is not None:
            run = outcome.paced
            every = f"paced {run.residents}, 1 per {found['plan']['paced_think']:g} s"
            table.append(_row(label, every + ("!" if run.cut_short else ""), run, "", ""))
    return table


def _row(label: str, residents: str, run: RunFigures, *ratio: str) -> tuple[str, ...]:
    return (
        label,
        residents,
        f"{run.turns_per_second:.1f}",
        f"{run.p50_ms:.1f}",
        f"{run.p95_ms:.1f}",
        f"{run.p99_ms:.1f}",
        f"{run.max_ms:.1f}",
        str(run.errors),
        f"{run.server_cpu_ms_per_turn:.2f}",
        *ratio,
    )


def _times(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def text_table(table: Sequence[Sequence[str]]) -> str:
    """Columns padded for the terminal."""
    widths = [max(len(row[i]) for row in [HEADER, *table]) for i in range(len(HEADER))]
    lines = []
    for row in [HEADER, *table]:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def markdown_table(table: Sequence[Sequence[str]]) -> str:
    """The same table in Markdown."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in table]
    return "\n".join(lines)


def notes(outcomes: Sequence[Outcome], found: dict[str, Any]) -> list[str]:
    """Checks, memory and targets, one line each."""
    lines = []
    for outcome in outcomes:
        label = outcome.target.label
        if outcome.problem:
            lines.append(f"{label}: NOT MEASURED: {outcome.problem}")
        check = outcome.verification
        if check is not None:
            lines.append(
                f"{label}: {check.completed} completed responses checked, {check.stored} "
                f"found with all their answers; {check.answered_messages} answered messages, "
                f"{check.unlogged_messages} missing from the log; lost: {check.lost}"
            )
        if outcome.memory:
            baseline = outcome.memory["baseline_rss_kib"]
            for point in outcome.memory["points"]:
                reached = "" if point["reached"] else f" (of {point['goal']} in the time allowed)"
                lines.append(
                    f"{label}: memory with {point['conversations']} conversations open mid-survey"
                    f"{reached}: {point['rss_kib'] / 1024:.1f} MiB (from {baseline / 1024:.1f}), "
                    f"{point['bytes_per_conversation'] / 1024:.1f} KB per conversation on average"
                )
            marginal = outcome.memory["marginal_bytes_per_conversation"]
            if marginal is not None:
                lines.append(
                    f"{label}: {marginal / 1024:.1f} KB more for each further conversation "
                    "(slope over the later half)"
                )
    for target in found["targets"]:
        verdict = "met" if target["met"] else "MISSED"
        lines.append(f"target {verdict}: {target['target']}: {target['measured']}")
    return lines


def write(found: dict[str, Any], outcomes: Sequence[Outcome], out: Path, stem: str) -> list[Path]:
    """The JSON file, the chart and (for full runs) the Markdown table; their paths."""
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / f"{stem}.json"
    json_path.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
    written = [json_path]
    chart = out / f"{stem}.png"
    from bench.chart import draw

    draw(outcomes, chart, f"{found['commit'][:12]}, {found['started_at'][:16]}")
    written.append(chart)
    if found["plan"]["name"] == "full":
        latest = out / "latest.md"
        latest.write_text(markdown(found, outcomes), encoding="utf-8")
        written.append(latest)
    return written


def markdown(found: dict[str, Any], outcomes: Sequence[Outcome]) -> str:
    """The latest results as the README shows them."""
    machine_info = found["machine"]
    changed = " (with uncommitted changes)" if found["uncommitted_changes"] else ""
    lines = [
        "# Latest benchmark",
        "",
        f"`make bench` on {found['started_at'][:16]} UTC, commit `{found['commit'][:12]}`"
        f"{changed}, {machine_info['cpus']} CPUs ({machine_info['cpu_model']}), "
        f"load average {machine_info['load_average'][0]:.1f} at the start; "
        f"took {found['seconds']:.0f} s.",
        "",
        "Closed loop: that many residents at once, each answering as soon as the reply "
        "arrives (so the latency is residents / turns per second: it shows the queue, not "
        "the server). Open loop: residents arriving at a fixed rate, latency from when each "
        "turn was due. Paced: that many residents in the survey at once, each answering on a "
        "fixed timetable (far quicker than people read and type), latency from when each turn "
        "was due; ! some turns were still unanswered at the end. CPU ms/turn is the server's "
        "own CPU time per turn, the steadiest figure on a shared machine. x ceiling and "
        "x usual: turns per second against those servers at the same number of residents. "
        "* not steady: within the time allowed some residents never had an answer, so the "
        "figures cover the whole run from the first arrival.",
        "",
        markdown_table(rows(outcomes, found)),
        "",
        *[f"- {line}" for line in notes(outcomes, found)],
        "",
    ]
    return "\n".join(lines)


def stamp(moment: datetime | None = None) -> str:
    """A file name stem for a run's results."""
    return (moment or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
