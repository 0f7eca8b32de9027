"""The review site's factory, and the bot's app mounting it at /review."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.review import ReviewConfig, UnsafeSecret, create_review_app
from bot.review.config import ReviewSettings


@pytest.mark.parametrize("secret", ["", "development-only-secret", "short"])
@pytest.mark.parametrize("environment", ["production", "test"])
def test_the_site_refuses_a_missing_or_weak_secret_outside_development(
    codebook: dict[str, Any], secret: str, environment: str
) -> None:
    with pytest.raises(UnsafeSecret, match="SESSION_SECRET"):
        create_review_app(ReviewConfig(session_secret=secret, environment=environment), codebook)


def test_an_empty_secret_is_refused_even_in_development(codebook: dict[str, Any]) -> None:
    with pytest.raises(UnsafeSecret):
        create_review_app(ReviewConfig(session_secret="", environment="development"), codebook)


def test_the_development_secret_is_allowed_in_development(codebook: dict[str, Any]) -> None:
    config = ReviewConfig(session_secret="development-only-secret", environment="development")

    assert create_review_app(config, codebook) is not None


def test_building_the_site_touches_nothing_outside_it(codebook: dict[str, Any]) -> None:
    first = create_review_app(ReviewConfig(session_secret="x" * 40), codebook)
    second = create_review_app(ReviewConfig(session_secret="y" * 40), codebook)

    assert first is not second
    assert len(first.router.routes()) == len(second.router.routes())


def test_the_config_reads_the_bots_settings() -> None:
    from bot.settings import Settings

    settings: ReviewSettings = Settings(review_idle_minutes="5")

    config = ReviewConfig.from_settings(settings)

    assert (config.idle_minutes, config.session_hours, config.max_failed_logins) == (5, 8, 5)


async def test_the_bot_serves_the_site_at_review(database_url: str) -> None:
    from bot.app import create_app
    from bot.settings import Settings

    app = create_app(Settings(database_url=database_url))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        login = await client.get("/review/login")
        page = await login.text()
        refused = await client.get("/review/responses.json")

    assert login.status == 200
    assert "Log in" in page
    assert refused.status == 401
