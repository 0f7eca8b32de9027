"""A resident on a social channel, through /api/messages and a loopback connector."""

from __future__ import annotations

import json
import uuid
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.settings import Settings
from tests.bot.conftest import survey_bot
from tests.connector import Connector

Client = TestClient[web.Request, web.Application]

FREE_TEXT_ANSWERS = [
    "hi",
    "yes please",
    "I live and work here",
    "I phoned 101 and used the website",
    "yeah",  # website: preferred
    "four",
    "3/5",
    "clearer forms",
    "nope",  # 101: preferred
    "2",
    "one",
    "skip",
    "never needed the others",
    "the website",
    "not sure",
    "I like seeing people face to face",
    "3",
    "2 out of 5",
    "more PCSOs on foot",
    "people would feel safer",
    "I live in Hemel",
    "I'm 52",
    "a man",
    "submit",
]


def message(
    conversation: str, text: str, service_url: str, channel: str, user: str = "resident-1"
) -> dict[str, Any]:
    return {
        "type": "message",
        "id": uuid.uuid4().hex,
        "channelId": channel,
        "serviceUrl": service_url,
        "conversation": {"id": conversation},
        "from": {"id": user, "name": "Resident"},
        "recipient": {"id": "bot", "name": "Survey"},
        "text": text,
    }


async def say(client: Client, connector: Connector, conversation: str, text: str) -> None:
    body = message(conversation, text, connector.url, "telegram")
    response = await client.post("/api/messages", json=body)
    assert response.status in (200, 201), await response.text()


async def test_a_resident_answering_in_free_text_completes_the_survey(
    client: Client, connector: Connector, settings: Settings
) -> None:
    for text in FREE_TEXT_ANSWERS:
        await say(client, connector, "conv-1", text)
    replies = connector.texts("conv-1")
    assert "automated survey" in replies[0]
    assert any("Your reference is" in r for r in replies[-2:])

    code, output = await survey_bot(settings, "export", "--format", "json")
    assert code == 0, output
    [line] = output.splitlines()
    response = json.loads(line)
    assert response["status"] == "completed"
    answers = response["answers"]
    assert answers["channels"] == ["website", "call_101"]
    assert answers["ease"] == {"website": 4, "call_101": 2}
    assert answers["satisfaction"] == {"website": 3, "call_101": 1}
    assert answers["preferred"] == {"website": "yes", "call_101": "no"}
    assert answers["improve"] == {"website": "clearer forms", "call_101": None}
    assert answers["video_interest"] == "maybe"
    assert answers["accessibility"] == 2
    assert answers["district"] == "dacorum"
    assert answers["age_band"] == "age_45_54"
    assert answers["sex"] == "male"


async def test_a_repeated_activity_is_answered_again_but_recorded_once(
    client: Client, connector: Connector
) -> None:
    await say(client, connector, "conv-2", "hello")
    body = message("conv-2", "yes", connector.url, "telegram")
    for _ in range(2):
        response = await client.post("/api/messages", json=body)
        assert response.status in (200, 201)
    texts = connector.texts("conv-2")
    first_question = [t for t in texts if "Do you live or work in Hertfordshire?" in t]
    assert len(first_question) == 2
    await say(client, connector, "conv-2", "both")
    assert "which of these have you used" in connector.texts("conv-2")[-1]


async def test_buttons_on_telegram_numbers_on_sms(client: Client, connector: Connector) -> None:
    for channel, conversation in (("telegram", "tg"), ("sms", "sms")):
        for text in ("hello", "yes"):
            body = message(conversation, text, connector.url, channel)
            assert (await client.post("/api/messages", json=body)).status in (200, 201)
    telegram = [a for a in connector.received if a["_conversation"] == "tg"][-1]
    sms = [a for a in connector.received if a["_conversation"] == "sms"][-1]
    titles = [a["title"] for a in telegram["suggestedActions"]["actions"]]
    assert titles == ["I live here", "I work here", "Both", "Neither"]
    assert "suggestedActions" not in sms or not sms["suggestedActions"]
    assert "1. I live here" in sms["text"]
    assert "Reply with the number." in sms["text"]


async def test_health_check(client: Client) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["status"] == "ok"


async def test_a_resident_continues_where_they_were_after_the_server_restarts(
    settings: Settings, connector: Connector
) -> None:
    from aiohttp.test_utils import TestServer

    from bot.app import create_app

    async with TestClient(TestServer(create_app(settings))) as first:
        for text in ("hi", "yes", "both", "101", "done"):
            await say(first, connector, "comes-back", text)
    assert "preferred way" in connector.texts("comes-back")[-1]
    async with TestClient(TestServer(create_app(settings))) as second:
        await say(second, connector, "comes-back", "yes")
    last = connector.texts("comes-back")[-1]
    assert "How easy was it to get in touch using the 101 phone line?" in last
