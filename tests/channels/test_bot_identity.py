"""The bot gets its own token for replies the way its kind of Azure Bot must, wherever it runs."""

from __future__ import annotations

import logging

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import Settings
from tests.channels.conftest import (
    APP_ID,
    APP_PASSWORD,
    BOT_TOKEN,
    IDENTITY_HEADER,
    TENANT_ID,
    Connector,
    Issuer,
    activity,
)

SCOPE = "https://api.botframework.com/.default"
RESOURCE = "https://api.botframework.com"


async def reply_to_hello(settings: Settings, connector: Connector, issuer: Issuer) -> None:
    """Serve the app, send it "hello" from a channel, and check the reply came with the token."""
    async with TestClient(TestServer(create_app(settings))) as client:
        headers = {"Authorization": f"Bearer {issuer.token(connector.url)}"}
        response = await client.post("/api/messages", json=activity(connector), headers=headers)
        assert response.status in (200, 201), await response.text()
    assert "automated survey" in connector.texts("conv-1")[0]
    assert set(connector.authorizations) == {f"Bearer {BOT_TOKEN}"}


async def test_a_multi_tenant_bot_asks_the_bot_framework_tenant_with_its_secret(
    settings: Settings, connector: Connector, issuer: Issuer
) -> None:
    await reply_to_hello(settings, connector, issuer)
    (request,) = issuer.token_requests
    assert request["via"] == "tenant botframework.com"
    assert (request["client_id"], request["client_secret"]) == (APP_ID, APP_PASSWORD)
    assert (request["grant_type"], request["scope"]) == ("client_credentials", SCOPE)


async def test_a_single_tenant_bot_asks_its_own_tenant(
    settings: Settings, connector: Connector, issuer: Issuer
) -> None:
    single = settings.replace(app_type="SingleTenant", app_tenant_id=TENANT_ID)
    await reply_to_hello(single, connector, issuer)
    assert [r["via"] for r in issuer.token_requests] == [f"tenant {TENANT_ID}"]


async def test_a_managed_identity_on_app_service_or_container_apps_asks_identity_endpoint(
    settings: Settings, connector: Connector, issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # App Service and Container Apps set both variables for the app's process.
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"{issuer.url}/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", IDENTITY_HEADER)
    identity = settings.replace(
        app_type="UserAssignedMSI", app_tenant_id=TENANT_ID, app_password=""
    )
    await reply_to_hello(identity, connector, issuer)
    (request,) = issuer.token_requests
    assert request["via"] == "IDENTITY_ENDPOINT"
    assert (request["client_id"], request["resource"]) == (APP_ID, RESOURCE)


async def test_a_managed_identity_on_a_virtual_machine_asks_the_instance_metadata_service(
    settings: Settings, connector: Connector, issuer: Issuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IDENTITY_ENDPOINT", raising=False)
    # azure-identity's own way to move the instance metadata address, here to the stand-in.
    monkeypatch.setenv("AZURE_POD_IDENTITY_AUTHORITY_HOST", issuer.url)
    identity = settings.replace(
        app_type="UserAssignedMSI", app_tenant_id=TENANT_ID, app_password=""
    )
    await reply_to_hello(identity, connector, issuer)
    (request,) = issuer.token_requests
    assert request["via"] == "instance metadata"
    assert (request["client_id"], request["resource"]) == (APP_ID, RESOURCE)


async def test_the_client_secret_is_in_no_log_line_even_at_debug(
    settings: Settings, connector: Connector, issuer: Issuer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger(__name__).info("the settings: %s, %r", settings, settings)
    await reply_to_hello(settings, connector, issuer)
    assert issuer.token_requests, "the bot asked for its token"
    lines = [caplog.text, *(str(record.args) for record in caplog.records)]
    assert not [line for line in lines if APP_PASSWORD in line]
