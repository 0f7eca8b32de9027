"""The ways a simulated resident reaches a server: one class per way, one method per turn.

- `DirectLine`: as Web Chat does when it polls: post the message, then read the
  activities after the watermark until the bot's reply to it is there.
- `Messages`: as an Azure channel does: post the activity to /api/messages;
  the bot's replies arrive at the generator's loopback connector.
- `Ceiling`: post the activity; the reply is the response body.

`open` starts a conversation and returns the bot's first messages; `say` sends
one message and returns the bot's messages in reply. A failed turn raises
`TurnError`.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp

from bench.connector import Connector

# Reading the Direct Line log again until the reply is there: bounded, backing off.
POLL_LIMIT = 400
POLL_FIRST_DELAY = 0.002
POLL_MAX_DELAY = 0.05
ACCEPTED = (200, 201, 202)


class TurnError(Exception):
    """A turn that did not get the answer it should have."""


@dataclass
class Conversation:
    """One resident's conversation, as the client side knows it."""

    id: str = ""
    user_id: str = ""
    token: str = ""
    watermark: str = ""
    # Messages the server answered: each one must be in its activity log.
    answered: int = 0


class Channel(Protocol):
    """How a resident talks to one kind of server."""

    name: str

    async def open(self, conversation: Conversation) -> list[dict[str, Any]]: ...

    async def say(self, conversation: Conversation, text: str) -> list[dict[str, Any]]: ...


def activity(
    conversation: Conversation, text: str, service_url: str, channel: str
) -> dict[str, Any]:
    """A message as a Bot Framework channel posts it to a bot."""
    return {
        "type": "message",
        "id": uuid.uuid4().hex,
        "channelId": channel,
        "serviceUrl": service_url,
        "conversation": {"id": conversation.id},
        "from": {"id": conversation.user_id, "name": "Resident"},
        "recipient": {"id": "bot", "name": "Survey"},
        "text": text,
        "locale": "en-GB",
    }


async def _expect_status(response: aiohttp.ClientResponse, what: str) -> None:
    if response.status not in ACCEPTED:
        body = (await response.text())[:200]
        raise TurnError(f"{what}: HTTP {response.status} {body}")


class DirectLine:
    """A Direct Line 3.0 client that polls, as Web Chat can."""

    name = "directline"

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.session = session
        self.base = base_url

    async def open(self, conversation: Conversation) -> list[dict[str, Any]]:
        """Get a token as the web chat page does, start the conversation, read the welcome."""
        async with self.session.post(f"{self.base}/api/webchat/token") as response:
            await _expect_status(response, "token")
            token = await response.json()
        conversation.token = token["token"]
        conversation.user_id = token["userId"]
        async with self.session.post(
            f"{self.base}/v3/directline/conversations", headers=self._headers(conversation)
        ) as response:
            await _expect_status(response, "start conversation")
            started = await response.json()
        conversation.id = started["conversationId"]
        conversation.token = started.get("token", conversation.token)
        return await self._replies(conversation, None)

    async def say(self, conversation: Conversation, text: str) -> list[dict[str, Any]]:
        """Post the message, then poll for the bot's reply to it."""
        body = {
            "type": "message",
            "from": {"id": conversation.user_id, "role": "user"},
            "text": text,
            "locale": "en-GB",
            "channelData": {"clientActivityID": uuid.uuid4().hex},
        }
        async with self.session.post(
            self._activities(conversation), json=body, headers=self._headers(conversation)
        ) as response:
            await _expect_status(response, "post activity")
            posted = await response.json()
        conversation.answered += 1
        return await self._replies(conversation, str(posted["id"]))

    async def _replies(
        self, conversation: Conversation, reply_to: str | None
    ) -> list[dict[str, Any]]:
        """The bot's messages after the watermark, once one replies to `reply_to`."""
        collected: list[dict[str, Any]] = []
        delay = POLL_FIRST_DELAY
        for _ in range(POLL_LIMIT):
            async with self.session.get(
                self._activities(conversation),
                params={"watermark": conversation.watermark},
                headers=self._headers(conversation),
            ) as response:
                await _expect_status(response, "get activities")
                activity_set = await response.json()
            conversation.watermark = activity_set["watermark"]
            found = [
                a
                for a in activity_set["activities"]
                if a.get("type") == "message" and a.get("from", {}).get("role") == "bot"
            ]
            collected += found
            if any(reply_to is None or a.get("replyToId") == reply_to for a in found):
                return collected
            await asyncio.sleep(delay)
            delay = min(delay * 2, POLL_MAX_DELAY)
        raise TurnError(f"no reply after {POLL_LIMIT} polls")

    def _activities(self, conversation: Conversation) -> str:
        return f"{self.base}/v3/directline/conversations/{conversation.id}/activities"

    @staticmethod
    def _headers(conversation: Conversation) -> dict[str, str]:
        return {"Authorization": f"Bearer {conversation.token}"}


class Messages:
    """A Bot Framework channel posting to /api/messages, with replies sent to the connector."""

    name = "messages"

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        connector: Connector,
        channel_id: str = "telegram",
    ) -> None:
        self.session = session
        self.url = f"{base_url}/api/messages"
        self.connector = connector
        self.channel_id = channel_id

    async def open(self, conversation: Conversation) -> list[dict[str, Any]]:
        """A new conversation starts with the resident saying hello."""
        conversation.id = f"bench-{uuid.uuid4().hex}"
        conversation.user_id = f"resident-{uuid.uuid4().hex}"
        return await self.say(conversation, "hi")

    async def say(self, conversation: Conversation, text: str) -> list[dict[str, Any]]:
        """Post the activity; wait for the response and the bot's reply at the connector."""
        body = activity(conversation, text, self.connector.url, self.channel_id)
        replied = self.connector.expect(body["id"])
        try:
            async with self.session.post(self.url, json=body) as response:
                await _expect_status(response, "post activity")
                await response.read()
            await replied.wait()
            conversation.answered += 1
        finally:
            replies = self.connector.take(body["id"])
        return replies


class Ceiling:
    """A client of the bare handler: the reply is in the response body."""

    name = "ceiling"

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.session = session
        self.url = f"{base_url}/api/messages"

    async def open(self, conversation: Conversation) -> list[dict[str, Any]]:
        """A new conversation starts with the resident saying hello."""
        conversation.id = f"bench-{uuid.uuid4().hex}"
        conversation.user_id = f"resident-{uuid.uuid4().hex}"
        return await self.say(conversation, "hi")

    async def say(self, conversation: Conversation, text: str) -> list[dict[str, Any]]:
        """Post the activity; its reply is the response."""
        body = activity(conversation, text, "http://127.0.0.1:9/unused", "telegram")
        async with self.session.post(self.url, json=body) as response:
            await _expect_status(response, "post activity")
            reply = await response.json()
        if reply.get("replyToId") != body["id"]:
            raise TurnError("the reply answers another activity")
        conversation.answered += 1
        return [reply]
