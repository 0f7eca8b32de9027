"""The Direct Line WebSocket stream: activity sets pushed as the log grows.

On connect the stream replays the log after the client's watermark, then
sends each new activity set as it is logged. A turn run in this process wakes
the conversation's streams at once. On PostgreSQL a turn run by another
instance wakes them at once too (`storage.notify`); a slow poll of the database
stays as a fallback, and is the way on SQLite's single instance. Empty
messages keep idle connections open through proxies, and the stream closes
cleanly when its token expires (the client then reconnects with its refreshed
token).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections import defaultdict
from typing import Final

from aiohttp import WSCloseCode, web

from bot.directline.protocol import activity_set_json
from bot.directline.tokens import Grant
from storage.database import Database
from storage.turns import activities_since_as_json

log = logging.getLogger(__name__)

# How often an open stream looks in the database for turns run elsewhere.
POLL_SECONDS: Final = 1.0
# ... while other instances' turns are heard of at once (PostgreSQL's notifications).
LISTENING_POLL_SECONDS: Final = 15.0
# An empty message after this long without one; Direct Line clients ignore them.
KEEPALIVE_SECONDS: Final = 20.0
# Protocol-level pings, so dead connections are noticed and closed.
HEARTBEAT_SECONDS: Final = 30.0


class Notifier:
    """Wakes the open streams of a conversation when this process logs to it."""

    def __init__(self) -> None:
        self._events: defaultdict[str, set[asyncio.Event]] = defaultdict(set)

    def subscribe(self, conversation_id: str) -> asyncio.Event:
        """An event set whenever the conversation's log grows."""
        event = asyncio.Event()
        self._events[conversation_id].add(event)
        return event

    def unsubscribe(self, conversation_id: str, event: asyncio.Event) -> None:
        """Stop waking this event."""
        events = self._events.get(conversation_id)
        if events is not None:
            events.discard(event)
            if not events:
                del self._events[conversation_id]

    def notify(self, conversation_id: str) -> None:
        """The conversation's log has grown."""
        for event in self._events.get(conversation_id, ()):
            event.set()

    def notify_all(self) -> None:
        """Any log may have grown (word from other instances was lost for a while)."""
        for events in self._events.values():
            for event in events:
                event.set()


class Streams:
    """The open streams of this process."""

    def __init__(self, db: Database, notifier: Notifier) -> None:
        self.db = db
        self.notifier = notifier
        # Set while other instances' turns are heard of at once (see `storage.notify`).
        self.listening: asyncio.Event | None = None
        self._open: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()
        self._closing = False

    async def serve(self, request: web.Request, grant: Grant, watermark: int) -> web.StreamResponse:
        """Stream the conversation's activities after `watermark` until either side closes."""
        socket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS)
        await socket.prepare(request)
        if self._closing:
            # Opened on a kept-alive connection after the server began to shut down.
            await socket.close(code=WSCloseCode.GOING_AWAY, message=b"Server shutting down")
            return socket
        self._open.add(socket)
        conversation_id = grant.conversation_id
        wake = self.notifier.subscribe(conversation_id)
        sender = asyncio.create_task(self._send(socket, grant, watermark, wake))
        try:
            # The client only sends keep-alives; the stream carries nothing upstream.
            async for _message in socket:
                pass
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            self.notifier.unsubscribe(conversation_id, wake)
        return socket

    async def close_all(self) -> None:
        """Close every open stream, and any opened from now on: the server is shutting down."""
        self._closing = True
        for socket in list(self._open):
            await socket.close(code=WSCloseCode.GOING_AWAY, message=b"Server shutting down")

    def _poll_seconds(self) -> float:
        heard = self.listening is not None and self.listening.is_set()
        return LISTENING_POLL_SECONDS if heard else POLL_SECONDS

    async def _send(
        self, socket: web.WebSocketResponse, grant: Grant, watermark: int, wake: asyncio.Event
    ) -> None:
        """Send new activity sets until the socket closes or the token expires."""
        conversation_id = grant.conversation_id
        last_sent = time.monotonic()
        try:
            while not socket.closed:
                wake.clear()
                activities, watermark = await activities_since_as_json(
                    self.db, conversation_id=conversation_id, watermark=watermark
                )
                if activities:
                    await socket.send_str(activity_set_json(activities, watermark))
                    last_sent = time.monotonic()
                elif time.monotonic() - last_sent >= KEEPALIVE_SECONDS:
                    await socket.send_str("")
                    last_sent = time.monotonic()
                left = grant.expires_at - time.time()
                if left <= 0:
                    await socket.close(code=WSCloseCode.OK, message=b"Token expired")
                    return
                with contextlib.suppress(TimeoutError):
                    # Until the next poll, keep-alive or expiry, whichever comes first.
                    keepalive = max(KEEPALIVE_SECONDS - (time.monotonic() - last_sent), 0.01)
                    timeout = min(self._poll_seconds(), keepalive, left)
                    await asyncio.wait_for(wake.wait(), timeout=timeout)
        except ConnectionError:
            log.debug("stream for %s went away", conversation_id)
        except Exception:
            log.exception("stream for %s failed", conversation_id)
            await socket.close(code=WSCloseCode.INTERNAL_ERROR, message=b"Server error")
