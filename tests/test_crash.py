"""The server killed (SIGKILL) at random moments while residents answer: nothing acknowledged
is lost or recorded twice, and every resident carries on at the right question.

A real `survey-bot serve` process, residents talking Direct Line to it over loopback
HTTP, and a killer that stops the process dead at random instants and starts it
again. A resident whose message got no answer sends it again, as Web Chat does,
with the same client activity id. At the end every resident must have completed
the survey with exactly the answers of the script: an answer lost would leave a
question unanswered, one recorded twice would shift every answer after it.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa

from bot.settings import Settings
from storage.database import open_database
from storage.models import TranscriptLine
from storage.queries import list_responses
from tests.directline.conftest import SCRIPT_ANSWERS, SECRET, message, survey_steps

PROJECT = Path(__file__).resolve().parent.parent
RESIDENTS = 6
KILLS = 4
# The whole run is a few dozen seconds; the limit is for a machine under load.
pytestmark = pytest.mark.timeout(600)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """`survey-bot serve` as its own process, to be killed and started again."""

    def __init__(self, settings: Settings, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "PYTEST"))},
            **settings.to_env(),
        }
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        command = shutil.which("survey-bot", path=str(Path(sys.executable).parent))
        assert command, "the survey-bot command is installed with the project"
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [command, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=PROJECT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    async def ready(self, session: aiohttp.ClientSession) -> None:
        for _ in range(600):
            try:
                async with session.get(f"{self.url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise AssertionError("the server did not start:\n" + self.log.read_text()[-3000:])


@dataclass
class Resident:
    """One resident's conversation and how far through the script they are."""

    number: int
    conversation: str = ""
    token: str = ""
    step: int = 0
    retries: int = 0


async def talk(session: aiohttp.ClientSession, server: Server, resident: Resident) -> None:
    """Answer every step of the script, sending a message again until it is acknowledged."""
    steps = survey_steps()
    while not resident.conversation:
        try:
            async with session.post(f"{server.url}/api/webchat/token") as response:
                if response.status != 200:
                    raise aiohttp.ClientError(response.status)
                token = await response.json()
            headers = {"Authorization": f"Bearer {token['token']}"}
            url = f"{server.url}/v3/directline/conversations"
            async with session.post(url, headers=headers) as response:
                if response.status != 201:
                    raise aiohttp.ClientError(response.status)
                started = await response.json()
            resident.conversation, resident.token = started["conversationId"], started["token"]
        except (aiohttp.ClientError, OSError):
            await asyncio.sleep(0.2)
    while resident.step < len(steps):
        answer = steps[resident.step]["answer"]
        client_id = f"resident-{resident.number}-step-{resident.step}"
        url = f"{server.url}/v3/directline/conversations/{resident.conversation}/activities"
        try:
            async with session.post(
                url,
                json=message(answer, client_id),
                headers={"Authorization": f"Bearer {resident.token}"},
                timeout=aiohttp.ClientTimeout(total=30),
            ) as response:
                if response.status == 200:
                    resident.step += 1  # acknowledged: the turn is stored
                    # A moment to read and tap, so the residents are still answering when the
                    # server has been killed and started again a few times.
                    await asyncio.sleep(random.uniform(0.1, 0.4))
                    continue
                assert response.status >= 500 or response.status == 429, await response.text()
        except (aiohttp.ClientError, OSError, TimeoutError):
            pass
        resident.retries += 1
        await asyncio.sleep(0.2)


async def kill_now_and_then(
    server: Server, session: aiohttp.ClientSession, done: asyncio.Event
) -> int:
    """Kill the server at random instants, and start it again; how many times it was killed."""
    kills = 0
    rng = random.Random(20261204)
    while kills < KILLS and not done.is_set():
        await asyncio.sleep(rng.uniform(0.3, 1.5))
        if done.is_set():
            break
        server.kill()
        kills += 1
        server.start()
        await server.ready(session)
    return kills


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[Server]:
    settings_for_serving = settings.replace(direct_line_secret=SECRET, environment="development")
    running = Server(settings_for_serving, tmp_path / "server.log")
    running.start()
    yield running
    running.stop()


async def test_a_killed_server_loses_nothing_acknowledged_and_records_nothing_twice(
    server: Server, settings: Settings
) -> None:
    residents = [Resident(n) for n in range(RESIDENTS)]
    async with aiohttp.ClientSession() as session:
        await server.ready(session)
        done = asyncio.Event()
        killer = asyncio.create_task(kill_now_and_then(server, session, done))
        await asyncio.gather(*(talk(session, server, r) for r in residents))
        done.set()
        kills = await killer

    assert kills >= 3, "the residents finished before the server was killed often enough"
    assert sum(r.retries for r in residents) > 0, "no message was ever caught by a kill"
    db = await open_database(settings.database_url, migrate=False)
    try:
        stored = {r.conversation_id: r for r in await list_responses(db)}
        async with db.sessions() as session:
            lines = (
                await session.exec(
                    sa.select(TranscriptLine.conversation_id, sa.func.count())  # type: ignore[call-overload]
                    .where(TranscriptLine.sender == "resident")
                    .group_by(TranscriptLine.conversation_id)
                )
            ).all()
    finally:
        await db.close()
    # Each message the resident sent is in the transcript once, however often it was sent.
    typed = {str(conversation): int(count) for conversation, count in lines}
    assert {r.conversation: typed.get(r.conversation) for r in residents} == {
        r.conversation: len(survey_steps()) for r in residents
    }
    expected = SCRIPT_ANSWERS
    for resident in residents:
        response = stored[resident.conversation]
        assert response.status == "completed", resident
        answers = {(a.question_id, a.item): a.value for a in response.answers}
        for key, value in expected.items():
            assert answers.get(key) == value, (resident, key, answers)
    assert len(stored) == RESIDENTS
