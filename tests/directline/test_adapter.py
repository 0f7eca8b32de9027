"""Turns run in process through the Direct Line adapter, and what happens when one fails."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from bot import handler
from bot.conversation import Services
from bot.directline import protocol
from bot.directline.adapter import APOLOGY, DirectLineAdapter
from bot.handler import SurveyBot
from bot.settings import Settings
from dialogs.loader import load_survey
from storage.database import Database
from storage.queries import list_responses
from storage.turns import activities_since
from tests.directline.conftest import Client, Conversation, activities, message


async def test_the_adapter_collects_the_bots_replies_which_the_turn_has_logged(
    db: Database, settings: Settings
) -> None:
    woken: list[str] = []
    adapter = DirectLineAdapter(db, woken.append)
    services = Services(settings=settings, survey=load_survey(settings.survey_file), db=db)
    now = datetime.now(UTC)
    hello = protocol.conversation_update("conversation-1", "dl_resident", now)
    result = await adapter.run(hello, SurveyBot(services))
    assert not result.failed
    logged, _ = await activities_since(db, conversation_id="conversation-1", watermark=0)
    assert [a["text"] for a in result.sent] == [a["text"] for a in logged]
    assert woken == []


async def test_the_adapter_refuses_to_change_or_delete_what_was_sent(db: Database) -> None:
    adapter = DirectLineAdapter(db, lambda _conversation: None)
    context = TurnContext(adapter, Activity(type="message", text="hi"))
    with pytest.raises(NotImplementedError):
        await adapter.update_activity(context, Activity(type="message"))
    with pytest.raises(NotImplementedError):
        await adapter.delete_activity(context, None)


async def test_a_failed_turn_records_nothing_and_the_resident_gets_an_apology(
    client: Client, conversation: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, watermark = await activities(client, conversation)

    async def broken(*_args: Any) -> list[dict[str, Any]]:
        raise RuntimeError("the database fell over")

    with monkeypatch.context() as patched:
        patched.setattr(handler, "run_turn", broken)
        response = await client.post(
            conversation.activities_path,
            json=message("yes", "client-1"),
            headers=conversation.headers,
        )
    assert response.status == 502
    assert (await response.json())["error"]["code"] == "BotError"
    after_failure, watermark = await activities(client, conversation, watermark)
    assert [(a["from"]["role"], a["text"]) for a in after_failure] == [("bot", APOLOGY)]

    # Sent again (as Web Chat's retry does, with the same client id), it is a new turn.
    response = await client.post(
        conversation.activities_path, json=message("yes", "client-1"), headers=conversation.headers
    )
    assert response.status == 200
    retried, _ = await activities(client, conversation, watermark)
    assert retried[0]["channelData"]["clientActivityID"] == "client-1"
    assert "Do you live or work in Hertfordshire?" in retried[-1]["text"]


async def test_a_welcome_that_fails_is_a_502_and_can_be_tried_again(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = await (await client.post("/api/webchat/token")).json()
    headers = {"Authorization": f"Bearer {token['token']}"}

    async def broken(*_args: Any) -> list[dict[str, Any]]:
        raise RuntimeError("the database fell over")

    with monkeypatch.context() as patched:
        patched.setattr(handler, "run_turn", broken)
        response = await client.post("/v3/directline/conversations", headers=headers)
    assert response.status == 502
    response = await client.post("/v3/directline/conversations", headers=headers)
    assert response.status == 201


async def test_the_resident_is_recorded_under_the_web_chat_channel(
    client: Client, conversation: Conversation, db: Database
) -> None:
    for number, text in enumerate(["yes", "Both"]):
        response = await client.post(
            conversation.activities_path,
            json=message(text, f"client-{number}"),
            headers=conversation.headers,
        )
        assert response.status == 200
    [stored] = await list_responses(db)
    assert stored.conversation_id == conversation.id
    assert stored.channel == "webchat"
    assert [(a.question_id, a.value) for a in stored.answers] == [("connection", "both")]
