"""survey-bot as it is deployed: `create_app(settings)`, with one change for the benchmark.

Its secrets are fresh for each run; servers measured together share them, as
production instances must (the benchmark passes them in BENCH_SESSION_SECRET
and BENCH_RESIDENT_HASH_KEY).

The change: each conversation's message rate limit (a few a second, which no
person typing reaches) is lifted, because the benchmark's residents answer the
moment a reply arrives, and so is the limit on new chats per address, because
they all come from this machine. The limiters are still consulted, so their
cost is measured; they just never say no.
"""

from __future__ import annotations

import os
import secrets

from aiohttp import web

from bench.processes import RESIDENT_HASH_KEY, SESSION_SECRET
from bot.app import create_app as create_survey_bot
from bot.directline import DIRECT_LINE
from bot.directline.limits import RateLimiter
from bot.settings import Settings

UNLIMITED = 1e9


def settings(database_url: str, survey_file: str) -> Settings:
    """Settings for a benchmark server: fresh secrets, the given database and survey."""
    return Settings(
        environment="test",
        database_url=database_url,
        survey_file=survey_file,
        session_secret=os.environ.get(SESSION_SECRET) or secrets.token_urlsafe(30),
        resident_hash_key=os.environ.get(RESIDENT_HASH_KEY) or secrets.token_urlsafe(30),
        log_level="INFO",
        conversations_per_address_per_hour=int(UNLIMITED),
    )


def create_app(database_url: str, survey_file: str) -> web.Application:
    """The whole survey-bot application, without the per-conversation rate limit."""
    app = create_survey_bot(settings(database_url, survey_file))
    app[DIRECT_LINE].limiter = RateLimiter(rate=UNLIMITED, burst=UNLIMITED)
    app[DIRECT_LINE].starts = RateLimiter(rate=UNLIMITED, burst=UNLIMITED)
    return app
