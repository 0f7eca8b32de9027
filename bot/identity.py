"""The bot's own identity: the token Azure's channels require on every reply.

azure-identity's async credentials get it. A MultiTenant or SingleTenant bot
proves itself with its client secret; a UserAssignedMSI bot with its managed
identity, found wherever the server runs: App Service and Container Apps say
where through IDENTITY_ENDPOINT, a virtual machine has the instance metadata
address. The credential's requests go through the app's one pooled HTTP
client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import aiohttp
from azure.core.credentials_async import AsyncTokenCredential
from azure.core.exceptions import AzureError
from azure.core.pipeline.transport import AioHttpTransport
from azure.identity.aio import ClientSecretCredential, ManagedIdentityCredential

from bot.auth import Cloud
from bot.settings import Settings

# Multi-tenant bots get their token from the Bot Framework's own tenant.
BOT_FRAMEWORK_TENANT = "botframework.com"
TOKEN_SPARE = timedelta(minutes=5)


class TokenError(Exception):
    """The bot's own token could not be had, so no reply can be sent just now."""


def bot_credential(
    settings: Settings, cloud: Cloud, session: aiohttp.ClientSession
) -> AsyncTokenCredential:
    """The credential for the kind of bot the settings describe, sending through `session`."""
    transport = AioHttpTransport(session=session, session_owner=False)
    if settings.app_type == "UserAssignedMSI":
        return ManagedIdentityCredential(client_id=settings.app_id, transport=transport)
    tenant = settings.app_tenant_id if settings.app_type == "SingleTenant" else BOT_FRAMEWORK_TENANT
    return ClientSecretCredential(
        tenant,
        settings.app_id,
        settings.app_password.get_secret_value(),
        authority=settings.bot_login_url or cloud.login_url,
        transport=transport,
    )


@dataclass
class BotToken:
    """The bot's token for its cloud's channels, asked for again shortly before it expires."""

    credential: AsyncTokenCredential
    scope: str
    _token: str = field(default="", repr=False)
    _expires: datetime = field(default=datetime.min.replace(tzinfo=UTC), repr=False)

    async def get(self) -> str:
        """A token valid for a few more minutes at least; `TokenError` if none can be had."""
        if not self._token or datetime.now(UTC) >= self._expires - TOKEN_SPARE:
            try:
                access = await self.credential.get_token(f"{self.scope}/.default")
            except AzureError as error:
                raise TokenError(f"could not get the bot's token: {error.message}") from error
            self._token = access.token
            self._expires = datetime.fromtimestamp(access.expires_on, UTC)
        return self._token

    def forget(self) -> None:
        """Drop the token, so the next reply asks the credential again."""
        self._token = ""

    async def close(self) -> None:
        """Let the credential go (the HTTP client it used stays open)."""
        await self.credential.close()
