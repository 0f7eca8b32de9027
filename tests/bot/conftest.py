"""Fixtures for the bot: the whole app over real HTTP on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import Settings


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
