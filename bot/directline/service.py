"""What the Direct Line routes share: tokens, the turn adapter, streams and limits."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from yarl import URL

from bot.conversation import Services
from bot.directline import protocol
from bot.directline.adapter import DirectLineAdapter, MalformedActivity, TurnResult
from bot.directline.limits import RateLimiter
from bot.directline.protocol import DirectLineError
from bot.directline.stream import Notifier, Streams
from bot.directline.tokens import Grant, TokenError, TokenExpired, Tokens
from bot.handler import SurveyBot
from bot.settings import Settings
from storage.database import Database
from storage.turns import activities_since_as_json, conversation_started

PREFIX = "/v3/directline"
# Conversations remembered as started (about 150 bytes each).
KNOWN_CONVERSATIONS = 50_000


@dataclass(frozen=True)
class _Running:
    """What Direct Line needs once the app has started."""

    db: Database
    adapter: DirectLineAdapter
    bot: SurveyBot
    streams: Streams


class TurnQueue:
    """One turn at a time per conversation, first come first served."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def turn(self, conversation_id: str) -> AsyncIterator[None]:
        """Wait for the conversation's earlier turns in this process, then run this one."""
        lock, waiting = self._locks.get(conversation_id, (asyncio.Lock(), 0))
        self._locks[conversation_id] = (lock, waiting + 1)
        try:
            async with lock:
                yield
        finally:
            lock, waiting = self._locks[conversation_id]
            if waiting == 1:
                del self._locks[conversation_id]
            else:
                self._locks[conversation_id] = (lock, waiting - 1)


# New conversations one address may start at once, before its hourly rate applies.
START_BURST = 30


class DirectLine:
    """A self-hosted Direct Line 3.0 service for this app's bot."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tokens = Tokens(settings.session_secret.get_secret_value())
        self.limiter = RateLimiter()
        # New conversations per client address: each one writes rows, so a script is slowed.
        per_hour = settings.conversations_per_address_per_hour
        self.starts = RateLimiter(rate=per_hour / 3600, burst=min(per_hour, START_BURST))
        self.notifier = Notifier()
        self._queue = TurnQueue()
        self._running: _Running | None = None
        self._known: OrderedDict[str, None] = OrderedDict()

    def start(self, services: Services) -> None:
        """Connect to the open database and the bot (when the app starts)."""
        self._running = _Running(
            db=services.db,
            adapter=DirectLineAdapter(services.db, self.notifier.notify),
            bot=SurveyBot(services),
            streams=Streams(services.db, self.notifier),
        )

    @property
    def running(self) -> _Running:
        """The parts that need the open database."""
        if self._running is None:
            raise RuntimeError("Direct Line is used before the app has started")
        return self._running

    def authorise(self, request: web.Request, conversation_id: str | None = None) -> Grant | None:
        """What the request's bearer token grants; None for the Direct Line secret.

        Raises 401 without a token, 403 for a bad or expired one, or one for
        another conversation.
        """
        scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise DirectLineError(401, "MissingToken", "Send a token: Authorization: Bearer ...")
        secret = self.settings.direct_line_secret.get_secret_value()
        if secret and hmac.compare_digest(credential.encode(), secret.encode()):
            return None
        return self.check(credential, conversation_id)

    def check(self, token: str, conversation_id: str | None, kind: str = "conversation") -> Grant:
        """What a token grants, for this conversation if one is named."""
        try:
            grant = self.tokens.read(token, kind)
        except TokenExpired as error:
            raise DirectLineError(403, "TokenExpired", "The token has expired.") from error
        except TokenError as error:
            raise DirectLineError(403, "BadToken", "The token is not valid.") from error
        if conversation_id is not None and grant.conversation_id != conversation_id:
            raise DirectLineError(403, "BadToken", "The token is for another conversation.")
        return grant

    async def known(self, conversation_id: str) -> bool:
        """Whether the conversation has been started (anything is logged for it).

        Asked on every message, so the answer "yes" is remembered (for the most
        recent conversations). A conversation erased since is then not refused
        but starts again, as it would if only its state had gone.
        """
        if conversation_id in self._known:
            self._known.move_to_end(conversation_id)
            return True
        started = await conversation_started(self.running.db, conversation_id=conversation_id)
        if started:
            self._remember(conversation_id)
        return started

    def _remember(self, conversation_id: str) -> None:
        self._known[conversation_id] = None
        self._known.move_to_end(conversation_id)
        while len(self._known) > KNOWN_CONVERSATIONS:
            self._known.popitem(last=False)

    async def activities_as_json(
        self, conversation_id: str, watermark: int
    ) -> tuple[list[str], int]:
        """`activities`, each as the JSON text it is stored as."""
        return await activities_since_as_json(
            self.running.db, conversation_id=conversation_id, watermark=watermark
        )

    async def begin(self, grant: Grant) -> bool:
        """Start the conversation, with the bot's welcome, unless it has started already.

        Returns whether it was new.
        """
        if await self.known(grant.conversation_id):
            return False
        now = datetime.now(UTC)
        activity = protocol.conversation_update(grant.conversation_id, grant.user_id, now)
        self._raise_if_failed(await self.run(activity))
        self._remember(grant.conversation_id)
        return True

    async def receive(self, activity: dict[str, Any]) -> None:
        """Run the resident's activity through the bot: stored, answered and logged."""
        self._raise_if_failed(await self.run(activity))

    async def run(self, activity: dict[str, Any]) -> TurnResult:
        """One turn through the adapter; the conversation's streams are woken after it.

        Turns of one conversation take their turn in this process, in the order
        they arrived; e-tags keep turns on different instances apart.
        """
        running = self.running
        conversation_id = activity["conversation"]["id"]
        try:
            async with self._queue.turn(conversation_id):
                return await running.adapter.run(activity, running.bot)
        except MalformedActivity as error:
            raise protocol.bad_argument(f"The activity does not fit the schema: {error}") from error
        finally:
            self.notifier.notify(conversation_id)

    def conversation(
        self, request: web.Request, grant: Grant, token: str | None, watermark: int | None = None
    ) -> dict[str, Any]:
        """The Conversation object: id, token, lifetime and a stream URL."""
        body: dict[str, Any] = {
            "conversationId": grant.conversation_id,
            "expires_in": grant.expires_in,
            "streamUrl": self.stream_url(request, grant, watermark),
        }
        if token is not None:
            body["token"] = token
        return body

    def stream_url(self, request: web.Request, grant: Grant, watermark: int | None) -> str:
        """Where to open the WebSocket stream, with a token good for that stream only."""
        public = self.settings.public_url
        base = URL(public) if public else request.url.origin()
        scheme = "wss" if base.scheme == "https" else "ws"
        query = {"t": self.tokens.stream(grant)}
        if watermark is not None:
            query = {"watermark": str(watermark), **query}
        path = f"{base.path.rstrip('/')}{PREFIX}/conversations/{grant.conversation_id}/stream"
        return str(URL.build(scheme=scheme, authority=base.authority, path=path, query=query))

    @staticmethod
    def _raise_if_failed(result: TurnResult) -> None:
        if result.failed:
            raise DirectLineError(
                502, "BotError", "The bot could not handle the activity; send it again."
            )
