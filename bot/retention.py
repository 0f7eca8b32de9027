"""Retention on a timer: `serve` purges old transcripts and unfinished responses daily."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

from aiohttp import web

from bot.settings import Settings
from storage.database import Database
from storage.retention import PurgeCounts, purge

log = logging.getLogger(__name__)

DAY = 24 * 60 * 60
DatabaseGetter = Callable[[web.Application], Database]
CleanupContext = Callable[[web.Application], AsyncIterator[None]]


async def purge_once(db: Database, settings: Settings) -> PurgeCounts:
    """Purge by the settings' retention periods, as of now."""
    now = datetime.now(UTC)
    return await purge(
        db,
        transcripts_before=now - timedelta(days=settings.transcript_days),
        unfinished_before=now - timedelta(days=settings.abandoned_days),
    )


def daily_purge(db_of: DatabaseGetter, settings: Settings) -> CleanupContext:
    """A cleanup context that purges at start-up and then once a day while serving."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_every_day(db_of(app), settings))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return context


async def _every_day(db: Database, settings: Settings) -> None:
    while True:
        try:
            await purge_once(db, settings)
        except Exception:  # A failed purge must not stop the server; try again tomorrow.
            log.exception("the daily purge failed")
        await asyncio.sleep(DAY)
