"""Direct Line's errors, each as clients expect it, and none of them records anything."""

from __future__ import annotations

from typing import Any

import pytest

from bot.directline import DIRECT_LINE
from bot.directline.limits import RateLimiter
from bot.directline.protocol import MAX_ACTIVITY_BYTES
from bot.directline.tokens import Tokens
from tests.directline.conftest import Client, Conversation, activities, message


def routes(conversation_id: str) -> list[tuple[str, str]]:
    """Every route that needs a token, as (method, path)."""
    base = f"/v3/directline/conversations/{conversation_id}"
    return [
        ("POST", "/v3/directline/tokens/refresh"),
        ("POST", "/v3/directline/conversations"),
        ("GET", base),
        ("POST", f"{base}/activities"),
        ("GET", f"{base}/activities"),
    ]


async def error_of(response: Any) -> tuple[int, str]:
    body = await response.json()
    return response.status, body["error"]["code"]


async def logged(client: Client, conversation: Conversation) -> list[dict[str, Any]]:
    return (await activities(client, conversation))[0]


@pytest.mark.parametrize("route", range(5))
async def test_no_token_is_401(client: Client, conversation: Conversation, route: int) -> None:
    before = len(await logged(client, conversation))
    method, path = routes(conversation.id)[route]
    response = await client.request(method, path, json=message("yes", "c1"))
    assert await error_of(response) == (401, "MissingToken")
    assert len(await logged(client, conversation)) == before


@pytest.mark.parametrize("route", range(5))
async def test_an_expired_token_is_403_token_expired(
    client: Client, conversation: Conversation, route: int
) -> None:
    before = len(await logged(client, conversation))
    secret = client.app[DIRECT_LINE].settings.session_secret.get_secret_value()
    expired, _ = Tokens(secret, lifetime=-60).issue(conversation.id, conversation.user_id)
    method, path = routes(conversation.id)[route]
    response = await client.request(
        method, path, json=message("yes", "c1"), headers={"Authorization": f"Bearer {expired}"}
    )
    assert await error_of(response) == (403, "TokenExpired")
    assert len(await logged(client, conversation)) == before


@pytest.mark.parametrize("route", range(5))
async def test_a_forged_token_is_403(
    client: Client, conversation: Conversation, route: int
) -> None:
    forged, _ = Tokens("somebody-else's-secret-of-32-characters").issue(
        conversation.id, conversation.user_id
    )
    method, path = routes(conversation.id)[route]
    response = await client.request(
        method, path, json=message("yes", "c1"), headers={"Authorization": f"Bearer {forged}"}
    )
    assert await error_of(response) == (403, "BadToken")


@pytest.mark.parametrize("route", [2, 3, 4])
async def test_another_conversations_token_is_403(
    client: Client, conversation: Conversation, route: int
) -> None:
    before = len(await logged(client, conversation))
    other = await (await client.post("/api/webchat/token")).json()
    method, path = routes(conversation.id)[route]
    response = await client.request(
        method,
        path,
        json=message("yes", "c1"),
        headers={"Authorization": f"Bearer {other['token']}"},
    )
    assert await error_of(response) == (403, "BadToken")
    assert len(await logged(client, conversation)) == before


@pytest.mark.parametrize("route", [2, 3, 4])
async def test_a_conversation_never_started_is_404(client: Client, route: int) -> None:
    token = await (await client.post("/api/webchat/token")).json()
    method, path = routes(token["conversationId"])[route]
    response = await client.request(
        method,
        path,
        json=message("yes", "c1"),
        headers={"Authorization": f"Bearer {token['token']}"},
    )
    assert await error_of(response) == (404, "ConversationNotFound")


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b'{"type": "message", "text": ', "not JSON"),
        (b'["message"]', "not an object"),
        (b'{"text": "yes"}', "no type"),
        (b"", "empty"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
async def test_a_malformed_activity_is_400(
    client: Client, conversation: Conversation, body: bytes, why: str
) -> None:
    before = len(await logged(client, conversation))
    response = await client.post(
        conversation.activities_path,
        data=body,
        headers={**conversation.headers, "Content-Type": "application/json"},
    )
    assert await error_of(response) == (400, "BadArgument"), why
    assert len(await logged(client, conversation)) == before


@pytest.mark.parametrize(
    "activity",
    [
        {"type": "message", "text": "yes", "attachments": "not a list"},
        {"type": "message", "text": "yes", "entities": [1, 2]},
        {"type": "message", "text": "yes", "suggestedActions": 5},
    ],
)
async def test_an_activity_that_does_not_fit_the_schema_is_400(
    client: Client, conversation: Conversation, activity: dict[str, Any]
) -> None:
    before = len(await logged(client, conversation))
    response = await client.post(
        conversation.activities_path, json=activity, headers=conversation.headers
    )
    assert await error_of(response) == (400, "BadArgument")
    assert len(await logged(client, conversation)) == before


async def test_a_bad_watermark_is_400(client: Client, conversation: Conversation) -> None:
    response = await client.get(
        conversation.activities_path, params={"watermark": "x1"}, headers=conversation.headers
    )
    assert await error_of(response) == (400, "BadArgument")


async def test_an_activity_over_the_size_limit_is_413(
    client: Client, conversation: Conversation
) -> None:
    before = len(await logged(client, conversation))
    response = await client.post(
        conversation.activities_path,
        json=message("x" * MAX_ACTIVITY_BYTES, "c1"),
        headers=conversation.headers,
    )
    assert await error_of(response) == (413, "MessageSizeTooBig")
    assert len(await logged(client, conversation)) == before


async def test_an_activity_over_the_size_limit_sent_in_chunks_is_413(
    client: Client, conversation: Conversation
) -> None:
    async def chunks() -> Any:
        for _ in range(5):
            yield b" " * (MAX_ACTIVITY_BYTES // 4)

    response = await client.post(
        conversation.activities_path,
        data=chunks(),
        headers={**conversation.headers, "Content-Type": "application/json"},
    )
    assert await error_of(response) == (413, "MessageSizeTooBig")


async def test_a_just_small_enough_activity_is_accepted(
    client: Client, conversation: Conversation
) -> None:
    response = await client.post(
        conversation.activities_path,
        json=message("x" * (MAX_ACTIVITY_BYTES - 1000), "c1"),
        headers=conversation.headers,
    )
    assert response.status == 200


async def test_more_messages_a_second_than_a_person_could_send_is_429(
    client: Client, conversation: Conversation
) -> None:
    client.app[DIRECT_LINE].limiter = RateLimiter(rate=0.01, burst=2)
    statuses = []
    for number in range(4):
        response = await client.post(
            conversation.activities_path,
            json=message("yes", f"c{number}"),
            headers=conversation.headers,
        )
        statuses.append(response.status)
        if response.status == 429:
            assert (await error_of(response))[1] == "TooManyRequests"
            assert int(response.headers["Retry-After"]) >= 1
    assert statuses == [200, 200, 429, 429]
    echoes = [a for a in await logged(client, conversation) if a["from"]["role"] == "user"]
    assert [e["channelData"]["clientActivityID"] for e in echoes] == ["c0", "c1"]


async def test_errors_are_json_error_responses_for_clients_to_act_on(
    client: Client, conversation: Conversation
) -> None:
    response = await client.get(conversation.activities_path)
    assert response.content_type == "application/json"
    body = await response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
