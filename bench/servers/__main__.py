"""Start one benchmark server: `python -m bench.servers ceiling|usual|survey-bot [options]`.

`python -m bench.servers round-robin --upstream URL --upstream URL` starts the
proxy that stands in front of several survey-bot servers instead.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import socket
import sys
import threading

from aiohttp import web

log = logging.getLogger("bench.servers")

KINDS = ("ceiling", "usual", "survey-bot", "round-robin")
# Hundreds of residents connect at once; the usual way also opens a connection per reply.
BACKLOG = 4096
# When told to stop, requests still queued get this long: the benchmark has moved on.
SHUTDOWN_SECONDS = 2.0


def build(kind: str, options: argparse.Namespace) -> web.Application:
    """The application for one kind of server."""
    if kind == "ceiling":
        from bench.servers import ceiling

        return ceiling.create_app()
    if kind == "usual":
        from bench.servers import usual

        return usual.create_app()
    from bench.servers import surveybot

    return surveybot.create_app(options.database_url, options.survey_file)


async def serve(app: web.Application, max_seconds: float) -> None:
    """Serve on a loopback port the system picks until told to stop."""
    runner = web.AppRunner(
        app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_SECONDS
    )
    await runner.setup()
    listener = _listener()
    site = web.SockSite(runner, listener, backlog=BACKLOG)
    await site.start()
    try:
        await _until_stopped(listener, max_seconds)
    finally:
        await runner.cleanup()


async def serve_round_robin(upstreams: list[str], max_seconds: float) -> None:
    """Hand connections to the upstreams in turn until told to stop."""
    from bench.servers.roundrobin import RoundRobin

    proxy = RoundRobin(upstreams)
    listener = _listener()
    server = await asyncio.start_server(proxy.handle, sock=listener, backlog=BACKLOG)
    try:
        await _until_stopped(listener, max_seconds)
    finally:
        server.close()
        log.info("connections per server: %s", proxy.summary())


def _listener() -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    return listener


async def _until_stopped(listener: socket.socket, max_seconds: float) -> None:
    """Say which port is served, then wait for SIGTERM, the end of input or the time limit."""
    print(json.dumps({"port": listener.getsockname()[1]}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    threading.Thread(target=_stop_at_end_of_input, args=(loop, stop), daemon=True).start()
    try:
        await asyncio.wait_for(stop.wait(), max_seconds)
    except TimeoutError:
        log.warning("stopping after %.0f s: the benchmark did not stop this server", max_seconds)


def _stop_at_end_of_input(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Stop when standard input closes: the benchmark has finished (or died)."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdin.buffer.read()
    with contextlib.suppress(RuntimeError):  # the loop has closed already
        loop.call_soon_threadsafe(stop.set)


def main() -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="python -m bench.servers")
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--survey-file", default="")
    parser.add_argument("--max-seconds", type=float, default=900.0)
    parser.add_argument("--upstream", action="append", default=[], help="round-robin: a server")
    options = parser.parse_args()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if options.kind == "round-robin":
        asyncio.run(serve_round_robin(options.upstream, options.max_seconds))
        return
    asyncio.run(serve(build(options.kind, options), options.max_seconds))


if __name__ == "__main__":
    main()
