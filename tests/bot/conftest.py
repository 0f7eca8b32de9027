"""Fixtures for the bot: the whole app over real HTTP on loopback."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import Settings


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """The whole app, served on loopback."""
    async with TestClient(TestServer(create_app(settings))) as test_client:
        yield test_client


async def survey_bot(settings: Settings, *args: str) -> tuple[int, str]:
    """Run the survey-bot command in its own process, as a person would: (exit code, output)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env={
            **os.environ,
            "DATABASE_URL": settings.database_url,
            "SURVEY_FILE": str(settings.survey_file),
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode()
