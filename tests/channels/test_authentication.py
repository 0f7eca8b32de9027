"""With an app id set, /api/messages takes only activities Azure Bot Service signed for this bot."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives import serialization

from bot.app import create_app
from bot.settings import Settings
from tests.channels.conftest import (
    BOT_TOKEN,
    Client,
    Connector,
    Issuer,
    activity,
    row_counts,
)


async def post(client: Client, body: dict[str, Any], authorization: str | None) -> int:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await client.post("/api/messages", json=body, headers=headers)
    return response.status


async def test_a_valid_token_is_answered_through_the_connector_with_the_bots_token(
    client: Client, connector: Connector, issuer: Issuer
) -> None:
    body = activity(connector, "hello")
    status = await post(client, body, f"Bearer {issuer.token(connector.url)}")
    assert status in (200, 201)
    assert "automated survey" in connector.texts("conv-1")[0]
    assert set(connector.authorizations) == {f"Bearer {BOT_TOKEN}"}
    assert issuer.token_requests[0]["scope"] == "https://api.botframework.com/.default"


async def test_the_bots_token_is_fetched_once_for_many_replies(
    client: Client, connector: Connector, issuer: Issuer
) -> None:
    for text in ("hello", "yes"):
        body = activity(connector, text)
        assert await post(client, body, f"Bearer {issuer.token(connector.url)}") in (200, 201)
    assert len(connector.texts("conv-1")) >= 2
    assert len(issuer.token_requests) == 1


def _unsigned(issuer: Issuer, connector: Connector) -> str:
    return jwt.encode(issuer.claims(connector.url), key="", algorithm="none")


def _hs256_with_public_key(issuer: Issuer, connector: Connector) -> str:
    # The classic key-confusion forgery: the public key's PEM used as an HMAC secret.
    # PyJWT refuses to sign with a PEM, so the token is put together by hand.
    import base64
    import hashlib
    import hmac
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    pem = issuer.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "channel-key-1"}).encode())
    payload = b64(json.dumps(issuer.claims(connector.url)).encode())
    signature = hmac.new(pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


FORGERIES: dict[str, Callable[[Issuer, Connector], str | None]] = {
    "alg none": lambda i, c: f"Bearer {_unsigned(i, c)}",
    "HS256 signed with the public key": lambda i, c: f"Bearer {_hs256_with_public_key(i, c)}",
    "wrong issuer": lambda i, c: f"Bearer {i.token(c.url, iss='https://sts.example.org')}",
    "wrong audience": lambda i, c: f"Bearer {i.token(c.url, aud='someone-elses-bot')}",
    "no audience": lambda i, c: f"Bearer {i.token(c.url, aud=None)}",
    "expired beyond the leeway": lambda i, c: (
        f"Bearer {i.token(c.url, exp=int(time.time()) - 6 * 60)}"
    ),
    "no expiry": lambda i, c: f"Bearer {i.token(c.url, exp=None)}",
    "wrong serviceurl": lambda i, c: f"Bearer {i.token('https://attacker.example.org')}",
    "unknown key id": lambda i, c: f"Bearer {i.token(c.url, kid='not-a-key')}",
    "malformed header": lambda i, c: f"Token {i.token(c.url)}",
    "garbage token": lambda i, c: "Bearer not.a.token",
    "empty bearer": lambda i, c: "Bearer ",
    "no header": lambda i, c: None,
}


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_a_forged_or_wrong_token_is_refused_and_nothing_is_recorded_or_sent(
    forgery: str,
    client: Client,
    connector: Connector,
    issuer: Issuer,
    database_url: str,
) -> None:
    authorization = FORGERIES[forgery](issuer, connector)
    status = await post(client, activity(connector, "hello"), authorization)
    assert status == 401
    assert connector.calls == 0
    assert sum((await row_counts(database_url)).values()) == 0


async def test_a_token_for_a_channel_the_key_does_not_endorse_is_refused(
    client: Client, connector: Connector, issuer: Issuer, database_url: str
) -> None:
    body = activity(connector, "hello", channel="slack")
    assert await post(client, body, f"Bearer {issuer.token(connector.url)}") == 401
    assert connector.calls == 0
    assert sum((await row_counts(database_url)).values()) == 0


async def test_a_token_expired_within_the_five_minute_leeway_is_accepted(
    client: Client, connector: Connector, issuer: Issuer
) -> None:
    token = issuer.token(connector.url, exp=int(time.time()) - 4 * 60)
    assert await post(client, activity(connector, "hello"), f"Bearer {token}") in (200, 201)
    assert connector.texts("conv-1")


async def test_an_activity_with_another_service_url_than_its_token_is_refused(
    client: Client, connector: Connector, issuer: Issuer
) -> None:
    body = activity(connector, "hello", serviceUrl="https://attacker.example.org")
    assert await post(client, body, f"Bearer {issuer.token(connector.url)}") == 401
    assert connector.calls == 0


async def test_the_us_government_cloud_takes_its_own_issuer_and_scope(
    settings: Settings, connector: Connector, issuer: Issuer
) -> None:
    government = settings.replace(bot_cloud="us-government")
    async with TestClient(TestServer(create_app(government))) as client:
        public = issuer.token(connector.url)
        assert await post(client, activity(connector, "hello"), f"Bearer {public}") == 401
        ours = issuer.token(connector.url, iss="https://api.botframework.us")
        assert await post(client, activity(connector, "hello"), f"Bearer {ours}") in (200, 201)
    assert issuer.token_requests[-1]["scope"] == "https://api.botframework.us/.default"
