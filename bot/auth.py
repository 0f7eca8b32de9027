"""Checking the Bot Framework tokens that Azure Bot Service sends with every activity.

botbuilder's own check fetches the signing keys with a blocking HTTP call
inside the event loop, caches them for the whole process whatever the
metadata address, accepts a key that lists no endorsements for any channel,
and skips the `serviceurl` check when an activity has no serviceUrl. This
module does the whole check itself, with PyJWT (RS256 only) and the app's
pooled HTTP client, and the adapter is handed the result.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import jwt
from aiohttp import web
from botbuilder.core import Bot, serializer_helper
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, ClaimsIdentity
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm

from bot.activities import receive
from bot.inputs import InputError, json_object, text_id

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cloud:
    """Where an Azure cloud's Bot Service issues, publishes and accepts tokens."""

    issuer: str  # the issuer of channels' tokens
    scope: str  # the audience of the bot's own tokens for replies
    metadata_url: str  # the OpenID document listing the channels' signing keys
    login_url: str  # where the bot gets its own token


PUBLIC_CLOUD = Cloud(
    issuer="https://api.botframework.com",
    scope="https://api.botframework.com",
    metadata_url="https://login.botframework.com/v1/.well-known/openidconfiguration",
    login_url="https://login.microsoftonline.com",
)
CLOUDS = {
    "public": PUBLIC_CLOUD,
    "us-government": Cloud(
        issuer="https://api.botframework.us",
        scope="https://api.botframework.us",
        metadata_url="https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
        login_url="https://login.microsoftonline.us",
    ),
}

CALLER_ID = "urn:botframework:azure"
LEEWAY = timedelta(minutes=5)
KEYS_MAX_AGE = timedelta(hours=24)
# An unknown key id may mean the keys were rotated; look again, but not on every forged token.
UNKNOWN_KEY_RECHECK = timedelta(minutes=5)


class UnauthorizedError(Exception):
    """A request whose token does not prove it came from Azure Bot Service for this bot."""


@dataclass(frozen=True)
class SigningKey:
    """A public key from the metadata's key set, with the channels it may sign for."""

    key: RSAPublicKey
    endorsements: frozenset[str]


class OpenIdKeys:
    """The signing keys published at one OpenID metadata address, refreshed daily."""

    def __init__(self, metadata_url: str, session: aiohttp.ClientSession) -> None:
        self.metadata_url = metadata_url
        self._session = session
        self._keys: dict[str, SigningKey] = {}
        self._fetched: datetime | None = None
        self._lock = asyncio.Lock()

    async def get(self, key_id: str) -> SigningKey | None:
        """The key with this id, fetching the key set when it is stale or lacks the id."""
        now = datetime.now(UTC)
        if self._stale(key_id, now):
            await self._refresh(now)
        return self._keys.get(key_id)

    def _stale(self, key_id: str, now: datetime) -> bool:
        """Whether to read the key set again: a day old, or lacking this key for a while."""
        if self._fetched is None:
            return True
        age = now - self._fetched
        return age > KEYS_MAX_AGE or (key_id not in self._keys and age > UNKNOWN_KEY_RECHECK)

    async def _refresh(self, now: datetime) -> None:
        async with self._lock:
            if self._fetched is not None and self._fetched >= now:
                return  # another request refreshed the keys while this one waited
            metadata = await self._json(self.metadata_url)
            key_set = await self._json(str(metadata["jwks_uri"]))
            self._keys = dict(_signing_keys(key_set))
            self._fetched = datetime.now(UTC)
            log.info("read %d signing keys from %s", len(self._keys), self.metadata_url)

    async def _json(self, url: str) -> dict[str, Any]:
        async with self._session.get(url) as response:
            response.raise_for_status()
            document: dict[str, Any] = await response.json(content_type=None)
            return document


def _signing_keys(key_set: dict[str, Any]) -> list[tuple[str, SigningKey]]:
    """The RSA keys of a JWKS document, by key id; other kinds of key are ignored."""
    keys = []
    for jwk in key_set.get("keys", []):
        if jwk.get("kty") != "RSA" or not jwk.get("kid"):
            continue
        public = RSAAlgorithm.from_jwk(json.dumps(jwk))
        if isinstance(public, RSAPublicKey):
            endorsements = frozenset(str(e) for e in jwk.get("endorsements") or [])
            keys.append((str(jwk["kid"]), SigningKey(public, endorsements)))
    return keys


