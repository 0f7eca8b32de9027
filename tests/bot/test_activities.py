"""Reading activities' JSON: the quick reader gives what msrest gives, or leaves it to msrest."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botbuilder.schema import Activity
from msrest.exceptions import DeserializationError

from bot.activities import read_activity, receive, received_json
from bot.directline import protocol

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
MESSAGE = protocol.incoming_activity(
    {
        "type": "message",
        "text": "Calling 101",
        "locale": "en-GB",
        "value": {"choice": "101"},
        "channelData": {"clientActivityID": "c1"},
        "not-in-the-schema": "dropped",
    },
    conversation_id="conversation-1",
    user_id="dl_resident",
    now=NOW,
)
CHANNEL_MESSAGE = {
    "type": "message",
    "id": "abc",
    "channelId": "telegram",
    "serviceUrl": "https://telegram.botframework.com/",
    "timestamp": "2026-11-28T10:00:00.1234567Z",
    "localTimestamp": "2026-11-28T10:00:00.123+00:00",
    "from": {"id": "u1", "name": "Resident", "role": "user"},
    "recipient": {"id": "bot", "name": "Survey"},
    "conversation": {"id": "c1", "isGroup": False, "conversationType": "personal"},
    "text": "yes",
}
MEMBERS = protocol.conversation_update("conversation-1", "dl_resident", NOW)


@pytest.mark.parametrize(
    "data",
    [
        MESSAGE,
        CHANNEL_MESSAGE,
        MEMBERS,
        {"type": "message", "attachments": [{"contentType": "image/png", "contentUrl": "x"}]},
        {"type": "message", "suggestedActions": {"actions": [{"type": "imBack", "title": "Yes"}]}},
        {"type": "message", "text": 5},  # not a string: msrest decides
    ],
)
def test_the_quick_reader_reads_what_msrest_reads(data: dict[str, Any]) -> None:
    assert read_activity(data).serialize() == Activity().deserialize(data).serialize()


@pytest.mark.parametrize(
    "data",
    [
        {"type": "message", "attachments": "not a list"},
        {"type": "message", "entities": [1, 2]},
        {"type": "message", "suggestedActions": 5},
        {"type": "message", "timestamp": "2026-11-28"},  # no time of day: left to msrest
    ],
)
def test_what_msrest_refuses_is_refused(data: dict[str, Any]) -> None:
    with pytest.raises(DeserializationError):
        Activity().deserialize(data)
    with pytest.raises(DeserializationError):
        read_activity(data)


async def test_the_json_received_is_kept_for_the_turn_with_the_schemas_fields_only() -> None:
    activity = receive(MESSAGE)
    kept = received_json(activity)
    assert kept is not None
    assert "not-in-the-schema" not in kept
    assert kept == {name: value for name, value in MESSAGE.items() if name != "not-in-the-schema"}
    assert received_json(read_activity(CHANNEL_MESSAGE)) is None  # Another activity.
