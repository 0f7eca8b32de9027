"""Sending replies to a channel's serviceUrl: one pooled HTTP client, retries, the bot's token.

botbuilder's connector client opens a new HTTP session for its calls and gets
the bot's token with a blocking call; here every reply goes through the app's
one `aiohttp.ClientSession`, with the token from azure-identity's async
credentials (`bot.identity`), kept until shortly before it expires.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, ResourceResponse
from botframework.connector.auth import (
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
)

from bot.auth import CLOUDS, ChannelTokens, OpenIdKeys
from bot.identity import BotToken, TokenError, bot_credential
from bot.settings import Settings

log = logging.getLogger(__name__)

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
ATTEMPTS = 4


class DeliveryError(Exception):
    """A reply that the channel did not accept, even after retries."""


@dataclass
class Delivery:
    """Posts activities to channels, retrying with backoff when the channel is busy or down."""

    session: aiohttp.ClientSession
    token: BotToken | None = None
    backoff: float = 0.5
    timeout: float = 15.0

    async def send(self, activity: dict[str, Any], *, attempts: int = ATTEMPTS) -> str:
        """Post one activity; its id at the channel, or `DeliveryError`."""
        url = _activity_url(activity)
        problem = ""
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                status, body = await self._post(url, activity)
            except TokenError as error:
                raise DeliveryError(f"reply to {url} not sent: {error}") from error
            except (TimeoutError, aiohttp.ClientError) as error:
                problem = f"{type(error).__name__} {error}"
                continue
            if status < 300:
                return str(body.get("id", ""))
            problem = f"HTTP {status}"
            if status == 401 and self.token is not None:
                self.token.forget()
            elif status not in RETRIED_STATUSES:
                break
        raise DeliveryError(f"reply to {url} not delivered: {problem}")

    async def _post(self, url: str, activity: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        headers = {}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {await self.token.get()}"
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with self.session.post(
            url, json=activity, headers=headers, timeout=timeout
        ) as response:
            if response.status >= 300:
                return response.status, {}
            try:
                body = await response.json(content_type=None)
            except ValueError:
                body = None
            return response.status, body if isinstance(body, dict) else {}


def _activity_url(activity: dict[str, Any]) -> str:
    """Where the connector API takes this activity: as a reply, or into the conversation."""
    base = str(activity.get("serviceUrl") or "").rstrip("/")
    if not base:
        raise DeliveryError("the activity has no serviceUrl to reply to")
    conversation = quote(str((activity.get("conversation") or {}).get("id", "")), safe="")
    url = f"{base}/v3/conversations/{conversation}/activities"
    reply_to = activity.get("replyToId")
    return f"{url}/{quote(str(reply_to), safe='')}" if reply_to else url


class ReusedClients(BotFrameworkAuthentication):
    """botbuilder's authentication, building each connector and token client once, not per turn.

    botbuilder makes a ConnectorClient and a UserTokenClient for every turn, and each one
    sets up msrest's retry policy afresh: that costs more CPU than the rest of the turn.
    Replies go through `Delivery`, so these clients serve only the rare activity it does
    not send, and one of each is plenty.
    """

    def __init__(self, inner: BotFrameworkAuthentication) -> None:
        self.inner = inner
        self._connectors: dict[tuple[str, str], Any] = {}
        self._token_clients: dict[str, Any] = {}

    async def authenticate_request(self, activity: Activity, auth_header: str) -> Any:
        """The inner check, with a connector factory that reuses its clients."""
        result = await self.inner.authenticate_request(activity, auth_header)
        result.connector_factory = self.create_connector_factory(result.claims_identity)
        return result

    async def authenticate_streaming_request(self, auth_header: str, channel_id_header: str) -> Any:
        """The inner check, unchanged."""
        return await self.inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        """A factory that makes one client per service URL and audience, then reuses it."""
        return _ReusingFactory(self, self.inner.create_connector_factory(claims_identity))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> Any:
        """One token client per bot app id."""
        app_id = str(claims_identity.claims.get("appid") or claims_identity.claims.get("aud") or "")
        if app_id not in self._token_clients:
            client = await self.inner.create_user_token_client(claims_identity)
            self._token_clients[app_id] = client
        return self._token_clients[app_id]

    def create_bot_framework_client(self) -> Any:
        """The inner client, unchanged."""
        return self.inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        """The inner audience, unchanged."""
        return str(self.inner.get_originating_audience())

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        """The inner check, unchanged."""
        return await self.inner.authenticate_channel_request(auth_header)


class _ReusingFactory(ConnectorFactory):
    """Hands out the client made the first time for a service URL and audience."""

    def __init__(self, owner: ReusedClients, inner: ConnectorFactory) -> None:
        self.owner = owner
        self.inner = inner

    async def create(self, service_url: str, audience: str) -> Any:
        key = (service_url or "", audience or "")
        if key not in self.owner._connectors:
            self.owner._connectors[key] = await self.inner.create(service_url, audience)
        return self.owner._connectors[key]


class DeliveringAdapter(CloudAdapter):
    """botbuilder's CloudAdapter, sending through `Delivery` instead of its connector client."""

    delivery: Delivery | None = None

    def __init__(self, authentication: BotFrameworkAuthentication) -> None:
        super().__init__(ReusedClients(authentication))

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        """Send each activity; typing indicators are sent once, without retries."""
        if self.delivery is None:
            raise DeliveryError("the app's HTTP client is not open")
        responses = []
        for activity in activities:
            if activity.type not in (ActivityTypes.message, ActivityTypes.typing):
                responses += await super().send_activities(context, [activity])
                continue
            activity.id = None
            body = activity.serialize()
            if activity.type == ActivityTypes.typing:
                try:
                    await self.delivery.send(body, attempts=1)
                except DeliveryError as error:
                    log.info("typing indicator not shown: %s", error)
                responses.append(ResourceResponse(id=""))
                continue
            responses.append(ResourceResponse(id=await self.delivery.send(body)))
        return responses

    async def send_json(self, replies: list[dict[str, Any]]) -> None:
        """Send the survey's replies, JSON already addressed, in order; `DeliveryError` if
        one does not get through. (Through `send_activities` each would be converted to
        an Activity, copied, and converted back: more work than the rest of the turn.)"""
        if self.delivery is None:
            raise DeliveryError("the app's HTTP client is not open")
        for reply in replies:
            await self.delivery.send({name: value for name, value in reply.items() if name != "id"})


CHANNEL_TOKENS = web.AppKey("channel_tokens", ChannelTokens)
DELIVERY = web.AppKey("delivery", Delivery)


def channel_client(settings: Settings, adapter: DeliveringAdapter) -> Any:
    """The app's one HTTP client for Azure's channels: token keys in, replies out."""

    async def open_client(app: web.Application) -> AsyncIterator[None]:
        """Open the pooled client for the app's lifetime."""
        # The certificate authorities trusted are read now, at start-up, not at import.
        connector = aiohttp.TCPConnector(ssl=ssl.create_default_context())
        async with aiohttp.ClientSession(connector=connector) as session:
            token = None
            if settings.auth_enabled:
                cloud = CLOUDS[settings.bot_cloud]
                keys = OpenIdKeys(settings.openid_metadata_url or cloud.metadata_url, session)
                app[CHANNEL_TOKENS] = ChannelTokens(app_id=settings.app_id, keys=keys, cloud=cloud)
                token = BotToken(bot_credential(settings, cloud, session), cloud.scope)
            app[DELIVERY] = adapter.delivery = Delivery(session, token)
            try:
                yield
            finally:
                adapter.delivery = None
                if token is not None:
                    await token.close()

    return open_client