class ChannelTokens:
    """Checks the token on an activity from an Azure Bot Service channel."""

    def __init__(self, *, app_id: str, keys: OpenIdKeys, cloud: Cloud = PUBLIC_CLOUD) -> None:
        self.app_id = app_id
        self.keys = keys
        self.issuer = cloud.issuer
        self.scope = cloud.scope

    async def check(
        self, authorization: str, *, channel_id: str, service_url: str
    ) -> dict[str, Any]:
        """The token's claims, or `UnauthorizedError` saying what was wrong with it."""
        token = _bearer(authorization)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise UnauthorizedError(f"unreadable token: {error}") from error
        if header.get("alg") != "RS256":
            raise UnauthorizedError(f"token signed with {header.get('alg')!r}, not RS256")
        try:
            key = await self.keys.get(str(header.get("kid") or ""))
        except (aiohttp.ClientError, TimeoutError, KeyError, ValueError) as error:
            raise KeysUnavailableError(f"{self.keys.metadata_url}: {error}") from error
        if key is None:
            raise UnauthorizedError(f"token signed with an unknown key {header.get('kid')!r}")
        if not channel_id or channel_id not in key.endorsements:
            raise UnauthorizedError(f"the signing key is not endorsed for channel {channel_id!r}")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=self.issuer,
                leeway=LEEWAY,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.InvalidTokenError as error:
            raise UnauthorizedError(f"invalid token: {error}") from error
        if not service_url or claims.get("serviceurl") != service_url:
            raise UnauthorizedError("the token's serviceurl does not match the activity's")
        return claims


def _bearer(authorization: str) -> str:
    """The token in an `Authorization: Bearer ...` header."""
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or " " in token.strip():
        raise UnauthorizedError("no Bearer token")
    return token.strip()


class KeysUnavailableError(Exception):
    """The signing keys could not be read, so no token can be checked just now."""


def authenticated(adapter: Any, claims: dict[str, Any], scope: str) -> AuthenticateRequestResult:
    """What botbuilder's own check would have produced for a token this module accepted."""
    identity = ClaimsIdentity(claims, True, "Bearer")
    result = AuthenticateRequestResult()
    result.claims_identity = identity
    result.audience = scope
    result.caller_id = CALLER_ID
    result.connector_factory = adapter.bot_framework_authentication.create_connector_factory(
        identity
    )
    return result


async def process_authenticated(
    request: web.Request, adapter: Any, bot: Bot, tokens: ChannelTokens
) -> web.Response:
    """Check an activity's token, then run its turn; 401 and nothing else when it fails."""
    activity = await activity_of(request)
    try:
        claims = await tokens.check(
            request.headers.get("Authorization", ""),
            channel_id=activity.channel_id or "",
            service_url=activity.service_url or "",
        )
    except UnauthorizedError as error:
        log.warning("refused an activity on /api/messages: %s", error)
        raise web.HTTPUnauthorized() from error
    except KeysUnavailableError as error:
        log.error("cannot check tokens: %s", error)
        raise web.HTTPServiceUnavailable() from error
    identity = authenticated(adapter, claims, tokens.scope)
    return _answer(await adapter.process_activity(identity, activity, bot.on_turn))


async def process_unauthenticated(request: web.Request, adapter: Any, bot: Bot) -> web.Response:
    """Run an activity's turn with authentication off (on a laptop, with the Emulator)."""
    activity = await activity_of(request)
    header = request.headers.get("Authorization", "")
    return _answer(await adapter.process_activity(header, activity, bot.on_turn))


async def activity_of(request: web.Request) -> Activity:
    """The activity a channel posted; 415 or 400 if the body is not one."""
    if "application/json" not in request.headers.get("Content-Type", ""):
        raise web.HTTPUnsupportedMediaType(text="Send the activity as application/json.")
    body = json_object(await request.read())
    if not isinstance(body.get("type"), str) or not body["type"]:
        raise InputError("The activity has no type.")
    if body["type"] == "invoke":
        raise InputError("This bot answers message activities; it takes no invoke activities.")
    conversation = body.get("conversation")
    text_id(
        conversation.get("id") if isinstance(conversation, dict) else None, name="conversation.id"
    )
    sender = body.get("from")
    text_id(sender.get("id") if isinstance(sender, dict) else None, name="from.id", required=False)
    for name in ("channelId", "serviceUrl", "id"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise InputError(f"{name} must be text.")
    try:
        return receive(body)
    except (ValueError, TypeError) as error:
        raise InputError("The body is not a Bot Framework activity.") from error


def _answer(invoke: Any) -> web.Response:
    """The HTTP response to a channel: an invoke's answer, or 201."""
    if invoke:
        return web.json_response(serializer_helper(invoke.body), status=invoke.status)
    return web.Response(status=201)
