"""The load generator: simulated residents, in a closed loop or arriving at a fixed rate.

Closed loop: a fixed number of residents, each starting the survey again as
soon as it has finished, for a fixed time; turns are counted when they finish
inside the measured window (after a short warm-up).

Open loop: residents arrive at a fixed rate and each answers on a fixed
schedule (one turn every `think` seconds). A turn's latency is measured from
when it was meant to be sent, not when it could be: if the server stalls,
the turns queued behind the stall count the wait, so a stalled server is not
flattered by a generator that politely waited for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bench.channels import Channel, Conversation, TurnError
from bench.scripts import Script

log = logging.getLogger(__name__)

REFERENCE = re.compile(r"Your reference is ([A-Z0-9]+)")
# Time allowed for residents still in a turn to finish after a run ends.
GRACE_SECONDS = 5.0
# Time allowed for the turns in flight when a run ends without waiting for them.
ABANDON_SECONDS = 1.0
FAILURE_PAUSE = 0.05

# Waits until the k-th turn of a resident is due; returns the time it was due.
Pace = Callable[[int], Awaitable[float]]


@dataclass
class Resident:
    """A simulated resident and how far they got."""

    script: Script
    conversation: Conversation = field(default_factory=Conversation)
    reference: str = ""
    completed: bool = False
    failure: str = ""


@dataclass
class Recorder:
    """Turn timings and errors of one run; what counts is what finished inside the window."""

    window_start: float = 0.0
    window_end: float = float("inf")
    # Whether every resident had had a turn answered before the window opened.
    steady: bool = True
    turns: list[tuple[float, float]] = field(default_factory=list)  # (due, finished)
    errors: Counter[str] = field(default_factory=Counter)
    residents: list[Resident] = field(default_factory=list)
    # Turns still unanswered when the run ended, counted as answered then (paced runs).
    cut_short: int = 0

    def turn(self, due: float, finished: float) -> None:
        """A turn due at `due` finished at `finished`."""
        self.turns.append((due, finished))

    @property
    def latencies(self) -> list[float]:
        """The latencies of the turns that finished inside the window."""
        start, end = self.window_start, self.window_end
        return [finished - due for due, finished in self.turns if start <= finished <= end]

    def error(self, message: str) -> None:
        """A turn failed."""
        self.errors[message[:120]] += 1

    @property
    def error_count(self) -> int:
        """How many turns failed."""
        return sum(self.errors.values())


async def _immediately(_turn: int) -> float:
    return time.monotonic()


def tapped(replies: list[dict[str, Any]], title: str) -> str:
    """The value of the button titled `title` in the replies (what tapping it sends)."""
    for reply in reversed(replies):
        for action in (reply.get("suggestedActions") or {}).get("actions", []):
            if action.get("title") == title:
                return str(action.get("value", title))
    raise TurnError(f"no button titled {title!r}")


def _texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(reply.get("text", "")) for reply in replies)


async def converse(
    channel: Channel,
    resident: Resident,
    recorder: Recorder,
    *,
    turn_timeout: float,
    stop: asyncio.Event | None = None,
    pace: Pace = _immediately,
    steps: int | None = None,
    answered: asyncio.Event | None = None,
) -> Resident:
    """Take the resident through their script (or its first `steps` answers).

    `answered` is set once the first turn has been answered.
    """
    script = resident.script
    conversation = resident.conversation
    chosen = script.steps if steps is None else script.steps[:steps]
    try:
        due = await pace(0)
        async with asyncio.timeout(turn_timeout):
            replies = await channel.open(conversation)
        recorder.turn(due, time.monotonic())
        if answered is not None:
            answered.set()
        for number, step in enumerate(chosen, start=1):
            if stop is not None and stop.is_set():
                return resident
            if step.prompt not in _texts(replies):
                raise TurnError(f"expected {step.prompt!r}, got {_texts(replies)[-80:]!r}")
            text = tapped(replies, step.answer) if step.tap else step.answer
            due = await pace(number)
            async with asyncio.timeout(turn_timeout):
                replies = await channel.say(conversation, text)
            recorder.turn(due, time.monotonic())
        if steps is None:
            said = _texts(replies)
            if script.done not in said:
                raise TurnError(f"expected {script.done!r} at the end, got {said[-80:]!r}")
            found = REFERENCE.search(said)
            resident.reference = found.group(1) if found else ""
            resident.completed = True
    except TurnError as error:
        resident.failure = str(error)
    except TimeoutError:
        resident.failure = f"no answer within {turn_timeout:.0f} s"
    except aiohttp.ClientError as error:
        resident.failure = f"{type(error).__name__}: {error}"
    except (KeyError, ValueError) as error:  # a body that is not what the protocol says
        resident.failure = f"unexpected answer: {type(error).__name__}: {error}"
    if resident.failure:
        recorder.error(resident.failure)
    return resident


async def _finish(tasks: Sequence[asyncio.Task[Any]], seconds: float) -> None:
    """Wait for the tasks a while, then cancel those still running."""
    if not tasks:
        return
    _done, pending = await asyncio.wait(tasks, timeout=seconds)
    for task in pending:
        task.cancel()
    for task in pending:
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _one_after_another(
    channel: Channel,
    scripts: Sequence[Script],
    recorder: Recorder,
    stop: asyncio.Event,
    *,
    first: int,
    every: int,
    turn_timeout: float,
    pace: Pace = _immediately,
    answered: asyncio.Event | None = None,
) -> None:
    """Residents one after another until `stop`, following scripts `first`, `first + every`...
    (so that `every` of these side by side share the scripts out evenly)."""
    count = first
    while not stop.is_set():
        resident = Resident(scripts[count % len(scripts)])
        count += every
        recorder.residents.append(resident)
        await converse(
            channel,
            resident,
            recorder,
            turn_timeout=turn_timeout,
            stop=stop,
            pace=pace,
            answered=answered,
        )
        if resident.failure:
            await asyncio.sleep(FAILURE_PAUSE)  # a server that refuses at once: no busy loop


async def closed_loop(
    channel: Channel,
    scripts: Sequence[Script],
    *,
    residents: int,
    seconds: float,
    warmup: tuple[float, float],
    turn_timeout: float,
    drain: bool = True,
) -> tuple[Recorder, float]:
    """`residents` residents, each starting again when done, measured for `seconds`.

    The window opens once every resident has had a turn answered (the steady
    state), but not before `warmup[0]` seconds. If that has not happened by
    `warmup[1]` seconds, the run is marked not steady and the window covers it
    all, from the first arrival: a server that shares its time among all its
    requests answers none of them for a long while, then all at once. With
    `drain`, turns still in flight at the end are waited for, so the server is
    idle again before whatever comes next; without, they are abandoned.
    Returns the recorder and the window's length.
    """
    recorder = Recorder()
    stop = asyncio.Event()
    first_turns = [asyncio.Event() for _ in range(residents)]

    started = time.monotonic()
    tasks = [
        asyncio.create_task(
            _one_after_another(
                channel,
                scripts,
                recorder,
                stop,
                first=index,
                every=residents,
                turn_timeout=turn_timeout,
                answered=first_turns[index],
            )
        )
        for index in range(residents)
    ]
    shortest, longest = warmup
    await asyncio.sleep(shortest)
    everyone = asyncio.gather(*(event.wait() for event in first_turns))
    try:
        await asyncio.wait_for(everyone, max(0.0, started + longest - time.monotonic()))
    except TimeoutError:
        recorder.steady = False
    recorder.window_start = time.monotonic() if recorder.steady else started
    recorder.window_end = time.monotonic() + seconds
    await asyncio.sleep(seconds)
    stop.set()
    await _finish(tasks, turn_timeout + GRACE_SECONDS if drain else ABANDON_SECONDS)
    return recorder, recorder.window_end - recorder.window_start


async def open_loop(
    channel: Channel,
    scripts: Sequence[Script],
    *,
    rate: float,
    think: float,
    seconds: float,
    turn_timeout: float,
) -> tuple[Recorder, float]:
    """Residents arriving for `seconds` so that `rate` turns a second are due in all.

    Each resident's turns are due `think` seconds apart from their arrival.
    Returns the recorder and how long the run took.
    """
    mean_turns = sum(script.turns for script in scripts) / len(scripts)
    interval = mean_turns / rate
    arrivals = max(1, round(seconds / interval))
    recorder = Recorder()
    started = time.monotonic()
    tasks = []
    for index in range(arrivals):
        arrival = started + index * interval
        await asyncio.sleep(max(0.0, arrival - time.monotonic()))
        resident = Resident(scripts[index % len(scripts)])
        recorder.residents.append(resident)
        tasks.append(
            asyncio.create_task(
                converse(
                    channel,
                    resident,
                    recorder,
                    turn_timeout=turn_timeout,
                    pace=_schedule(arrival, think),
                )
            )
        )
    longest = max(script.turns for script in scripts) * think
    await _finish(tasks, longest + turn_timeout + GRACE_SECONDS)
    return recorder, time.monotonic() - started


@dataclass
class PacedRecorder(Recorder):
    """A recorder that also knows which turns were due but not yet answered."""

    in_flight: Counter[float] = field(default_factory=Counter)

    def due(self, due: float) -> None:
        """A turn due at `due` is being sent."""
        self.in_flight[due] += 1

    def turn(self, due: float, finished: float) -> None:
        """A turn due at `due` finished at `finished`."""
        self.in_flight[due] -= 1
        if self.in_flight[due] <= 0:
            del self.in_flight[due]
        super().turn(due, finished)

    def cut(self, at: float) -> None:
        """Count the turns still unanswered as answered `at` (the least they waited)."""
        for due, count in list(self.in_flight.items()):
            for _ in range(count):
                self.turns.append((due, at))
                self.cut_short += 1
        self.in_flight.clear()


async def paced(
    channel: Channel,
    scripts: Sequence[Script],
    *,
    residents: int,
    think: float,
    seconds: float,
) -> tuple[PacedRecorder, float]:
    """`residents` residents in the survey at once, each answering every `think` seconds.

    Their first turns are spread over the first `think` seconds; a resident who
    finishes the survey is followed at once by another. Every turn is due on
    that timetable whatever the server does, and its latency is counted from
    when it was due. After `seconds`, turns still unanswered a moment later
    are counted as answered then: a server that cannot keep up is not
    flattered. Returns the recorder and the window's length.
    """
    recorder = PacedRecorder()
    stop = asyncio.Event()
    started = time.monotonic()

    def timetable(first_due: float) -> Pace:
        """Turns due `think` seconds apart from `first_due`, whoever is answering."""
        next_due = first_due

        async def pace(_turn: int) -> float:
            nonlocal next_due
            due, next_due = next_due, next_due + think
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            recorder.due(due)
            return due

        return pace

    tasks = [
        asyncio.create_task(
            _one_after_another(
                channel,
                scripts,
                recorder,
                stop,
                first=index,
                every=residents,
                turn_timeout=seconds * 10,
                pace=timetable(started + index * think / residents),
            )
        )
        for index in range(residents)
    ]
    recorder.window_start = started + think  # Everyone has arrived.
    await asyncio.sleep(seconds)
    stop.set()
    await _finish(tasks, ABANDON_SECONDS)
    recorder.window_end = time.monotonic()
    recorder.cut(recorder.window_end)
    return recorder, recorder.window_end - recorder.window_start


def _schedule(arrival: float, think: float) -> Pace:
    """Turn k is due `k * think` seconds after arrival; waits for it, returns when it was due."""

    async def pace(turn: int) -> float:
        due = arrival + turn * think
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        return due

    return pace


async def open_conversations(
    channel: Channel,
    script: Script,
    *,
    count: int,
    steps: int,
    concurrency: int,
    turn_timeout: float,
) -> Recorder:
    """Open `count` conversations and leave each after `steps` answers, mid-survey."""
    recorder = Recorder()
    queue = iter(range(count))

    async def worker() -> None:
        for _ in queue:
            resident = Resident(script)
            recorder.residents.append(resident)
            await converse(channel, resident, recorder, turn_timeout=turn_timeout, steps=steps)

    tasks = [asyncio.create_task(worker()) for _ in range(min(concurrency, count))]
    await asyncio.gather(*tasks)
    return recorder
