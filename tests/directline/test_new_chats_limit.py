"""New web chats are limited per client address, and the address is only taken from
X-Forwarded-For when the request comes through a proxy the settings trust."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import Settings

Client = TestClient[web.Request, web.Application]


async def serve(settings: Settings) -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_app(settings), host="127.0.0.1")) as client:
        yield client


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.replace(conversations_per_address_per_hour=3)


async def tokens(client: Client, count: int, forwarded: str = "") -> list[int]:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    statuses = []
    for _ in range(count):
        response = await client.post("/api/webchat/token", headers=headers)
        statuses.append(response.status)
        if response.status == 429:
            body = await response.json()
            assert body["error"]["code"] == "TooManyRequests"
            assert int(response.headers["Retry-After"]) > 0
    return statuses


async def test_one_address_may_start_only_so_many_chats(settings: Settings) -> None:
    async for client in serve(settings):
        assert await tokens(client, 4) == [200, 200, 200, 429]
        # A made-up header does not make a new address when no proxy is trusted.
        assert await tokens(client, 1, forwarded="203.0.113.9") == [429]


async def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(
    settings: Settings,
) -> None:
    behind = settings.replace(trusted_proxies="127.0.0.1")
    async for client in serve(behind):
        assert await tokens(client, 4, forwarded="203.0.113.9") == [200, 200, 200, 429]
        assert await tokens(client, 1, forwarded="198.51.100.4") == [200]
        # The client's own claim on the left is ignored: the proxy's entry is the one believed.
        spoofed = "198.51.100.77, 203.0.113.9"
        assert await tokens(client, 1, forwarded=spoofed) == [429]
