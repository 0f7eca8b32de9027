"""Fixtures for Azure Bot Service channels, all on loopback.

- `issuer`: stands in for Azure, over HTTPS: the OpenID metadata and key set
  that sign channel tokens, a way to mint tokens with that key, and the places
  the bot gets its own token from for replies: Azure AD's token endpoint (with
  the client secret), and the managed identity endpoints of App Service and
  Container Apps (IDENTITY_ENDPOINT) and of a virtual machine (instance metadata).
- `connector`: the channel's connector API at the activity's serviceUrl; it
  records what the bot sent and can be told to fail.
- `settings`, `client`: the app with authentication on, pointed at both.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
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
from tests.connector import Connector
from tests.tls import LoopbackTLS, make_loopback_tls

APP_ID = "a1b2c3d4-0000-4000-8000-00000000b07"
APP_PASSWORD = "test-client-secret"
BOT_TOKEN = "token-for-the-bot-from-azure-ad"
TENANT_ID = "d1e2f3a4-0000-4000-8000-00000000e7a"
# What App Service and Container Apps put in IDENTITY_HEADER, for their identity endpoint.
IDENTITY_HEADER = "identity-header-from-the-platform"
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
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self.bot_token)
        app.router.add_get("/msi/token", self.app_service_identity)
        app.router.add_get("/metadata/identity/oauth2/token", self.instance_identity)
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
        """Azure AD: a token for a client id and secret."""
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.token_requests.append({**form, "via": f"tenant {request.match_info['tenant']}"})
        if form.get("client_id") != APP_ID or form.get("client_secret") != APP_PASSWORD:
            return web.json_response({"error": "invalid_client"}, status=401)
        return web.json_response(
            {"access_token": BOT_TOKEN, "expires_in": 3600, "token_type": "Bearer"}
        )

    async def app_service_identity(self, request: web.Request) -> web.Response:
        """App Service's and Container Apps' identity endpoint (IDENTITY_ENDPOINT)."""
        self.token_requests.append({**request.query, "via": "IDENTITY_ENDPOINT"})
        if request.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
            return web.json_response({"error": "no identity header"}, status=401)
        return self._identity_token(request)

    async def instance_identity(self, request: web.Request) -> web.Response:
        """A virtual machine's instance metadata service."""
        self.token_requests.append({**request.query, "via": "instance metadata"})
        if request.headers.get("Metadata") != "true":
            return web.json_response({"error": "no Metadata header"}, status=400)
        return self._identity_token(request)

    def _identity_token(self, request: web.Request) -> web.Response:
        if request.query.get("client_id") != APP_ID:
            return web.json_response({"error": "unknown identity"}, status=400)
        return web.json_response(
            {
                "access_token": BOT_TOKEN,
                "expires_on": str(int(time.time()) + 3600),
                "resource": request.query.get("resource", ""),
                "token_type": "Bearer",
            }
        )

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


@pytest.fixture(scope="session")
def loopback_tls(tmp_path_factory: pytest.TempPathFactory) -> LoopbackTLS:
    """A certificate authority for the session, and a certificate for 127.0.0.1."""
    return make_loopback_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
async def issuer(
    loopback_tls: LoopbackTLS, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Issuer]:
    """Azure's token services on loopback, over HTTPS the app is told to trust."""
    monkeypatch.setenv("SSL_CERT_FILE", str(Path(loopback_tls.authority)))
    stand_in = Issuer()
    server = TestServer(stand_in.app())
    await server.start_server(ssl=loopback_tls.server_context())
    try:
        stand_in.url = str(server.make_url("")).rstrip("/")
        yield stand_in
    finally:
        await server.close()


@pytest.fixture
def settings(settings: Settings, issuer: Issuer) -> Settings:
    """Authentication on, with Azure's services on loopback."""
    return settings.replace(
        app_id=APP_ID,
        app_password=APP_PASSWORD,
        openid_metadata_url=f"{issuer.url}/.well-known/openidconfiguration",
        bot_login_url=issuer.url,
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
