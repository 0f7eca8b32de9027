"""The loopback connector: where bots on /api/messages post their replies.

It stands in for Azure Bot Service's side of the Bot Framework connector API
(`POST {serviceUrl}/v3/conversations/{id}/activities[/{replyToId}]`). The
generator asks for the replies to an activity before it posts it, and is woken
when the first message in reply arrives.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
from collections import defaultdict
from typing import Any

from aiohttp import web

BACKLOG = 4096


class Connector:
    """Receives bots' replies and hands them to whoever is waiting for them."""

    def __init__(self) -> None:
        self.url = ""
        self.received = 0
        self._ids = itertools.count(1)
        self._replies: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self._waiting: dict[str, asyncio.Event] = {}
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen on a loopback port the system picks."""
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._receive)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._receive)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        await web.SockSite(self._runner, listener, backlog=BACKLOG).start()
        self.url = f"http://127.0.0.1:{listener.getsockname()[1]}"

    async def close(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    def expect(self, activity_id: str) -> asyncio.Event:
        """An event set when a message replying to `activity_id` arrives."""
        event = asyncio.Event()
        self._waiting[activity_id] = event
        return event

    def take(self, activity_id: str) -> list[dict[str, Any]]:
        """The messages received in reply to `activity_id`, forgotten once taken."""
        self._waiting.pop(activity_id, None)
        return self._replies.pop(activity_id, [])

    async def _receive(self, request: web.Request) -> web.Response:
        activity = await request.json()
        self.received += 1
        reply_to = activity.get("replyToId") or request.match_info.get("reply_to", "")
        if activity.get("type") == "message" and reply_to in self._waiting:
            self._replies[reply_to].append(activity)
            self._waiting[reply_to].set()
        return web.json_response({"id": f"reply-{next(self._ids)}"})
