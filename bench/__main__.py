"""`python -m bench [--quick]`: measure every server, print the table, write the results.

Exits 1 when a server could not be measured, when anything acknowledged was
lost, or (quick mode, which is a test) when any turn failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from bench import report, safety
from bench.connector import Connector
from bench.processes import ROOT
from bench.run import FULL, QUICK, Bench, Outcome, Plan
from bench.targets import DIRECT_LINE_SQLITE, TARGETS, USUAL, Target, postgres_available
from bench.targets import open_survey_file as survey_file

log = logging.getLogger("bench")

MEMORY_TARGETS = (DIRECT_LINE_SQLITE, USUAL)
# Starting a server and warming it up before its memory is measured.
MEMORY_SETUP_SECONDS = 6.0


async def unavailable(target: Target) -> str:
    """Why the target cannot be measured on this machine, or ""."""
    if target.server == "usual" and importlib.util.find_spec("botbuilder.dialogs") is None:
        return "botbuilder-dialogs is not installed (pip install 'botbuilder-dialogs>=4.17,<5')"
    if target.database == "postgresql":
        problem = await postgres_available()
        if problem:
            return f"PostgreSQL cannot be reached: {problem}"
    return ""


async def measure_all(plan: Plan, chosen: list[Target], memory: bool) -> list[Outcome]:
    """Every chosen server, one after another, then memory on the ones that matter."""
    outcomes = [Outcome(target) for target in chosen]
    for outcome in outcomes:
        outcome.problem = await unavailable(outcome.target)
        if outcome.problem:
            log.warning("%s: not measured: %s", outcome.target.label, outcome.problem)
    ready = [outcome for outcome in outcomes if not outcome.problem]
    memory_targets = MEMORY_TARGETS if plan.memory_of_usual_way else (DIRECT_LINE_SQLITE,)
    # In the order of `memory_targets`: survey-bot first.
    remembered = [o for t in memory_targets for o in ready if memory and o.target == t]
    with tempfile.TemporaryDirectory(prefix="survey-bot-bench-") as work:
        work_dir = Path(work)
        connector = Connector()
        await connector.start()
        client = aiohttp.TCPConnector(limit=0)
        timeout = aiohttp.ClientTimeout(total=None)
        try:
            async with (
                aiohttp.ClientSession(connector=client, timeout=timeout) as session,
                contextlib.AsyncExitStack() as stack,
            ):
                bench = Bench(plan, session, connector, work_dir, survey_file(work_dir), stack)
                if plan.start_all_at_once:
                    for outcome in ready:
                        bench.prestart(outcome.target, "load")
                    for outcome in remembered:
                        bench.prestart(outcome.target, "memory")
                try:
                    await _measure(bench, ready, remembered, time.monotonic() + plan.budget_seconds)
                finally:
                    await bench.forget_prestarted()
        finally:
            await connector.close()
    return outcomes


async def _measure(
    bench: Bench, ready: list[Outcome], remembered: list[Outcome], deadline: float
) -> None:
    """Load each server in turn; then memory, in the time left before `deadline`.

    Each server measured for memory may take all the time left but the least the
    later ones need: survey-bot comes first, and stops once it has its 10,000
    conversations open; the usual way gets the rest.
    """
    for outcome in ready:
        log.info("measuring %s", outcome.target.label)
        try:
            await bench.measure(outcome.target, outcome)
        except Exception as error:  # one server failing must not stop the others
            outcome.problem = f"{type(error).__name__}: {error}"
            log.error("%s failed: %s", outcome.target.label, outcome.problem)
    plan = bench.plan
    for index, outcome in enumerate(remembered):
        if outcome.problem:
            continue
        later = len(remembered) - index - 1
        spare = later * (plan.memory_min_seconds + MEMORY_SETUP_SECONDS)
        share = deadline - time.monotonic() - spare - MEMORY_SETUP_SECONDS
        seconds = min(plan.memory_seconds, max(plan.memory_min_seconds, share))
        log.info(
            "memory of %s, opening conversations for up to %.0f s", outcome.target.label, seconds
        )
        try:
            outcome.memory = await bench.measure_memory(outcome.target, seconds)
        except Exception as error:  # one server failing must not stop the others
            outcome.problem = f"memory: {type(error).__name__}: {error}"
            log.error("%s failed: %s", outcome.target.label, outcome.problem)


def failed(outcomes: list[Outcome], plan: Plan) -> list[str]:
    """What makes this run a failure."""
    problems = []
    for outcome in outcomes:
        label = outcome.target.label
        skipped = plan is QUICK and outcome.problem.startswith(("botbuilder", "PostgreSQL"))
        if outcome.problem and not skipped:
            problems.append(f"{label}: {outcome.problem}")
        if outcome.verification is not None and outcome.verification.lost:
            problems.append(f"{label}: {outcome.verification.lost} acknowledged answers lost")
        errors = sum(run.errors for run in outcome.runs)
        errors += outcome.open_loop.errors if outcome.open_loop else 0
        errors += outcome.paced.errors if outcome.paced else 0
        if plan is QUICK and errors:
            problems.append(f"{label}: {errors} turns failed")
    return problems


def main() -> int:
    """Run the benchmark; the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a few seconds, to check it works")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument(
        "--only", default="", help="comma-separated servers: " + ", ".join(t.key for t in TARGETS)
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    options = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("storage").setLevel(logging.WARNING)  # opening databases to check them
    plan = QUICK if options.quick else FULL
    keys = {key.strip() for key in options.only.split(",") if key.strip()}
    unknown = keys - {target.key for target in TARGETS}
    if unknown:
        parser.error(f"unknown servers: {', '.join(sorted(unknown))}")
    chosen = [target for target in TARGETS if not keys or target.key in keys]
    started, clock = datetime.now(UTC), time.monotonic()
    outcomes = asyncio.run(measure_all(plan, chosen, memory=not options.no_memory))
    found = report.results(outcomes, plan, started, time.monotonic() - clock)
    table = report.rows(outcomes, found)
    print()
    if plan is QUICK:
        print("Quick mode checks that the benchmark works; its figures mean nothing.")
    print(report.text_table(table))
    print("* not steady: some residents never had an answer in the time allowed.")
    print()
    for line in report.notes(outcomes, found):
        print(line)
    for line in safety.cost_lines():
        print(line)
    stem = "quick" if plan is QUICK else report.stamp(started)
    for path in report.write(found, outcomes, options.out, stem):
        print(f"wrote {path}")
    problems = failed(outcomes, plan)
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
