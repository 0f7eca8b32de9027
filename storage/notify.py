"""Word between instances that a conversation's log has grown (PostgreSQL only).

Every row added to `activitylog` sends a notification on the `survey_bot_log`
channel, with the conversation's id as its payload (a trigger, migration 0004,
so a turn makes no extra round trip; PostgreSQL sends it when the transaction
commits, and only once per conversation per transaction). Each instance keeps
one connection listening, and wakes the streams it has open for that
conversation: a reply written by one instance reaches a resident streaming from
another at once, not at the next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from typing import Any, Final

import asyncpg

from storage.database import Database

log = logging.getLogger(__name__)

CHANNEL: Final = "survey_bot_log"
# Waits between tries when the listening connection is lost, doubling up to the last.
RECONNECT_SECONDS: Final = (0.5, 1.0, 2.0, 5.0, 10.0)


class LogListener:
    """Calls `on_log(conversation_id)` whenever any instance logs to a conversation.

    `on_reconnect()` is called each time the listening connection is made again,
    since notifications sent while it was down are lost: streams then look for
    themselves.
    """

    def __init__(
        self,
        db: Database,
        on_log: Callable[[str], None],
        on_reconnect: Callable[[], None] = lambda: None,
    ) -> None:
        if db.dialect != "postgresql":
            raise ValueError("only PostgreSQL sends notifications")
        url = db.engine.url.set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self._on_log = on_log
        self._on_reconnect = on_reconnect
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()

    def start(self) -> None:
        """Begin listening, in the background."""
        self._task = asyncio.create_task(self._run(), name="survey-bot log listener")

    async def close(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        failures = 0
        while True:
            lost = asyncio.Event()
            try:
                connection = await asyncpg.connect(self._dsn)
            except (OSError, asyncpg.PostgresError) as error:
                wait = RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)]
                log.warning(
                    "cannot listen for other instances' replies (%s); again in %ss", error, wait
                )
                failures += 1
                await asyncio.sleep(wait)
                continue
            try:
                connection.add_termination_listener(functools.partial(_set, lost))
                await connection.add_listener(CHANNEL, self._heard)
                self.listening.set()
                if failures:
                    self._on_reconnect()
                failures = 0
                await lost.wait()
                log.warning("lost the connection listening for other instances' replies")
            finally:
                self.listening.clear()
                with contextlib.suppress(Exception):
                    await connection.close(timeout=2)
            failures = 1

    def _heard(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        self._on_log(payload)


def _set(event: asyncio.Event, _connection: Any) -> None:
    event.set()
