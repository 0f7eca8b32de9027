"""The WebSocket stream: the backlog replayed, new activities pushed, a clean close."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import ClientWebSocketResponse, WSMsgType
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.directline import DIRECT_LINE, stream
from bot.directline.tokens import Tokens
from bot.settings import Settings
from tests.directline.conftest import (
    Client,
    Conversation,
    activities,
    post,
    start_conversation,
)

WAIT = 5.0


def stream_path(url: str, watermark: str | None = None) -> str:
    parts = urlsplit(url)
    query = parts.query if watermark is None else f"watermark={watermark}&{parts.query}"
    return f"{parts.path}?{query}"


async def next_set(socket: ClientWebSocketResponse) -> dict[str, Any]:
    """The next activity set, skipping keep-alives."""
    while True:
        message = await socket.receive(timeout=WAIT)
        assert message.type == WSMsgType.TEXT, message
        if message.data:
            return dict(json.loads(message.data))


async def test_the_stream_replays_the_backlog_then_pushes_each_turn(
    client: Client, conversation: Conversation
) -> None:
    async with client.ws_connect(stream_path(conversation.stream_url)) as socket:
        welcome = await next_set(socket)
        assert "happy to take part" in welcome["activities"][-1]["text"]
        await post(client, conversation, "yes", "client-1")
        turn = await next_set(socket)
    echo, *replies = turn["activities"]
    assert echo["channelData"]["clientActivityID"] == "client-1"
    assert "Do you live or work in Hertfordshire?" in replies[-1]["text"]
    assert int(turn["watermark"]) == int(welcome["watermark"]) + len(turn["activities"])


async def test_the_stream_starts_after_the_watermark(
    client: Client, conversation: Conversation
) -> None:
    _, watermark = await activities(client, conversation)
    await post(client, conversation, "yes", "client-1")
    async with client.ws_connect(stream_path(conversation.stream_url, watermark)) as socket:
        first = await next_set(socket)
    assert first["activities"][0]["channelData"]["clientActivityID"] == "client-1"


async def test_a_quiet_stream_gets_keep_alives(
    client: Client, conversation: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "KEEPALIVE_SECONDS", 0.1)
    monkeypatch.setattr(stream, "POLL_SECONDS", 0.05)
    async with client.ws_connect(stream_path(conversation.stream_url)) as socket:
        await next_set(socket)
        message = await socket.receive(timeout=WAIT)
    assert (message.type, message.data) == (WSMsgType.TEXT, "")


async def test_the_stream_closes_cleanly_when_its_token_expires(client: Client) -> None:
    direct_line = client.app[DIRECT_LINE]
    direct_line.tokens = Tokens(direct_line.settings.session_secret.get_secret_value(), lifetime=1)
    conversation = await start_conversation(client)
    async with client.ws_connect(stream_path(conversation.stream_url)) as socket:
        await next_set(socket)
        message = await socket.receive(timeout=WAIT)
        assert message.type == WSMsgType.CLOSE
        assert message.data == 1000
        assert message.extra == "Token expired"


async def test_the_server_closes_open_streams_when_it_shuts_down(settings: Settings) -> None:
    server = TestServer(create_app(settings), host="127.0.0.1")
    async with TestClient(server) as client:
        conversation = await start_conversation(client)
        socket = await client.ws_connect(stream_path(conversation.stream_url))
        await next_set(socket)
        await server.close()
        message = await socket.receive(timeout=WAIT)
        assert message.type == WSMsgType.CLOSE
        assert message.data == 1001
        await socket.close()


async def test_a_stream_opened_once_shutdown_has_begun_is_closed_at_once(
    client: Client, conversation: Conversation
) -> None:
    # A kept-alive connection can still bring an upgrade after the streams were closed.
    await client.app[DIRECT_LINE].running.streams.close_all()
    async with client.ws_connect(stream_path(conversation.stream_url)) as socket:
        message = await socket.receive(timeout=WAIT)
    assert message.type == WSMsgType.CLOSE
    assert message.data == 1001


@pytest.fixture
async def another_instance(settings: Settings) -> AsyncIterator[Client]:
    """A second app on the same database, as behind a load balancer."""
    async with TestClient(TestServer(create_app(settings), host="127.0.0.1")) as other:
        yield other


async def test_the_stream_sees_turns_run_by_another_instance(
    client: Client, another_instance: Client
) -> None:
    conversation = await start_conversation(client)
    async with client.ws_connect(stream_path(conversation.stream_url)) as socket:
        await next_set(socket)
        await post(another_instance, conversation, "yes", "client-1")
        turn = await next_set(socket)
    assert turn["activities"][0]["channelData"]["clientActivityID"] == "client-1"


async def test_a_stream_url_without_its_token_is_401(
    client: Client, conversation: Conversation
) -> None:
    response = await client.get(f"/v3/directline/conversations/{conversation.id}/stream")
    assert response.status == 401
    assert (await response.json())["error"]["code"] == "MissingToken"


async def test_a_conversation_token_does_not_open_the_stream(
    client: Client, conversation: Conversation
) -> None:
    response = await client.get(
        f"/v3/directline/conversations/{conversation.id}/stream",
        params={"t": conversation.token},
    )
    assert response.status == 403
    assert (await response.json())["error"]["code"] == "BadToken"


async def test_a_stream_token_opens_only_its_own_conversation(
    client: Client, conversation: Conversation
) -> None:
    other = await start_conversation(client)
    path = stream_path(other.stream_url).replace(other.id, conversation.id, 1)
    response = await client.get(path)
    assert response.status == 403


async def test_the_stream_of_a_conversation_never_started_is_404(client: Client) -> None:
    token = await (await client.post("/api/webchat/token")).json()
    direct_line = client.app[DIRECT_LINE]
    grant = direct_line.tokens.read(token["token"])
    response = await client.get(
        f"/v3/directline/conversations/{grant.conversation_id}/stream",
        params={"t": direct_line.tokens.stream(grant)},
    )
    assert response.status == 404


async def test_the_stream_url_opened_without_a_websocket_is_400(
    client: Client, conversation: Conversation
) -> None:
    response = await client.get(stream_path(conversation.stream_url))
    assert response.status == 400


async def test_nothing_is_left_running_after_a_client_goes_away(
    client: Client, conversation: Conversation
) -> None:
    notifier = client.app[DIRECT_LINE].notifier
    async with client.ws_connect(stream_path(conversation.stream_url)) as socket:
        await next_set(socket)
        assert conversation.id in notifier._events
    for _ in range(50):
        if conversation.id not in notifier._events:
            break
        await asyncio.sleep(0.02)
    assert conversation.id not in notifier._events


async def test_a_reply_written_by_another_instance_reaches_the_stream_without_polling(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two instances on one PostgreSQL: a turn posted to B wakes the stream open on A.

    Polling is put far out of reach, so only PostgreSQL's notification can bring it.
    """
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("instances share a database only on PostgreSQL")
    monkeypatch.setattr(stream, "POLL_SECONDS", 600.0)
    monkeypatch.setattr(stream, "LISTENING_POLL_SECONDS", 600.0)
    async with (
        TestClient(TestServer(create_app(settings), host="127.0.0.1")) as first,
        TestClient(TestServer(create_app(settings), host="127.0.0.1")) as second,
    ):
        listening = first.app[DIRECT_LINE].running.streams.listening
        assert listening is not None
        await asyncio.wait_for(listening.wait(), timeout=WAIT)
        conversation = await start_conversation(first)
        async with first.ws_connect(stream_path(conversation.stream_url)) as socket:
            await next_set(socket)  # the welcome
            await post(second, conversation, "yes", "client-b")
            turn = await next_set(socket)
    assert turn["activities"][0]["channelData"]["clientActivityID"] == "client-b"
    assert "Do you live or work in Hertfordshire?" in turn["activities"][-1]["text"]


async def test_on_sqlite_no_one_listens_and_streams_poll(client: Client) -> None:
    streams = client.app[DIRECT_LINE].running.streams
    if client.app[DIRECT_LINE].running.db.dialect == "sqlite":
        assert streams.listening is None
        assert streams._poll_seconds() == stream.POLL_SECONDS
    else:
        assert streams.listening is not None
