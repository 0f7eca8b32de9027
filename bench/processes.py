"""Server processes: started on loopback, watched (memory, CPU) and stopped by their own id."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 60.0
STOP_SECONDS = 10.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Where a survey-bot server finds the secrets it shares with the others measured with it.
SESSION_SECRET = "BENCH_SESSION_SECRET"
RESIDENT_HASH_KEY = "BENCH_RESIDENT_HASH_KEY"
_numbers = itertools.count(1)


class ServerStartError(RuntimeError):
    """A benchmark server that would not start, with the end of its log."""


@dataclass
class Server:
    """A running benchmark server."""

    kind: str
    process: asyncio.subprocess.Process
    port: int
    log_path: Path
    log_file: IO[bytes]

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """Its process id."""
        return self.process.pid

    def rss_kib(self) -> int:
        """Its resident memory now, in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise ServerStartError(f"{self.kind}: no VmRSS for process {self.pid}")

    def cpu_seconds(self) -> float:
        """CPU time it has used so far (user and system)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()
        # After the command name: state is field 3, utime and stime are fields 14 and 15.
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    async def stop(self, grace: float = STOP_SECONDS) -> None:
        """Close its input (it stops by itself), then terminate or kill it if it lingers."""
        process = self.process
        if process.returncode is None:
            if process.stdin is not None:
                process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), grace)
            except TimeoutError:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), grace)
                except TimeoutError:
                    process.kill()
                    await process.wait()
        self.log_file.close()


@dataclass
class Group:
    """Several servers behind the round-robin proxy, measured as one: reached at the proxy.

    Memory and CPU are the servers' together; the proxy's own are left out,
    since it stands in for the load balancer, which is not survey-bot.
    """

    proxy: Server
    servers: list[Server]

    @property
    def url(self) -> str:
        """The proxy's base URL."""
        return self.proxy.url

    def rss_kib(self) -> int:
        """The servers' resident memory now, together, in KiB."""
        return sum(server.rss_kib() for server in self.servers)

    def cpu_seconds(self) -> float:
        """The CPU time the servers have used so far, together."""
        return sum(server.cpu_seconds() for server in self.servers)

    async def stop(self, grace: float = STOP_SECONDS) -> None:
        """Stop the proxy, then the servers."""
        await self.proxy.stop(grace)
        for server in self.servers:
            await server.stop(grace)


# What a load runs against: one server, or a group behind the proxy.
Running = Server | Group


async def start_server(
    kind: str, log_dir: Path, *options: str, env: dict[str, str] | None = None
) -> Server:
    """Start `python -m bench.servers KIND OPTIONS` and wait until it listens.

    `env` is added to this process's environment for it.
    """
    log_path = log_dir / f"{kind}-{next(_numbers)}.log"
    log_file = log_path.open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.servers",
        kind,
        *options,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=log_file,
    )
    server = Server(kind, process, 0, log_path, log_file)
    try:
        if process.stdout is None:
            raise ServerStartError(f"{kind}: no output pipe")
        line = await asyncio.wait_for(process.stdout.readline(), START_SECONDS)
        server.port = int(json.loads(line)["port"])
    except (TimeoutError, ValueError, KeyError) as error:
        await server.stop()
        raise ServerStartError(f"{kind} did not start:\n{tail(log_path)}") from error
    return server


def tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log file."""
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""
