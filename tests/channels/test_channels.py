"""What a resident on each channel would see."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot import channels, handler
from bot.conversation import run_turn
from tests.channels.conftest import Client, Connector, Issuer, activity


async def send(
    client: Client, connector: Connector, issuer: Issuer, channel: str, **fields: Any
) -> list[dict[str, Any]]:
    body = activity(connector, channel=channel, conversation=channel, **fields)
    headers = {"Authorization": f"Bearer {issuer.token(connector.url)}"}
    response = await client.post("/api/messages", json=body, headers=headers)
    assert response.status in (200, 201), await response.text()
    return connector.messages(channel)


async def first_question(
    client: Client, connector: Connector, issuer: Issuer, channel: str
) -> dict[str, Any]:
    await send(client, connector, issuer, channel, text="hello")
    return (await send(client, connector, issuer, channel, text="yes"))[-1]


@pytest.mark.parametrize("channel", ["telegram", "msteams", "emulator"])
async def test_button_channels_show_the_choices_as_buttons(
    channel: str, client: Client, connector: Connector, issuer: Issuer
) -> None:
    question = await first_question(client, connector, issuer, channel)
    titles = [a["title"] for a in question["suggestedActions"]["actions"]]
    assert titles == ["I live here", "I work here", "Both", "Neither"]


@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
async def test_text_channels_show_numbered_choices_without_markup(
    channel: str, client: Client, connector: Connector, issuer: Issuer
) -> None:
    question = await first_question(client, connector, issuer, channel)
    assert not question.get("suggestedActions")
    assert "1. I live here" in question["text"]
    assert "Reply with the number." in question["text"]
    assert question["textFormat"] == "plain"
    assert not any(mark in question["text"] for mark in ("**", "<b>", "](http"))


async def test_messenger_quick_replies_fit_metas_limits(
    client: Client, connector: Connector, issuer: Issuer
) -> None:
    question = await first_question(client, connector, issuer, "facebook")
    actions = question["suggestedActions"]["actions"]
    assert 0 < len(actions) <= channels.MESSENGER_MAX_REPLIES
    assert all(len(a["title"]) <= channels.MESSENGER_MAX_TITLE for a in actions)


async def test_a_messenger_postback_is_read_as_the_answer(
    client: Client, connector: Connector, issuer: Issuer
) -> None:
    await first_question(client, connector, issuer, "facebook")
    replies = await send(client, connector, issuer, "facebook", text="", value={"payload": "both"})
    assert "which of these have you used" in replies[-1]["text"]


def test_messenger_choices_beyond_the_limits_become_numbered_quick_replies() -> None:
    choices = [
        {"title": f"A rather long option title {n}", "value": f"o{n}", "number": n}
        for n in range(1, 16)
    ]
    [shown] = channels.render([{"text": "Pick one", "choices": choices}], "facebook")
    actions = shown["suggestedActions"]["actions"]
    assert len(actions) == channels.MESSENGER_MAX_REPLIES
    assert all(len(a["title"]) <= channels.MESSENGER_MAX_TITLE for a in actions)
    assert "15. A rather long option title 15" in shown["text"]


@pytest.mark.parametrize(("channel", "limit"), [("facebook", 2000), ("sms", 1500)])
def test_long_texts_are_split_under_the_channels_limit(channel: str, limit: int) -> None:
    text = " ".join(f"word{n}" for n in range(1200))
    parts = channels.render([{"text": text}], channel)
    assert len(parts) > 1
    assert all(len(p["text"]) <= limit for p in parts)
    assert " ".join(p["text"] for p in parts).split() == text.split()


@pytest.mark.parametrize(
    "fields",
    [
        {"text": "", "attachments": [{"contentType": "image/jpeg", "contentUrl": "https://x/y"}]},
        {"text": "", "attachments": [{"contentType": "audio/ogg", "contentUrl": "https://x/v"}]},
        {"text": "", "entities": [{"type": "Place", "geo": {"latitude": 51.8}}]},
        {"text": "👍"},
        {"text": "😀 😀"},
    ],
    ids=["photo", "voice note", "location", "thumbs up", "emoji"],
)
async def test_things_that_are_not_typed_get_a_kind_reply_and_the_question_again(
    fields: dict[str, Any], client: Client, connector: Connector, issuer: Issuer
) -> None:
    question = await first_question(client, connector, issuer, "telegram")
    replies = await send(client, connector, issuer, "telegram", **fields)
    assert "I can only read typed answers" in replies[-2]["text"]
    assert replies[-1]["text"] == question["text"]
    assert replies[-1]["suggestedActions"] == question["suggestedActions"]


async def test_a_slow_reply_shows_typing_first_on_telegram_but_not_on_sms(
    client: Client, connector: Connector, issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def slow_turn(*args: Any) -> list[dict[str, Any]]:
        await asyncio.sleep(0.2)
        return await run_turn(*args)

    monkeypatch.setattr(handler, "TYPING_AFTER_SECONDS", 0.05)
    monkeypatch.setattr(handler, "run_turn", slow_turn)
    await send(client, connector, issuer, "telegram", text="hello")
    await send(client, connector, issuer, "sms", text="hello")
    await send(client, connector, issuer, "telegram", text="yes")
    seen = [(a["_conversation"], a["type"]) for a in connector.received]
    assert seen.count(("telegram", "typing")) == 2
    assert ("sms", "typing") not in seen
    # The indicator comes before the reply, never after it.
    assert seen[-2:] == [("telegram", "typing"), ("telegram", "message")]


async def test_a_quick_reply_needs_no_typing_indicator(
    client: Client, connector: Connector, issuer: Issuer
) -> None:
    await send(client, connector, issuer, "telegram", text="hello")
    await send(client, connector, issuer, "telegram", text="yes")
    assert [a for a in connector.received if a["type"] == "typing"] == []


@pytest.mark.parametrize("channel", ["sms", "facebook", "msteams"])
async def test_safety_advice_stands_out_on_every_channel(
    channel: str, client: Client, connector: Connector, issuer: Issuer
) -> None:
    await first_question(client, connector, issuer, channel)
    replies = await send(
        client, connector, issuer, channel, text="someone is trying to get in my back door"
    )
    urgent = [r["text"] for r in replies if r["text"].startswith(channels.URGENT_LEAD)]
    assert urgent == [r["text"] for r in replies if "press 55" in r["text"]]
    assert urgent[0].startswith(channels.URGENT_LEAD + "If you or someone else is in danger")


@pytest.mark.parametrize("channel", ["msteams", "telegram", "webchat"])
async def test_a_resident_who_joins_gets_the_welcome_and_the_999_advice_first(
    channel: str, client: Client, connector: Connector, issuer: Issuer
) -> None:
    joined = activity(
        connector,
        channel=channel,
        conversation=f"join-{channel}",
        type="conversationUpdate",
        membersAdded=[{"id": f"{channel}-resident"}, {"id": "survey-bot"}],
        text=None,
    )
    headers = {"Authorization": f"Bearer {issuer.token(connector.url)}"}
    response = await client.post("/api/messages", json=joined, headers=headers)
    assert response.status in (200, 201), await response.text()

    welcome = connector.messages(f"join-{channel}")
    texts = [m["text"] for m in welcome]
    assert "automated survey" in texts[0]
    assert any("999" in t for t in texts)
    assert "Are you happy to take part?" in texts[-1]
    assert all(m["recipient"]["id"] == f"{channel}-resident" for m in welcome), welcome[0]
    assert all("replyToId" not in m for m in welcome)


def test_messenger_buttons_too_long_for_meta_get_a_short_title_never_a_cut_word() -> None:
    assert channels.short_title("Yes, start the survey") == "Yes"
    assert channels.short_title("No, thanks") == "No, thanks"
    assert channels.short_title("Appointment or front counter") == "Appointment\u2026"
    choices = [
        {"title": "Yes, start the survey", "value": "Yes, start the survey"},
        {"title": "No, thanks", "value": "No, thanks"},
    ]
    [shown] = channels.render([{"text": "Are you happy?", "choices": choices}], "facebook")
    actions = shown["suggestedActions"]["actions"]
    assert [(a["title"], a["value"]) for a in actions] == [
        ("Yes", "Yes, start the survey"),
        ("No, thanks", "No, thanks"),
    ]
