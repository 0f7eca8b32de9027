"""A whole survey through the real Direct Line client (botframework-directlinejs, in Node).

Once over the WebSocket stream and once polling, as Web Chat can do either;
then the stored response is checked in the database.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from aiohttp.typedefs import Handler

from bot.app import create_app
from bot.settings import Settings
from storage.database import Database
from storage.queries import list_responses
from tests.directline.conftest import SCRIPT_ANSWERS, SURVEY_SCRIPT, survey_steps

PROJECT = Path(__file__).resolve().parents[2]
CLIENT = Path(__file__).parent / "js" / "run_survey.js"
TIME_LIMIT = 120.0


@pytest.fixture
def requests_seen() -> list[str]:
    """Each request the server received, as "METHOD /path"."""
    return []


@pytest.fixture
async def server(settings: Settings, requests_seen: list[str]) -> AsyncIterator[TestServer]:
    """The whole app on a loopback port, noting the requests it gets."""

    @web.middleware
    async def note(request: web.Request, handler: Handler) -> web.StreamResponse:
        requests_seen.append(f"{request.method} {request.path}")
        return await handler(request)

    app = create_app(settings)
    app.middlewares.append(note)
    test_server = TestServer(app, host="127.0.0.1")
    async with test_server:
        yield test_server


async def complete_survey(server: TestServer, transport: str) -> dict[str, Any]:
    """Run the Node client through the survey; its summary."""
    node = shutil.which("node")
    if node is None or not (PROJECT / "node_modules" / "botframework-directlinejs").is_dir():
        pytest.fail("These tests need Node and the npm packages: run npm ci (make test does).")
    async with ClientSession() as session:
        response = await session.post(server.make_url("/api/webchat/token"))
        token = (await response.json())["token"]
    process = await asyncio.create_subprocess_exec(
        node,
        str(CLIENT),
        str(server.make_url("/v3/directline")),
        token,
        transport,
        str(SURVEY_SCRIPT),
        cwd=PROJECT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), TIME_LIMIT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode == 0, err.decode()
    return dict(json.loads(out))


async def assert_completed(db: Database, summary: dict[str, Any]) -> None:
    """The conversation's response is stored, completed, with the answers given."""
    [stored] = [
        r for r in await list_responses(db) if r.conversation_id == summary["conversationId"]
    ]
    assert stored.status == "completed"
    assert stored.reference == summary["reference"]
    assert stored.channel == "webchat"
    assert stored.completed_at is not None
    answers = {(a.question_id, a.item): a.value for a in stored.answers}
    assert {key: answers.get(key) for key in SCRIPT_ANSWERS} == SCRIPT_ANSWERS


async def test_a_resident_completes_the_survey_over_the_websocket_stream(
    server: TestServer, db: Database, requests_seen: list[str]
) -> None:
    summary = await complete_survey(server, "websocket")
    assert summary["webSocket"] is True
    assert summary["sent"] == len(survey_steps())
    await assert_completed(db, summary)
    conversation = f"/v3/directline/conversations/{summary['conversationId']}"
    assert f"GET {conversation}/stream" in requests_seen
    assert f"GET {conversation}/activities" not in requests_seen


async def test_a_resident_completes_the_survey_by_polling(
    server: TestServer, db: Database, requests_seen: list[str]
) -> None:
    summary = await complete_survey(server, "polling")
    assert summary["webSocket"] is False
    assert summary["sent"] == len(survey_steps())
    await assert_completed(db, summary)
    conversation = f"/v3/directline/conversations/{summary['conversationId']}"
    assert f"GET {conversation}/activities" in requests_seen
    assert f"GET {conversation}/stream" not in requests_seen
