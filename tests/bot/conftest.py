"""Fixtures for the bot: the app over real HTTP on loopback, and a loopback connector.

The connector stands in for Azure Bot Service's side: a small aiohttp server
that speaks the Bot Framework connector API and keeps what the bot sent.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import Settings


class Connector:
    """The replies the bot posted to this loopback connector, per conversation."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.url = ""
        self._ids = itertools.count(1)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self.receive)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self.receive)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        activity = await request.json()
        activity["_conversation"] = request.match_info["conversation"]
        self.received.append(activity)
        return web.json_response({"id": f"reply-{next(self._ids)}"})

    def texts(self, conversation: str) -> list[str]:
        return [
            a.get("text", "")
            for a in self.received
            if a["_conversation"] == conversation and a.get("type") == "message"
        ]


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for a test app on the test's database."""
    return Settings(
        environment="test",
        database_url=database_url,
        session_secret="test-session-secret-of-forty-characters!",
        resident_hash_key="test-resident-hash-key-of-forty-characters",
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """The whole app, served on loopback."""
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    """A loopback Bot Framework connector that records replies."""
    peer = Connector()
    async with TestServer(peer.app()) as server:
        peer.url = str(server.make_url("")).rstrip("/")
        yield peer
