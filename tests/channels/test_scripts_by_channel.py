"""Conversation scripts for the cases residents met, on every channel's rendering.

Each script is what a resident types, what the bot says back (as that channel
shows it) and what is recorded, through `/api/messages` on loopback.
"""

from __future__ import annotations

from typing import Any

import pytest

from storage.database import Database
from storage.queries import list_responses
from tests.channels.conftest import Client, Connector, Issuer, activity

CHANNELS = ["sms", "whatsapp", "facebook", "telegram", "msteams", "emulator"]
BUTTONS = {"facebook", "telegram", "msteams", "emulator"}


async def say(
    client: Client, connector: Connector, issuer: Issuer, channel: str, text: str
) -> list[dict[str, Any]]:
    """Send a message; the bot's replies to it, as the channel got them."""
    before = len(connector.messages(channel))
    body = activity(connector, text, channel=channel, conversation=channel)
    headers = {"Authorization": f"Bearer {issuer.token(connector.url)}"}
    response = await client.post("/api/messages", json=body, headers=headers)
    assert response.status in (200, 201), await response.text()
    return connector.messages(channel)[before:]


def shown(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(r.get("text", "")) for r in replies)


def choices(reply: dict[str, Any]) -> list[str]:
    return [a["title"] for a in (reply.get("suggestedActions") or {}).get("actions", [])]


@pytest.mark.parametrize("channel", CHANNELS)
async def test_not_understood_twice_shows_the_choices_and_a_way_on(
    channel: str, client: Client, connector: Connector, issuer: Issuer
) -> None:
    for text in ("hello", "yes"):
        await say(client, connector, issuer, channel, text)
    first = await say(client, connector, issuer, channel, "purple")
    assert "Sorry, I did not understand" not in shown(first)
    second = await say(client, connector, issuer, channel, "banana")
    text = shown(second)
    assert "Sorry, I did not understand that." in text
    assert "1. I live here" in text
    assert "type help" in text
    if channel in BUTTONS:
        assert choices(second[-1])[:2] == ["I live here", "I work here"]


@pytest.mark.parametrize("channel", CHANNELS)
async def test_piped_wording_reads_as_a_sentence(
    channel: str, client: Client, connector: Connector, issuer: Issuer
) -> None:
    for text in ("hello", "yes", "I live here"):
        await say(client, connector, issuer, channel, text)
    replies = await say(client, connector, issuer, channel, "I rang 101 and emailed the SNT")
    text = shown(replies)
    assert "You used calling 101" not in text
    assert "the 101 phone line" in text


@pytest.mark.parametrize("channel", CHANNELS)
async def test_an_answer_over_the_limit_is_kept_in_part_and_the_resident_is_told(
    channel: str, client: Client, connector: Connector, issuer: Issuer, db: Database
) -> None:
    for text in ("hello", "yes", "I live here", "I rang 101", "yes", "2", "2"):
        await say(client, connector, issuer, channel, text)
    long_answer = "The wait on 101 was far too long. " * 40  # about 1,360 characters
    replies = await say(client, connector, issuer, channel, long_answer)
    assert "first 1000 characters" in shown(replies) or "1,000" in shown(replies)
    [response] = await list_responses(db)
    kept = {(a.question_id, a.item): a.value for a in response.answers}[("improve", "call_101")]
    assert kept.startswith("The wait on 101 was far too long.")
    assert 900 <= len(kept) <= 1000


@pytest.mark.parametrize("channel", CHANNELS)
async def test_a_vague_answer_gets_one_follow_up_on_every_channel(
    channel: str, client: Client, connector: Connector, issuer: Issuer, db: Database
) -> None:
    for text in ("hello", "yes", "I live here", "I rang 101", "yes", "2", "2"):
        await say(client, connector, issuer, channel, text)
    replies = await say(client, connector, issuer, channel, "dunno")
    assert "Could you say a bit more" in shown(replies)
    replies = await say(client, connector, issuer, channel, "a callback instead of waiting")
    assert "Could you say a bit more" not in shown(replies)
    [response] = await list_responses(db)
    answers = {(a.question_id, a.item): a.value for a in response.answers}
    assert answers[("improve", "call_101")] == "dunno"
    assert answers[("improve_more", "call_101")] == "a callback instead of waiting"
