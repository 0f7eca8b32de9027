"""The aiohttp application: `create_app(settings)` builds everything; import does nothing."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import sqlalchemy as sa
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)

from bot import directline, webchat
from bot.auth import process_authenticated, process_unauthenticated
from bot.codebook import codebook
from bot.conversation import Services
from bot.delivery import CHANNEL_TOKENS, DeliveringAdapter, channel_client
from bot.handler import SurveyBot
from bot.inputs import guard
from bot.language import load_language
from bot.language.themes import ThemeModel
from bot.retention import daily_purge
from bot.review import DATABASE as REVIEW_DATABASE
from bot.review import ReviewConfig, create_review_app
from bot.settings import Settings
from dialogs.loader import load_survey
from storage.database import open_database

log = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
SERVICES = web.AppKey("services", Services)
ADAPTER = web.AppKey("adapter", CloudAdapter)
BOT = web.AppKey("bot", SurveyBot)


class _AdapterConfig:
    """The attribute names botbuilder reads its configuration from."""

    def __init__(self, settings: Settings) -> None:
        self.APP_ID = settings.app_id
        self.APP_PASSWORD = settings.app_password.get_secret_value()
        self.APP_TYPE = settings.app_type
        self.APP_TENANTID = settings.app_tenant_id
        # Tokens are checked by bot.auth, not botbuilder, so no metadata address is passed here.


def create_app(settings: Settings) -> web.Application:
    """Build the whole application: bot, channels and staff site."""
    # The guard comes first: it checks every request before any route, the staff site's too.
    proxies = frozenset(settings.trusted_proxies)
    app = web.Application(
        client_max_size=256 * 1024,
        middlewares=[guard([(directline.PREFIX, directline.bad_input)], proxies)],
    )
    app[SETTINGS] = settings
    survey = load_survey(settings.survey_file)
    adapter = DeliveringAdapter(ConfigurationBotFrameworkAuthentication(_AdapterConfig(settings)))
    adapter.on_turn_error = _on_turn_error
    app[ADAPTER] = adapter
    app.cleanup_ctx.append(channel_client(settings, adapter))
    app.cleanup_ctx.append(_database(survey))
    app.cleanup_ctx.append(daily_purge(lambda app: app[SERVICES].db, settings))
    directline.setup(app, settings, lambda app: app[SERVICES])
    webchat.setup(app, settings, lambda app: app[SERVICES])
    add_routes(app)
    statement = webchat.ACCESSIBILITY_ROUTE if survey.accessibility else ""
    review_config = ReviewConfig.from_settings(settings, accessibility_url=statement)
    review = create_review_app(review_config, codebook(survey), themer=_theme_model)
    app.add_subapp("/review", review)
    return app


def _theme_model() -> ThemeModel:
    """The theme model, loaded with the other language models (once per process)."""
    return load_language().themes


def _database(survey: Any) -> Any:
    async def database(app: web.Application) -> AsyncIterator[None]:
        """Open the database (applying migrations) for the app's lifetime."""
        settings = app[SETTINGS]
        db = await open_database(settings.database_url, migrate=True)
        services = Services(settings=settings, survey=survey, db=db)
        app[SERVICES] = services
        app[REVIEW_DATABASE] = db
        app[BOT] = SurveyBot(services)
        yield
        await db.close()

    return database


def add_routes(app: web.Application) -> None:
    """Every route, in one place."""
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)


async def messages(request: web.Request) -> web.StreamResponse:
    """Activities from Azure Bot Service channels (and the Emulator)."""
    if request.app[SETTINGS].auth_enabled:
        tokens = request.app[CHANNEL_TOKENS]
        return await process_authenticated(request, request.app[ADAPTER], request.app[BOT], tokens)
    return await process_unauthenticated(request, request.app[ADAPTER], request.app[BOT])


async def healthz(request: web.Request) -> web.Response:
    """Whether the server is up and can reach its database."""
    services = request.app[SERVICES]
    async with services.db.sessions() as session:
        await session.exec(sa.select(1))  # type: ignore[call-overload]
    return web.json_response({"status": "ok", "survey": services.survey.id})


async def _on_turn_error(context: TurnContext, error: Exception) -> None:
    """Apologise and log; the resident's answers so far are already safe in the database."""
    log.exception("turn failed in %s", context.activity.conversation.id, exc_info=error)
    await context.send_activity(
        "Sorry, something went wrong on our side. Your answers so far are saved. "
        "Please send your last answer again."
    )
