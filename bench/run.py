"""Measuring one server: start it, warm it up, load it at each level, check it, stop it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.channels import Ceiling, Channel, DirectLine, Messages
from bench.connector import Connector
from bench.figures import RunFigures, summarise
from bench.load import (
    Recorder,
    Resident,
    closed_loop,
    converse,
    open_conversations,
    open_loop,
    paced,
)
from bench.processes import RESIDENT_HASH_KEY, SESSION_SECRET, Group, Running, start_server
from bench.targets import Target, database
from bench.verify import Verification, verify

log = logging.getLogger(__name__)

SECONDS_PER_HOUR = 3600.0
# Conversations opened between two looks at the clock.
MEMORY_BATCH = 50
# How long a server left busy gets to stop by itself before it is terminated.
BUSY_STOP_SECONDS = 3.0


@dataclass(frozen=True)
class Plan:
    """How hard and how long to push each server."""

    name: str
    levels: tuple[int, ...]  # concurrent residents, closed loop
    window: float  # measured seconds at each level
    warmup_min: float  # seconds before measuring, at least...
    warmup_max: float  # ...and at most (enough for every resident to have had a turn)
    warm_residents: int  # residents taken through the survey before anything is measured
    open_residents_per_hour: float  # open loop: arrivals
    open_seconds: float  # open loop: how long residents keep arriving
    think: float  # open loop: seconds between a resident's turns
    paced_residents: int  # paced: residents in the survey at once...
    paced_think: float  # ...each answering this many seconds after their last answer was due...
    paced_seconds: float  # ...for this long
    turn_timeout: float
    memory_counts: tuple[int, ...]  # open conversations at which memory is read
    memory_seconds: float  # at most this long opening conversations, per server...
    memory_min_seconds: float  # ...and at least this long, whatever the budget says
    memory_warm: int  # conversations opened before the baseline is read
    memory_steps: int  # answers given in each conversation left open
    memory_concurrency: int
    # The whole run should take about this long: memory gets what the load runs leave.
    budget_seconds: float
    # Start every server before measuring any: quicker, but they disturb each other's start.
    start_all_at_once: bool = False
    # Whose memory to measure: the usual way too, or survey-bot alone.
    memory_of_usual_way: bool = True


FULL = Plan(
    name="full",
    levels=(10, 100, 500),
    window=3.0,
    warmup_min=0.5,
    warmup_max=20.0,
    warm_residents=2,
    open_residents_per_hour=3600.0,
    open_seconds=4.0,
    think=0.15,
    paced_residents=100,
    paced_think=1.0,
    paced_seconds=6.0,
    turn_timeout=60.0,
    memory_counts=(1000, 10000),
    memory_seconds=120.0,
    memory_min_seconds=12.0,
    memory_warm=20,
    memory_steps=1,
    memory_concurrency=50,
    budget_seconds=270.0,
)
QUICK = Plan(
    name="quick",
    levels=(4,),
    window=0.5,
    warmup_min=0.2,
    warmup_max=0.5,
    warm_residents=0,
    open_residents_per_hour=7200.0,
    open_seconds=1.0,
    think=0.02,
    paced_residents=4,
    paced_think=0.1,
    paced_seconds=0.5,
    turn_timeout=20.0,
    memory_counts=(10,),
    memory_seconds=5.0,
    memory_min_seconds=5.0,
    memory_warm=4,
    memory_steps=1,
    memory_concurrency=5,
    budget_seconds=30.0,
    start_all_at_once=True,
    memory_of_usual_way=False,
)


@dataclass
class Outcome:
    """Everything measured on one server."""

    target: Target
    runs: list[RunFigures] = field(default_factory=list)
    open_loop: RunFigures | None = None
    paced: RunFigures | None = None
    verification: Verification | None = None
    rss_kib_after_load: int = 0
    memory: dict[str, Any] | None = None
    problem: str = ""  # why it was not (fully) measured

    def closed(self, residents: int) -> RunFigures | None:
        """The closed-loop run at this many residents, if there was one."""
        return next((run for run in self.runs if run.residents == residents), None)


@dataclass
class Prepared:
    """A server (or a group of them) started on a fresh database of its own."""

    database_url: str
    server: Running


@dataclass
class Bench:
    """What every measurement shares: the plan, the HTTP client, the connector, the files.

    Servers (and their databases) are stopped (and dropped) when `stack` closes,
    if they were not stopped before. `prestart` starts servers ahead of time, so
    a quick run can start them all at once.
    """

    plan: Plan
    session: aiohttp.ClientSession
    connector: Connector
    work_dir: Path
    survey_file: Path
    stack: contextlib.AsyncExitStack
    _ready: dict[tuple[str, str], asyncio.Task[Prepared]] = field(default_factory=dict)

    def prestart(self, target: Target, purpose: str) -> None:
        """Start the server `prepared(target, purpose)` will return, now."""
        self._ready[(target.key, purpose)] = asyncio.create_task(self._prepare(target))

    async def prepared(self, target: Target, purpose: str) -> Prepared:
        """A server for the target on a fresh database: prestarted, or started now."""
        task = self._ready.pop((target.key, purpose), None)
        return await task if task is not None else await self._prepare(target)

    async def forget_prestarted(self) -> None:
        """Wait for servers started ahead of time but never used (they stop with the stack)."""
        tasks, self._ready = list(self._ready.values()), {}
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _prepare(self, target: Target) -> Prepared:
        url = await self.stack.enter_async_context(database(target, self.work_dir))
        options: list[str] = []
        if target.is_survey_bot:
            options = ["--database-url", url, "--survey-file", str(self.survey_file)]
        # Servers sharing a database share their secrets too, as production instances must.
        shared = {name: secrets.token_urlsafe(30) for name in (SESSION_SECRET, RESIDENT_HASH_KEY)}
        servers = []
        for _ in range(target.instances):  # One after another: the first migrates the database.
            server = await start_server(target.server, self.work_dir, *options, env=shared)
            self.stack.push_async_callback(server.stop)
            servers.append(server)
        if len(servers) == 1:
            return Prepared(url, servers[0])
        upstreams = [part for server in servers for part in ("--upstream", server.url)]
        proxy = await start_server("round-robin", self.work_dir, *upstreams)
        self.stack.push_async_callback(proxy.stop)
        return Prepared(url, Group(proxy, servers))

    def channel(self, target: Target, server: Running) -> Channel:
        """How residents reach the target."""
        if target.channel == "directline":
            return DirectLine(self.session, server.url)
        if target.channel == "messages":
            return Messages(self.session, server.url, self.connector)
        return Ceiling(self.session, server.url)

    async def measure(self, target: Target, outcome: Outcome) -> None:
        """Load the target at each level and in the open loop, then check its database."""
        prepared = await self.prepared(target, "load")
        server = prepared.server
        residents: list[Resident] = []
        try:
            channel = self.channel(target, server)
            residents += await self._warm_up(target, channel)
            await self._load(target, channel, server, outcome, residents)
            outcome.rss_kib_after_load = server.rss_kib()
        finally:
            # Turns of the busiest level may still be queued: they are not waited for.
            await server.stop(grace=BUSY_STOP_SECONDS)
        if target.is_survey_bot:
            outcome.verification = await verify(prepared.database_url, residents)

    async def _warm_up(self, target: Target, channel: Channel) -> list[Resident]:
        """Take a resident through each script, unmeasured, so code and caches are loaded."""
        recorder = Recorder()
        for index in range(self.plan.warm_residents):
            resident = Resident(target.scripts[index % len(target.scripts)])
            await converse(channel, resident, recorder, turn_timeout=self.plan.turn_timeout)
            recorder.residents.append(resident)
        if recorder.error_count:
            raise RuntimeError(f"warming up failed: {dict(recorder.errors)}")
        return recorder.residents

    async def _load(
        self,
        target: Target,
        channel: Channel,
        server: Running,
        outcome: Outcome,
        residents: list[Resident],
    ) -> None:
        """The open loop, then each closed-loop level, the busiest last."""
        plan = self.plan
        mean_turns = sum(s.turns for s in target.scripts) / len(target.scripts)
        offered = plan.open_residents_per_hour / SECONDS_PER_HOUR * mean_turns
        outcome.open_loop = await self._run(
            target,
            server,
            residents,
            open_loop(
                channel,
                target.scripts,
                rate=offered,
                think=plan.think,
                seconds=plan.open_seconds,
                turn_timeout=plan.turn_timeout,
            ),
            mode="open",
            offered=offered,
        )
        outcome.paced = await self._run(
            target,
            server,
            residents,
            paced(
                channel,
                target.scripts,
                residents=plan.paced_residents,
                think=plan.paced_think,
                seconds=plan.paced_seconds,
            ),
            mode="paced",
            residents_at_once=plan.paced_residents,
            offered=plan.paced_residents / plan.paced_think,
        )
        for level in plan.levels:
            load = closed_loop(
                channel,
                target.scripts,
                residents=level,
                seconds=plan.window,
                warmup=(plan.warmup_min, plan.warmup_max),
                turn_timeout=plan.turn_timeout,
                # The server stops after the last level: no need to wait for its backlog.
                drain=level != plan.levels[-1],
            )
            run = await self._run(
                target, server, residents, load, mode="closed", residents_at_once=level
            )
            outcome.runs.append(run)

    @staticmethod
    async def _run(
        target: Target,
        server: Running,
        residents: list[Resident],
        load: Coroutine[Any, Any, tuple[Recorder, float]],
        *,
        mode: str,
        residents_at_once: int | None = None,
        offered: float = 0.0,
    ) -> RunFigures:
        """One load run and its figures; its residents are added to `residents`."""
        cpu, client_cpu = server.cpu_seconds(), time.process_time()
        recorder, seconds = await load
        figures = summarise(
            recorder,
            mode=mode,
            residents=len(recorder.residents) if residents_at_once is None else residents_at_once,
            seconds=seconds,
            server_cpu=server.cpu_seconds() - cpu,
            client_cpu=time.process_time() - client_cpu,
            offered=offered,
        )
        residents += recorder.residents
        log.info("%s: %s", target.key, _line(figures))
        return figures

    async def measure_memory(self, target: Target, seconds: float) -> dict[str, Any]:
        """Server memory with many conversations left open mid-survey, per conversation.

        Conversations are opened for at most `seconds`; a count not reached in
        that time is reported as such.
        """
        plan = self.plan
        server = (await self.prepared(target, "memory")).server
        try:
            channel = self.channel(target, server)
            await self._warm_up(target, channel)

            async def open_some(count: int) -> int:
                recorder = await open_conversations(
                    channel,
                    target.scripts[0],
                    count=count,
                    steps=plan.memory_steps,
                    concurrency=plan.memory_concurrency,
                    turn_timeout=plan.turn_timeout,
                )
                return count - recorder.error_count

            await open_some(plan.memory_warm)
            baseline = server.rss_kib()
            started = time.monotonic()
            points: list[dict[str, Any]] = []
            samples: list[tuple[int, int]] = []  # (conversations open, RSS in KiB)
            opened = 0
            for goal in plan.memory_counts:
                while opened < goal and time.monotonic() - started < seconds:
                    opened += await open_some(min(goal - opened, MEMORY_BATCH))
                    samples.append((opened, server.rss_kib()))
                points.append(_memory_point(goal, opened, baseline, server.rss_kib()))
                if opened < goal:
                    break
            marginal = _marginal_bytes(samples)
            log.info("%s: memory %s, %s bytes more per conversation", target.key, points, marginal)
            return {
                "baseline_rss_kib": baseline,
                "answers_given": plan.memory_steps,
                "seconds": round(time.monotonic() - started, 1),
                "points": points,
                "marginal_bytes_per_conversation": marginal,
                "samples": samples,
            }
        finally:
            await server.stop()


def _memory_point(goal: int, opened: int, baseline: int, rss: int) -> dict[str, Any]:
    per = (rss - baseline) * 1024 / opened if opened else 0.0
    return {
        "goal": goal,
        "conversations": opened,
        "rss_kib": rss,
        "bytes_per_conversation": round(per),
        "reached": opened >= goal,
    }


def _marginal_bytes(samples: list[tuple[int, int]]) -> int | None:
    """Growth per conversation over the later half of the samples (a least-squares slope).

    The later half leaves out what a process allocates once, early on (pools,
    caches), which the average from the baseline still carries.
    """
    later = [(n, rss) for n, rss in samples if n >= samples[-1][0] / 2] if samples else []
    if len(later) < 2 or later[-1][0] == later[0][0]:
        return None
    mean_n = sum(n for n, _ in later) / len(later)
    mean_rss = sum(rss for _, rss in later) / len(later)
    spread = sum((n - mean_n) ** 2 for n, _ in later)
    slope = sum((n - mean_n) * (rss - mean_rss) for n, rss in later) / spread
    return round(slope * 1024)


def _line(figures: RunFigures) -> str:
    return (
        f"{figures.mode} {figures.residents} residents: {figures.turns_per_second} turns/s, "
        f"p50 {figures.p50_ms} ms, p99 {figures.p99_ms} ms, {figures.errors} errors"
        + ("" if figures.steady else " (not steady: some residents had no answer yet)")
    )
