"""Fixtures for Direct Line: the whole app on loopback, and a conversation started on it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import Settings

Client = TestClient[web.Request, web.Application]

SECRET = "test-direct-line-secret-of-forty-characters"
FORCE_WEBSITE = "https://www.force.example"
SURVEY_SCRIPT = Path(__file__).parent / "survey_script.json"


@dataclass
class Conversation:
    """A conversation started with a web chat token."""

    id: str
    token: str
    user_id: str
    stream_url: str

    @property
    def headers(self) -> dict[str, str]:
        """The headers a Direct Line client sends."""
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def activities_path(self) -> str:
        """Where its activities are posted and polled."""
        return f"/v3/directline/conversations/{self.id}/activities"


# What the script's answers record, checked against the survey as shipped.
SCRIPT_ANSWERS: dict[tuple[str, str], Any] = {
    ("connection", ""): "both",
    ("channels", ""): ["call_101"],
    ("preferred", "call_101"): "yes",
    ("ease", "call_101"): 4,
    ("satisfaction", "call_101"): 3,
    ("future_preference", ""): "call_101",
    ("video_interest", ""): "no",
    ("visibility", ""): 3,
    ("accessibility", ""): 3,
    ("district", ""): "watford",
    ("sex", ""): "male",
}


def survey_steps() -> list[dict[str, Any]]:
    """The steps of a resident completing the survey (shared with the Node client)."""
    return list(json.loads(SURVEY_SCRIPT.read_text(encoding="utf-8"))["steps"])


def message(text: str, client_id: str | None = None) -> dict[str, Any]:
    """A message as Web Chat posts it."""
    activity: dict[str, Any] = {
        "type": "message",
        "from": {"id": "someone-else", "role": "user"},
        "text": text,
        "locale": "en-GB",
    }
    if client_id is not None:
        activity["channelData"] = {"clientActivityID": client_id}
    return activity


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Settings for a test app with a Direct Line secret and one allowed origin."""
    return settings.replace(direct_line_secret=SECRET, allowed_origins=FORCE_WEBSITE)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    """The whole app, served on loopback."""
    async with TestClient(TestServer(create_app(settings), host="127.0.0.1")) as test_client:
        yield test_client


async def start_conversation(client: Client) -> Conversation:
    """Get a token as the page does, and start its conversation (the bot says hello)."""
    response = await client.post("/api/webchat/token")
    assert response.status == 200, await response.text()
    token = await response.json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    response = await client.post("/v3/directline/conversations", headers=headers)
    assert response.status == 201, await response.text()
    started = await response.json()
    return Conversation(
        started["conversationId"], started["token"], token["userId"], started["streamUrl"]
    )


@pytest.fixture
async def conversation(client: Client) -> Conversation:
    """A conversation the bot has welcomed."""
    return await start_conversation(client)


async def activities(
    client: Client, conversation: Conversation, watermark: str = ""
) -> tuple[list[dict[str, Any]], str]:
    """The conversation's activities after the watermark, polled."""
    response = await client.get(
        conversation.activities_path,
        params={"watermark": watermark},
        headers=conversation.headers,
    )
    assert response.status == 200, await response.text()
    body = await response.json()
    return body["activities"], body["watermark"]


async def post(client: Client, conversation: Conversation, text: str, client_id: str) -> str:
    """Send a message; the server's id for it."""
    response = await client.post(
        conversation.activities_path, json=message(text, client_id), headers=conversation.headers
    )
    assert response.status == 200, await response.text()
    return str((await response.json())["id"])
