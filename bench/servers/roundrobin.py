"""A round-robin TCP proxy: each new connection goes to the next server in turn.

It stands in for the load balancer in front of several `survey-bot serve`
processes. It balances connections, not requests, as a TCP (layer 4) balancer
does; the benchmark's client keeps many connections open and uses whichever
is free, so one resident's messages and polls reach both servers. It reads no
HTTP, so it costs little CPU beside the servers it stands in front of.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections import Counter
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

CHUNK = 64 * 1024


class RoundRobin:
    """Hands each connection to the next upstream (host, port) and copies bytes both ways."""

    def __init__(self, upstreams: list[str]) -> None:
        if not upstreams:
            raise ValueError("give at least one upstream URL")
        addresses = [urlsplit(url) for url in upstreams]
        self.upstreams = [(a.hostname or "127.0.0.1", a.port or 80) for a in addresses]
        self._next = itertools.cycle(range(len(self.upstreams)))
        self.connections: Counter[int] = Counter()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One client connection, for as long as it lasts."""
        chosen = next(self._next)
        self.connections[chosen] += 1
        host, port = self.upstreams[chosen]
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
        except OSError as error:
            log.warning("upstream %s:%s refused a connection: %s", host, port, error)
            writer.close()
            return
        await asyncio.gather(
            _copy(reader, upstream_writer), _copy(upstream_reader, writer), return_exceptions=True
        )

    def summary(self) -> str:
        """How many connections each upstream was given."""
        return ", ".join(
            f"{host}:{port} {self.connections[index]}"
            for index, (host, port) in enumerate(self.upstreams)
        )


async def _copy(source: asyncio.StreamReader, destination: asyncio.StreamWriter) -> None:
    """Copy until the source closes, then close the destination."""
    try:
        while chunk := await source.read(CHUNK):
            destination.write(chunk)
            await destination.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, OSError, RuntimeError):
            destination.close()
