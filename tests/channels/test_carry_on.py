"""Stopping on one channel and carrying on with the code on another, over real HTTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from storage.database import Database
from storage.models import CarryOnCode
from storage.queries import list_responses
from tests.channels.conftest import Client, Connector, Issuer, activity

CODE = re.compile(r"type this code: ([A-Z2-9]{4} [A-Z2-9]{4})\. It works for 7 days\.")


async def send(
    client: Client, connector: Connector, issuer: Issuer, channel: str, conversation: str, text: str
) -> list[dict[str, Any]]:
    body = activity(connector, text, channel=channel, conversation=conversation)
    headers = {"Authorization": f"Bearer {issuer.token(connector.url)}"}
    response = await client.post("/api/messages", json=body, headers=headers)
    assert response.status in (200, 201), await response.text()
    return connector.messages(conversation)


async def stop_after_two_answers(
    client: Client, connector: Connector, issuer: Issuer, channel: str, conversation: str
) -> str:
    """Start on a channel, answer two questions, stop; the code the bot gave."""
    for text in ("hello", "yes", "I live here", "calling 101"):
        await send(client, connector, issuer, channel, conversation, text)
    said = (await send(client, connector, issuer, channel, conversation, "stop"))[-1]["text"]
    found = CODE.search(said)
    assert found, said
    return found.group(1)


async def test_a_survey_stopped_on_sms_carries_on_in_messenger_with_the_code(
    client: Client, connector: Connector, issuer: Issuer, db: Database
) -> None:
    code = await stop_after_two_answers(client, connector, issuer, "sms", "sms-1")

    replies = await send(client, connector, issuer, "facebook", "fb-1", code.lower())
    said = " ".join(r["text"] for r in replies)
    assert "Welcome back" in said
    # Where it stopped: asked whether there were other ways besides 101.
    assert "You have chosen: Calling 101. Choose any others" in said
    await send(client, connector, issuer, "facebook", "fb-1", "done")
    await send(client, connector, issuer, "facebook", "fb-1", "yes")

    [response] = await list_responses(db)
    assert (response.conversation_id, response.channel, response.status) == (
        "fb-1",
        "facebook",
        "in_progress",
    )
    answers = {(a.question_id, a.item): a.value for a in response.answers}
    assert answers[("connection", "")] == "live"
    assert answers[("channels", "")] == ["call_101"]
    assert answers[("preferred", "call_101")] == "yes"


async def test_the_code_works_once_and_the_first_chat_starts_afresh(
    client: Client, connector: Connector, issuer: Issuer, db: Database
) -> None:
    code = await stop_after_two_answers(client, connector, issuer, "telegram", "tg-1")
    await send(client, connector, issuer, "whatsapp", "wa-1", f"my code is {code}")

    again = await send(client, connector, issuer, "msteams", "teams-1", code.replace(" ", "-"))
    assert "That code did not work" in again[0]["text"]
    assert any("happy to take part" in r["text"] for r in again)
    back_there = await send(client, connector, issuer, "telegram", "tg-1", "continue")
    assert "Welcome back" not in " ".join(r["text"] for r in back_there)
    assert len(await list_responses(db)) == 1


async def test_a_code_past_its_time_does_not_work(
    client: Client, connector: Connector, issuer: Issuer, db: Database
) -> None:
    code = await stop_after_two_answers(client, connector, issuer, "sms", "sms-2")
    async with db.write() as session:
        await session.exec(  # type: ignore[call-overload]
            sa.update(CarryOnCode).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )

    replies = await send(client, connector, issuer, "facebook", "fb-2", code)
    assert "That code did not work" in replies[0]["text"]
    [response] = await list_responses(db)
    assert response.conversation_id == "sms-2"


async def test_continuing_in_the_same_chat_uses_the_code_up(
    client: Client, connector: Connector, issuer: Issuer, db: Database
) -> None:
    code = await stop_after_two_answers(client, connector, issuer, "sms", "sms-3")
    await send(client, connector, issuer, "sms", "sms-3", "continue")

    replies = await send(client, connector, issuer, "facebook", "fb-3", code)
    assert "That code did not work" in replies[0]["text"]
    async with db.sessions() as session:
        left = await session.exec(sa.select(sa.func.count()).select_from(CarryOnCode))  # type: ignore[call-overload]
        assert left.one()[0] == 0


async def test_only_a_hash_of_the_code_is_stored(
    client: Client, connector: Connector, issuer: Issuer, db: Database
) -> None:
    code = await stop_after_two_answers(client, connector, issuer, "sms", "sms-4")
    async with db.sessions() as session:
        rows = (await session.exec(sa.select(CarryOnCode))).all()  # type: ignore[call-overload]
    [row] = [r[0] for r in rows]
    assert code.replace(" ", "") not in row.code_hash
    assert len(row.code_hash) == 64


async def test_eight_letters_part_way_through_are_an_answer_not_a_code(
    client: Client, connector: Connector, issuer: Issuer, db: Database
) -> None:
    for text in ("hello", "yes", "I live here", "calling 101", "yes", "3", "3"):
        await send(client, connector, issuer, "sms", "sms-5", text)
    replies = await send(client, connector, issuer, "sms", "sms-5", "ABCD 2345")
    assert "That code did not work" not in " ".join(r["text"] for r in replies)


async def test_two_short_words_after_declining_are_answered_not_a_crash(
    client: Client, connector: Connector, issuer: Issuer
) -> None:
    for text in ("hello", "no"):
        await send(client, connector, issuer, "telegram", "tg-declined", text)
    said = await send(client, connector, issuer, "telegram", "tg-declined", "need help")
    assert "Are you happy to take part" in said[-1]["text"]
