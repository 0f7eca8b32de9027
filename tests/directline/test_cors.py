"""Cross-origin access: the force website may use the chat; other sites may not."""

from __future__ import annotations

import pytest

from tests.directline.conftest import FORCE_WEBSITE, Client, Conversation

WEB_CHAT_HEADERS = "authorization,content-type,x-ms-bot-agent"


@pytest.mark.parametrize(
    "path", ["/api/webchat/token", "/v3/directline/conversations", "/v3/directline/tokens/refresh"]
)
async def test_the_force_website_may_call_with_the_headers_web_chat_sends(
    client: Client, path: str
) -> None:
    response = await client.options(
        path,
        headers={
            "Origin": FORCE_WEBSITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": WEB_CHAT_HEADERS,
        },
    )
    assert response.status == 204
    assert response.headers["Access-Control-Allow-Origin"] == FORCE_WEBSITE
    allowed = {
        h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert set(WEB_CHAT_HEADERS.split(",")) <= allowed
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


async def test_another_site_is_refused_at_the_preflight(client: Client) -> None:
    response = await client.options(
        "/api/webchat/token",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status == 403
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_responses_to_the_force_website_say_it_may_read_them(
    client: Client, conversation: Conversation
) -> None:
    response = await client.get(
        conversation.activities_path, headers={**conversation.headers, "Origin": FORCE_WEBSITE}
    )
    assert response.status == 200
    assert response.headers["Access-Control-Allow-Origin"] == FORCE_WEBSITE
    assert response.headers["Vary"] == "Origin"


async def test_even_error_responses_are_readable_by_the_force_website(client: Client) -> None:
    response = await client.get(
        "/v3/directline/conversations/nope/activities", headers={"Origin": FORCE_WEBSITE}
    )
    assert response.status == 401
    assert response.headers["Access-Control-Allow-Origin"] == FORCE_WEBSITE


async def test_responses_to_another_site_carry_no_permission(client: Client) -> None:
    response = await client.post("/api/webchat/token", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_the_rest_of_the_app_is_not_opened_to_other_origins(client: Client) -> None:
    response = await client.get("/healthz", headers={"Origin": FORCE_WEBSITE})
    assert "Access-Control-Allow-Origin" not in response.headers
