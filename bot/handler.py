"""The Bot Framework edge: a botbuilder `Bot` whose turns run through `run_turn`.

This module and `bot.app` are the only places that know botbuilder, so a move
to its successor SDK touches them alone.
"""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import Bot, TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bot.conversation import Arrival, Services, run_turn

log = logging.getLogger(__name__)


class SurveyBot(Bot):
    """Welcomes residents and passes each message to the survey."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def on_turn(self, context: TurnContext) -> None:
        """Handle one activity from a channel."""
        arrival = arrival_from(context.activity)
        if arrival is None:
            return
        replies = await run_turn(self.services, arrival)
        if replies:
            await context.send_activities([Activity().deserialize(a) for a in replies])


def arrival_from(activity: Activity) -> Arrival | None:
    """What the survey should make of an activity, or None when it is not for the survey."""
    conversation_id = activity.conversation.id if activity.conversation else ""
    user_id = activity.from_property.id if activity.from_property else ""
    channel = activity.channel_id or "unknown"
    if activity.type == ActivityTypes.conversation_update:
        bot_id = activity.recipient.id if activity.recipient else None
        joined = [m for m in activity.members_added or [] if m.id != bot_id]
        if not joined:
            return None
        return Arrival(channel, conversation_id, joined[0].id, welcome=True)
    if activity.type != ActivityTypes.message:
        return None
    return Arrival(
        channel,
        conversation_id,
        user_id,
        text=message_text(activity),
        activity=activity.serialize(),
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
