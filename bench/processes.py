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


async def start_server(kind: str, log_dir: Path, *options: str) -> Server:
    """Start `python -m bench.servers KIND OPTIONS` and wait until it listens."""
    log_path = log_dir / f"{kind}-{next(_numbers)}.log"
    log_file = log_path.open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.servers",
        kind,
        *options,
        cwd=ROOT,
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
