"""A newcomer follows the README: its shell commands, in order, in a fresh copy of the project.

The copy holds only the files under version control (no environment, no
node_modules, no data), so every command must work with only what the
commands before it did. `make test` is the one command not run again: it is
what runs this test. The commands use SQLite, so one pass of the suite is
enough: on the PostgreSQL pass this test is skipped.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import pytest

PROJECT = Path(__file__).resolve().parent.parent
README = (PROJECT / "README.md").read_text(encoding="utf-8")
EMAIL = "you@example.org"
PASSWORD = "a long walk by the river Lea 42"
# Installing the environment from the package registries comes first: minutes, not seconds.
START_SECONDS = 900
COMMAND_SECONDS = 120
KNOWN = {"make run", "make test", ".venv/bin/survey-bot chat", f"make staff EMAIL={EMAIL}"}


def readme_commands() -> list[str]:
    """Each command in the README's shell blocks, in order, without its comment."""
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", README, flags=re.S | re.M):
        for line in block.splitlines():
            command = line.split("#", 1)[0].strip()
            if command:
                commands.append(command)
    return commands


def test_the_walkthrough_knows_every_command_the_readme_gives() -> None:
    commands = readme_commands()
    assert commands[:2] == ["make run", "make test"]
    assert set(commands) <= KNOWN, f"teach test_readme_walkthrough: {set(commands) - KNOWN}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files under version control, as they are in the working tree, and nothing else."""
    if shutil.which("git") is None or not (PROJECT / ".git").exists():
        pytest.skip("not a git checkout, so there is no list of the project's own files")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT, capture_output=True, check=True
    ).stdout
    copy = tmp_path_factory.mktemp("newcomer") / "survey-bot"
    for name in filter(None, listed.decode().split("\0")):
        source = PROJECT / name
        if source.is_file():
            target = copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return copy


@pytest.fixture(scope="module")
def newcomer_env() -> dict[str, str]:
    """A shell as a newcomer has it: none of this suite's settings, a port of its own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MAKE", "MFLAGS", "PYTEST", "SURVEY_", "TEST_", "VIRTUAL_ENV"))
        and key not in {"DATABASE_URL", "HOST", "PORT", "PYTHONPATH"}
    }
    env["PORT"] = str(free_port())
    return env


@contextmanager
def serving(copy: Path, env: dict[str, str]) -> Iterator[tuple[str, list[str]]]:
    """`make run` in the copy until it prints the staff site's address; then it is stopped."""
    process = subprocess.Popen(
        ["bash", "-c", "make run"],
        cwd=copy,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    assert process.stdout is not None
    # Everything it prints is kept, read as it comes, so the pipe never fills.
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + START_SECONDS
        address = None
        while address is None and time.monotonic() < deadline and process.poll() is None:
            found = re.search(r"(http://[\d.]+:\d+)/review/", "".join(lines))
            address = found[1] if found else None
            time.sleep(0.2)
        assert address, "make run printed no address:\n" + "".join(lines[-40:])
        yield address, lines
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        reader.join(timeout=10)
        process.stdout.close()


def shell(
    command: str, copy: Path, env: dict[str, str], typed: str
) -> subprocess.CompletedProcess[str]:
    """A command as typed at a shell prompt in the copy, with no terminal, given `typed`."""
    return subprocess.run(
        ["bash", "-c", command],
        cwd=copy,
        env=env,
        input=typed,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        start_new_session=True,
    )


def read_more(lines: list[str]) -> str:
    return "".join(lines)


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def up(address: str) -> tuple[int, str]:
    """`/healthz`, asked until the server listens (it prints its addresses as it starts)."""
    deadline = time.monotonic() + COMMAND_SECONDS
    while True:
        try:
            return await get(f"{address}/healthz")
        except aiohttp.ClientConnectionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def log_in(address: str) -> str:
    """Log in to the staff site as the account `make staff` added; the page it lands on."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(f"{address}/review/login") as response:
            form = await response.text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf, form
        data = {"csrf": csrf[1], "next": "", "email": EMAIL, "password": PASSWORD}
        async with session.post(f"{address}/review/login", data=data) as response:
            assert response.status == 200, await response.text()
            return str(response.url)


@pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="the README's commands use SQLite"
)
@pytest.mark.timeout(START_SECONDS + 4 * COMMAND_SECONDS)
async def test_a_newcomer_follows_the_readme_in_order_on_a_fresh_copy(
    fresh_copy: Path, newcomer_env: dict[str, str]
) -> None:
    seen_hint = False
    for command in readme_commands():
        if command == "make test":
            continue  # this suite is what `make test` runs
        if command == "make run":
            with serving(fresh_copy, newcomer_env) as (address, lines):
                status, body = await up(address)
                assert status == 200, body
                status, body = await get(f"{address}/")
                assert status == 200
                assert "Contacting the police when it is not an emergency" in body
                status, _ = await get(f"{address}/review/login")
                assert status == 200
                # The hint about staff accounts is printed as the server starts listening.
                hint = f"make staff EMAIL={EMAIL}" in read_more(lines)
                if not seen_hint:
                    # Before any staff account: the start-up output says how to add one.
                    assert hint, read_more(lines)
                    seen_hint = True
                else:
                    assert not hint, read_more(lines)
                    assert (await log_in(address)).endswith("/review/responses")
        elif command == ".venv/bin/survey-bot chat":
            done = await asyncio.to_thread(shell, command, fresh_copy, newcomer_env, "yes\n")
            assert done.returncode == 0, done.stderr
            assert "Are you happy to take part?" in done.stdout
            assert "Do you live or work in Hertfordshire?" in done.stdout
        elif command.startswith("make staff "):
            # The password is asked for twice; with no terminal it is read from the input.
            typed = f"{PASSWORD}\n{PASSWORD}\n"
            done = await asyncio.to_thread(shell, command, fresh_copy, newcomer_env, typed)
            assert done.returncode == 0, done.stdout + done.stderr
        else:
            pytest.fail(f"the walkthrough does not know {command!r}")
    assert seen_hint
