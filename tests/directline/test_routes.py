"""Each Direct Line route, as Web Chat and the Direct Line client use it."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from bot.directline import DIRECT_LINE, protocol
from tests.directline.conftest import (
    SECRET,
    Client,
    Conversation,
    activities,
    message,
    post,
    start_conversation,
)


async def test_the_page_gets_a_token_for_a_new_conversation_without_any_secret(
    client: Client,
) -> None:
    response = await client.post("/api/webchat/token")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = await response.json()
    assert set(body) == {
        "conversationId", "token", "expires_in", "userId", "resume", "resumeFor", "resident"
    }  # fmt: skip
    assert body["expires_in"] == 1800
    assert body["resumeFor"] == 24 * 3600
    assert body["userId"].startswith("dl_")
    grant = client.app[DIRECT_LINE].tokens.read(body["token"])
    assert (grant.conversation_id, grant.user_id) == (body["conversationId"], body["userId"])


async def test_each_page_token_is_for_a_conversation_of_its_own(client: Client) -> None:
    first = await (await client.post("/api/webchat/token")).json()
    second = await (await client.post("/api/webchat/token")).json()
    assert first["conversationId"] != second["conversationId"]
    assert first["userId"] != second["userId"]


async def test_starting_a_conversation_welcomes_the_resident_at_once(client: Client) -> None:
    conversation = await start_conversation(client)
    assert conversation.stream_url.startswith("ws://127.0.0.1:")
    welcome, watermark = await activities(client, conversation)
    assert int(watermark) == len(welcome) > 1
    assert all(a["from"]["role"] == "bot" for a in welcome)
    assert "automated survey" in welcome[0]["text"]
    consent = welcome[-1]
    assert "happy to take part" in consent["text"]
    titles = [a["title"] for a in consent["suggestedActions"]["actions"]]
    assert titles == ["Yes, start the survey", "No, thanks"]
    assert all(a["conversation"]["id"] == conversation.id for a in welcome)
    assert all(a["id"] and a["timestamp"] for a in welcome)


async def test_starting_the_same_conversation_again_does_not_welcome_twice(
    client: Client, conversation: Conversation
) -> None:
    before, _ = await activities(client, conversation)
    response = await client.post("/v3/directline/conversations", headers=conversation.headers)
    assert response.status == 200
    assert (await response.json())["conversationId"] == conversation.id
    after, _ = await activities(client, conversation)
    assert after == before


async def test_a_conversation_started_with_the_secret_gets_a_token_of_its_own(
    client: Client,
) -> None:
    response = await client.post(
        "/v3/directline/conversations",
        json={"user": {"id": "dl_from_the_force_website"}},
        headers={"Authorization": f"Bearer {SECRET}"},
    )
    assert response.status == 201
    body = await response.json()
    grant = client.app[DIRECT_LINE].tokens.read(body["token"])
    assert grant.conversation_id == body["conversationId"]
    assert grant.user_id == "dl_from_the_force_website"
    conversation = Conversation(body["conversationId"], body["token"], grant.user_id, "")
    welcome, _ = await activities(client, conversation)
    assert welcome


async def test_the_website_back_end_generates_tokens_with_the_secret(client: Client) -> None:
    response = await client.post(
        "/v3/directline/tokens/generate",
        json={"user": {"id": "dl_website_visitor"}},
        headers={"Authorization": f"Bearer {SECRET}"},
    )
    assert response.status == 200
    body = await response.json()
    assert body["userId"] == "dl_website_visitor"
    response = await client.post(
        "/v3/directline/conversations", headers={"Authorization": f"Bearer {body['token']}"}
    )
    assert response.status == 201
    assert (await response.json())["conversationId"] == body["conversationId"]


async def test_generating_a_token_needs_the_secret_not_a_token(
    client: Client, conversation: Conversation
) -> None:
    response = await client.post("/v3/directline/tokens/generate", headers=conversation.headers)
    assert response.status == 403
    assert (await response.json())["error"]["code"] == "Forbidden"


async def test_a_user_id_for_a_generated_token_must_be_a_short_string(client: Client) -> None:
    response = await client.post(
        "/v3/directline/tokens/generate",
        json={"user": {"id": "x" * 101}},
        headers={"Authorization": f"Bearer {SECRET}"},
    )
    assert response.status == 400
    assert (await response.json())["error"]["code"] == "BadArgument"


async def test_refreshing_a_token_keeps_the_conversation_and_the_user(
    client: Client, conversation: Conversation
) -> None:
    response = await client.post("/v3/directline/tokens/refresh", headers=conversation.headers)
    assert response.status == 200
    body = await response.json()
    assert body["conversationId"] == conversation.id
    assert body["userId"] == conversation.user_id
    assert body["expires_in"] == 1800
    refreshed = Conversation(conversation.id, body["token"], conversation.user_id, "")
    assert await activities(client, refreshed)


async def test_the_secret_itself_is_not_refreshed(client: Client) -> None:
    response = await client.post(
        "/v3/directline/tokens/refresh", headers={"Authorization": f"Bearer {SECRET}"}
    )
    assert response.status == 400


async def test_reconnecting_gives_a_fresh_stream_url_from_the_watermark(
    client: Client, conversation: Conversation
) -> None:
    response = await client.get(
        f"/v3/directline/conversations/{conversation.id}",
        params={"watermark": "3"},
        headers=conversation.headers,
    )
    assert response.status == 200
    body = await response.json()
    assert body["conversationId"] == conversation.id
    assert body["token"] == conversation.token
    stream = urlsplit(body["streamUrl"])
    assert stream.path == f"/v3/directline/conversations/{conversation.id}/stream"
    query = parse_qs(stream.query)
    assert query["watermark"] == ["3"]
    assert client.app[DIRECT_LINE].tokens.read(query["t"][0], "stream").conversation_id == (
        conversation.id
    )


async def test_the_stream_url_uses_the_public_address_when_one_is_set(
    client: Client, conversation: Conversation
) -> None:
    direct_line = client.app[DIRECT_LINE]
    direct_line.settings = direct_line.settings.replace(
        public_url="https://survey.example.org/chat"
    )
    response = await client.get(
        f"/v3/directline/conversations/{conversation.id}", headers=conversation.headers
    )
    stream_url = (await response.json())["streamUrl"]
    assert stream_url.startswith(
        f"wss://survey.example.org/chat/v3/directline/conversations/{conversation.id}/stream?"
    )


async def test_a_message_is_stored_with_a_server_id_and_timestamp_and_echoed(
    client: Client, conversation: Conversation
) -> None:
    _, watermark = await activities(client, conversation)
    activity_id = await post(client, conversation, "yes", "client-1")
    new, _ = await activities(client, conversation, watermark)
    echo, *replies = new
    assert echo["id"] == activity_id
    assert echo["channelData"] == {"clientActivityID": "client-1"}
    assert echo["text"] == "yes"
    assert echo["timestamp"].endswith("Z")
    assert echo["channelId"] == "webchat"
    # Who sent it comes from the token, not from what the client claimed.
    assert echo["from"] == {"id": conversation.user_id, "role": "user"}
    assert replies
    assert "Do you live or work in Hertfordshire?" in replies[-1]["text"]
    assert all(reply["replyToId"] == activity_id for reply in replies)


async def test_a_retried_message_is_answered_and_recorded_once(
    client: Client, conversation: Conversation
) -> None:
    _, watermark = await activities(client, conversation)
    first = await post(client, conversation, "yes", "client-1")
    once, _ = await activities(client, conversation, watermark)
    again = await post(client, conversation, "yes", "client-1")
    twice, _ = await activities(client, conversation, watermark)
    assert again == first
    assert twice == once


async def test_a_message_without_a_client_id_still_gets_its_own_id(
    client: Client, conversation: Conversation
) -> None:
    response = await client.post(
        conversation.activities_path, json=message("yes"), headers=conversation.headers
    )
    assert response.status == 200
    activity_id = (await response.json())["id"]
    assert activity_id.startswith(f"{conversation.id}|")


async def test_polling_returns_only_what_came_after_the_watermark(
    client: Client, conversation: Conversation
) -> None:
    welcome, watermark = await activities(client, conversation)
    none, same = await activities(client, conversation, watermark)
    assert (none, same) == ([], watermark)
    await post(client, conversation, "yes", "client-1")
    new, later = await activities(client, conversation, watermark)
    assert int(later) == int(watermark) + len(new)
    everything, _ = await activities(client, conversation)
    assert everything == welcome + new


def test_an_activity_set_is_made_of_the_activities_json_as_stored() -> None:
    activities = [{"type": "message", "text": 'He said "hi" \u2013 caf\u00e9'}, {"type": "typing"}]
    stored = [json.dumps(activity) for activity in activities]
    made = protocol.activity_set_json(stored, 7)
    assert json.loads(made) == {"activities": activities, "watermark": "7"}
    assert json.loads(protocol.activity_set_json([], 0)) == {"activities": [], "watermark": "0"}


async def test_the_resume_token_brings_a_resident_back_to_their_conversation_only(
    client: Client,
) -> None:
    first = await (await client.post("/api/webchat/token")).json()
    headers = {"Authorization": f"Bearer {first['token']}"}
    assert (await client.post("/v3/directline/conversations", headers=headers)).status == 201

    back = await client.post(
        "/api/webchat/resume", headers={"Authorization": f"Bearer {first['resume']}"}
    )
    assert back.status == 200
    body = await back.json()
    assert (body["conversationId"], body["userId"]) == (first["conversationId"], first["userId"])
    grant = client.app[DIRECT_LINE].tokens.read(body["token"])
    assert grant.conversation_id == first["conversationId"]
    # A conversation token is not a resume token, nor the other way round.
    wrong = await client.post("/api/webchat/resume", headers=headers)
    assert wrong.status == 403
    as_token = {"Authorization": f"Bearer {first['resume']}"}
    posted = await client.post(
        f"/v3/directline/conversations/{first['conversationId']}/activities",
        json={"type": "message", "text": "hello"},
        headers=as_token,
    )
    assert posted.status == 403


async def test_a_resume_token_for_a_conversation_never_started_finds_nothing(
    client: Client,
) -> None:
    first = await (await client.post("/api/webchat/token")).json()
    back = await client.post(
        "/api/webchat/resume", headers={"Authorization": f"Bearer {first['resume']}"}
    )
    assert back.status == 404


async def test_the_same_browser_is_the_same_resident_in_its_next_conversation(
    client: Client,
) -> None:
    first = await (await client.post("/api/webchat/token")).json()
    again = await client.post(
        "/api/webchat/token", headers={"Authorization": f"Bearer {first['resident']}"}
    )
    second = await again.json()
    assert second["conversationId"] != first["conversationId"]
    assert second["userId"] == first["userId"]
    # Anything else held up is no one in particular: a new resident.
    for held in ("garbage", first["token"], first["resume"]):
        other = await client.post("/api/webchat/token", headers={"Authorization": f"Bearer {held}"})
        assert other.status == 200
        assert (await other.json())["userId"] != first["userId"]
