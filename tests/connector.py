"""A loopback Bot Framework connector: the channel's side of Azure Bot Service.

A small aiohttp server speaking the connector API. It keeps every activity the
bot sent, and can fail on purpose to test delivery.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer


class Connector:
    """A channel's connector API: keeps every activity it accepted, and can fail on purpose."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.authorizations: list[str] = []
        self.failures: list[int] = []  # statuses to answer with before accepting again
        self.always_fail = False
        self.calls = 0
        self.url = ""
        self._ids = itertools.count(1)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self.receive)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self.receive)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        self.calls += 1
        activity = await request.json()
        if activity.get("type") == "message" and (self.always_fail or self.failures):
            status = 500 if self.always_fail else self.failures.pop(0)
            return web.json_response({"error": "busy"}, status=status)
        activity["_conversation"] = request.match_info["conversation"]
        self.received.append(activity)
        self.authorizations.append(request.headers.get("Authorization", ""))
        return web.json_response({"id": f"reply-{next(self._ids)}"})

    def messages(self, conversation: str) -> list[dict[str, Any]]:
        return [
            a
            for a in self.received
            if a["_conversation"] == conversation and a.get("type") == "message"
        ]

    def texts(self, conversation: str) -> list[str]:
        return [a.get("text", "") for a in self.messages(conversation)]


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    """A channel's connector on loopback."""
    peer = Connector()
    async with TestServer(peer.app()) as server:
        peer.url = str(server.make_url("")).rstrip("/")
        yield peer
