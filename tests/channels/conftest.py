"""Fixtures for Azure Bot Service channels, all on loopback.

- `issuer`: stands in for Azure: the OpenID metadata and key set that sign
  channel tokens, a way to mint tokens with that key, and the Azure AD token
  endpoint the bot gets its own token from for replies.
- `connector`: the channel's connector API at the activity's serviceUrl; it
  records what the bot sent and can be told to fail.
- `settings`, `client`: the app with authentication on, pointed at both.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlmodel import SQLModel

from bot.app import create_app
from bot.delivery import DELIVERY
from bot.settings import Settings
from storage.database import open_database

APP_ID = "a1b2c3d4-0000-4000-8000-00000000b07"
APP_PASSWORD = "test-client-secret"
BOT_TOKEN = "token-for-the-bot-from-azure-ad"
KEY_ID = "channel-key-1"
ENDORSED = ["facebook", "telegram", "sms", "whatsapp", "msteams", "emulator", "webchat"]

Client = TestClient[web.Request, web.Application]


class Issuer:
    """The loopback stand-in for Azure's token services."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.url = ""
        self.token_requests: list[dict[str, str]] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/.well-known/openidconfiguration", self.metadata)
        app.router.add_get("/keys", self.keys)
        app.router.add_post("/botframework.com/oauth2/v2.0/token", self.bot_token)
        return app

    async def metadata(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"issuer": "https://api.botframework.com", "jwks_uri": f"{self.url}/keys"}
        )

    async def keys(self, request: web.Request) -> web.Response:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": KEY_ID, "use": "sig", "endorsements": ENDORSED})
        return web.json_response({"keys": [jwk]})

    async def bot_token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        self.token_requests.append({k: str(v) for k, v in form.items()})
        if form.get("client_id") != APP_ID or form.get("client_secret") != APP_PASSWORD:
            return web.json_response({"error": "invalid_client"}, status=401)
        return web.json_response({"access_token": BOT_TOKEN, "expires_in": 3600})

    def claims(self, service_url: str, **changes: Any) -> dict[str, Any]:
        """The claims of a good channel token, with any changes."""
        now = int(time.time())
        claims = {
            "iss": "https://api.botframework.com",
            "aud": APP_ID,
            "serviceurl": service_url,
            "nbf": now - 10,
            "iat": now - 10,
            "exp": now + 3600,
        }
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, service_url: str, *, kid: str = KEY_ID, **changes: Any) -> str:
        """A channel token signed with the issuer's key (RS256)."""
        return jwt.encode(
            self.claims(service_url, **changes), self.key, algorithm="RS256", headers={"kid": kid}
        )


class Connector:
    """A channel's connector API: keeps every activity it accepted, and can fail on purpose."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.authorizations: list[str] = []
        self.failures: list[int] = []  # statuses to answer with before accepting again
        self.always_fail = False
        self.calls = 0
        self.url = ""
        self._ids = itertools.count(1)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self.receive)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self.receive)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        self.calls += 1
        activity = await request.json()
        if activity.get("type") == "message" and (self.always_fail or self.failures):
            status = 500 if self.always_fail else self.failures.pop(0)
            return web.json_response({"error": "busy"}, status=status)
        activity["_conversation"] = request.match_info["conversation"]
        self.received.append(activity)
        self.authorizations.append(request.headers.get("Authorization", ""))
        return web.json_response({"id": f"reply-{next(self._ids)}"})

    def messages(self, conversation: str) -> list[dict[str, Any]]:
        return [
            a
            for a in self.received
            if a["_conversation"] == conversation and a.get("type") == "message"
        ]

    def texts(self, conversation: str) -> list[str]:
        return [a.get("text", "") for a in self.messages(conversation)]


@pytest.fixture
async def issuer() -> AsyncIterator[Issuer]:
    """Azure's token services on loopback."""
    stand_in = Issuer()
    async with TestServer(stand_in.app()) as server:
        stand_in.url = str(server.make_url("")).rstrip("/")
        yield stand_in


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    """A channel's connector on loopback."""
    peer = Connector()
    async with TestServer(peer.app()) as server:
        peer.url = str(server.make_url("")).rstrip("/")
        yield peer


@pytest.fixture
def settings(database_url: str, issuer: Issuer) -> Settings:
    """Authentication on, with Azure's services on loopback."""
    return Settings(
        environment="test",
        database_url=database_url,
        app_id=APP_ID,
        app_password=APP_PASSWORD,
        openid_metadata_url=f"{issuer.url}/.well-known/openidconfiguration",
        bot_login_url=issuer.url,
        session_secret="channel-tests-session-secret-of-enough-length",
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    """The app on loopback, retrying replies quickly."""
    async with TestClient(TestServer(create_app(settings))) as test_client:
        test_client.app[DELIVERY].backoff = 0.01
        yield test_client


def activity(
    connector: Connector,
    text: str = "hello",
    *,
    channel: str = "telegram",
    conversation: str = "conv-1",
    **fields: Any,
) -> dict[str, Any]:
    """A resident's message as Azure Bot Service relays it."""
    body: dict[str, Any] = {
        "type": "message",
        "id": uuid.uuid4().hex,
        "channelId": channel,
        "serviceUrl": connector.url,
        "conversation": {"id": conversation},
        "from": {"id": f"{channel}-resident", "name": "Resident"},
        "recipient": {"id": "survey-bot", "name": "Survey"},
        "text": text,
    }
    body.update(fields)
    return body


async def row_counts(database_url: str) -> dict[str, int]:
    """How many rows each table holds."""
    db = await open_database(database_url, migrate=False)
    try:
        async with db.sessions() as session:
            counts = {}
            for table in SQLModel.metadata.sorted_tables:
                result = await session.exec(sa.select(sa.func.count()).select_from(table))  # type: ignore[call-overload]
                counts[table.name] = int(result.one()[0])
            return counts
    finally:
        await db.close()
