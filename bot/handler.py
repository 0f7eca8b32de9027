"""The Bot Framework edge: a botbuilder `Bot` whose turns run through `run_turn`.

This module and `bot.app` are the only places that know botbuilder, so a move
to its successor SDK touches them alone.
"""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from abc import ABC, abstractmethod
from datetime import UTC, datetime
from typing import Any

from botbuilder.core import Bot, BotAdapter, TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bot import channels
from bot.activities import read_activity, received_json
from bot.conversation import Arrival, Services, run_turn
from bot.delivery import DeliveringAdapter, DeliveryError
from storage.turns import activities_since

log = logging.getLogger(__name__)


class LoggedRepliesAdapter(BotAdapter, ABC):
    """An adapter whose clients read the bot's replies from the activity log.

    Each turn has written its replies to the log already, so the handler hands
    them over as stored, as JSON, instead of sending them as botbuilder
    Activities (three conversions and a deep copy each, the larger part of a
    Direct Line turn's time). A typing indicator would reach no one.
    """

    @abstractmethod
    def hand_over(self, context: TurnContext, replies: list[dict[str, Any]]) -> None:
        """The turn's replies, as logged."""


class SurveyBot(Bot):
    """Welcomes residents and passes each message to the survey."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def on_turn(self, context: TurnContext) -> None:
        """Handle one activity from a channel."""
        arrival = arrival_from(context.activity, received_json(context.activity))
        if arrival is None:
            return
        if arrival.welcome:
            await self._send(context, arrival, await run_turn(self.services, arrival))
            return
        typing = None
        if arrival.channel in channels.TYPING_CHANNELS and not isinstance(
            context.adapter, LoggedRepliesAdapter
        ):
            typing = Typing(context)
        try:
            replies = await self._replies(context, arrival)
        finally:
            if typing is not None:
                await typing.stop()
        await self._send(context, arrival, replies, delivered_late=_late(context))

    async def _replies(self, context: TurnContext, arrival: Arrival) -> list[dict[str, Any]]:
        """What to say back: the survey's next step, or what the resident has not seen yet."""
        replies: list[dict[str, Any]] = []
        # Only channels we post replies to can miss them; Direct Line clients read the log.
        pending = isinstance(context.adapter, DeliveringAdapter) and await self._undelivered(
            arrival
        )
        if pending:
            # The resident never saw our last replies: show them before reading anything new.
            context.turn_state[_LATE] = True
            replies = await self._last_replies(arrival)
        elif not readable(context.activity):
            last = (await self._last_replies(arrival))[-1:]
            replies = [{"type": "message", "text": TYPED_ONLY, "textFormat": "plain"}, *last]
            replies = _readdressed(replies, arrival) if last else []
        if not replies:
            replies = await run_turn(self.services, arrival)
        return replies

    async def _send(
        self,
        context: TurnContext,
        arrival: Arrival,
        replies: list[dict[str, Any]],
        *,
        delivered_late: bool = False,
    ) -> None:
        """Send the replies; if the channel will not take them, remember to show them later."""
        if not replies:
            return
        if isinstance(context.adapter, LoggedRepliesAdapter):
            context.adapter.hand_over(context, replies)
            return
        key = undelivered_key(arrival)
        try:
            if isinstance(context.adapter, DeliveringAdapter):
                await context.adapter.send_json(replies)
            else:
                await context.send_activities([read_activity(a) for a in replies])
        except DeliveryError as error:
            log.warning("replies in %s not delivered: %s", arrival.conversation_id, error)
            await self.services.states.write({key: {"since": datetime.now(UTC).isoformat()}})
            return
        if delivered_late:
            await self.services.states.delete([key])

    async def _undelivered(self, arrival: Arrival) -> bool:
        """Whether the last replies in this conversation failed to reach the resident."""
        key = undelivered_key(arrival)
        return key in await self.services.states.read([key])

    async def _last_replies(self, arrival: Arrival) -> list[dict[str, Any]]:
        """The replies of the conversation's last turn, addressed to this message."""
        logged, _ = await activities_since(
            self.services.db, conversation_id=arrival.conversation_id, watermark=0
        )
        last: list[dict[str, Any]] = []
        for activity in reversed(logged):
            if not activity.get("replyToId"):
                break
            last.insert(0, activity)
        return _readdressed(last, arrival)


