"""The bot hands the staff site the theme model it loaded with the other language models."""

from __future__ import annotations

from aiohttp import web

from bot.app import create_app
from bot.language import load_language
from bot.review.site import THEMER
from bot.settings import Settings


def test_the_staff_site_gets_the_theme_model_loaded_with_the_language_models(
    settings: Settings,
) -> None:
    app = create_app(settings)
    review = next(
        inner
        for resource in app.router.resources()
        if isinstance(inner := getattr(resource, "_app", None), web.Application)
    )

    themer = review[THEMER]()

    assert themer is load_language().themes
    assert themer.assign({"101": ["answer 101 faster"]}, ["[name]"]) == [{}]