# A typing indicator is shown when a reply takes longer than this (most take milliseconds).
TYPING_AFTER_SECONDS = 0.3
_LATE = "survey_bot.delivered_late"


def _late(context: TurnContext) -> bool:
    """Whether this turn shows replies that failed to reach the resident before."""
    return bool(context.turn_state.get(_LATE))


class Typing:
    """Shows a typing indicator if the turn takes a while; never after the reply."""

    def __init__(self, context: TurnContext) -> None:
        self._sending = False
        self._task = asyncio.create_task(self._show(context))

    async def _show(self, context: TurnContext) -> None:
        await asyncio.sleep(TYPING_AFTER_SECONDS)
        self._sending = True
        await context.send_activity(Activity(type=ActivityTypes.typing))

    async def stop(self) -> None:
        """Call it off if not yet sent; if it is being sent, let it arrive first."""
        if not self._sending:
            self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        except Exception:  # An indicator that failed must not cost the resident the reply.
            log.warning("typing indicator not shown", exc_info=True)


TYPED_ONLY = (
    "Sorry, I can only read typed answers, not pictures, stickers, voice notes, locations or "
    "emoji. Please type your answer."
)


def undelivered_key(arrival: Arrival) -> str:
    """Where a conversation's failed delivery is remembered until the resident writes again."""
    return f"{arrival.channel}/undelivered/{arrival.conversation_id}"


def _readdressed(replies: list[dict[str, Any]], arrival: Arrival) -> list[dict[str, Any]]:
    """Earlier replies (or new ones) sent again in reply to this message."""
    if not replies:
        return []
    incoming = arrival.activity or {}
    base = {k: v for k, v in replies[-1].items() if k in ADDRESS}
    if incoming.get("id"):
        base["replyToId"] = incoming["id"]
    body_keys = ("type", "text", "textFormat", "suggestedActions", "attachments")
    return [{**{k: r[k] for k in body_keys if k in r}, **base} for r in replies]


ADDRESS = ("from", "recipient", "conversation", "channelId", "serviceUrl")


def readable(activity: Activity) -> bool:
    """Whether a message has words or a tapped button the survey can read."""
    text = message_text(activity).strip()
    if not text:
        return False
    # Emoji alone ("👍", "😀😀") answer no question; letters, digits or punctuation might.
    return not all(unicodedata.category(c) in EMOJI_CATEGORIES or c.isspace() for c in text)


EMOJI_CATEGORIES = frozenset({"So", "Sk", "Mn", "Cf", "Cs"})


def arrival_from(activity: Activity, as_json: dict[str, Any] | None = None) -> Arrival | None:
    """What the survey should make of an activity, or None when it is not for the survey.

    `as_json` is the activity as JSON, when the request's JSON was kept (saves
    serialising `activity` again).
    """
    conversation_id = activity.conversation.id if activity.conversation else ""
    user_id = activity.from_property.id if activity.from_property else ""
    channel = activity.channel_id or "unknown"
    if activity.type == ActivityTypes.conversation_update:
        bot_id = activity.recipient.id if activity.recipient else None
        joined = [m for m in activity.members_added or [] if m.id != bot_id]
        if not joined:
            return None
        # The welcome goes to the resident who joined, through the join's serviceUrl: the
        # address as a message from them would carry it.
        address = {
            "serviceUrl": activity.service_url,
            "conversation": activity.conversation.serialize() if activity.conversation else None,
            "from": joined[0].serialize(),
            "recipient": activity.recipient.serialize() if activity.recipient else None,
        }
        address = {k: v for k, v in address.items() if v}
        return Arrival(channel, conversation_id, joined[0].id, welcome=True, address=address)
    if activity.type != ActivityTypes.message:
        return None
    return Arrival(
        channel,
        conversation_id,
        user_id,
        text=message_text(activity),
        activity=as_json if as_json is not None else activity.serialize(),
    )


def message_text(activity: Activity) -> str:
    """The text of a message, or the value of a tapped button (a postback)."""
    if activity.text:
        return str(activity.text)
    value: Any = activity.value
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for name in ("value", "payload", "text"):
            if isinstance(value.get(name), str):
                return str(value[name])
    return ""
