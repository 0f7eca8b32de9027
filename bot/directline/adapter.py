"""Direct Line turns, run in this process through botbuilder's adapter pipeline.

The same `SurveyBot` that serves Azure's channels on /api/messages handles
Direct Line activities here, so both ways in share the handler, its mapping
of activities to survey turns, and any middleware. The difference is only
where replies go: the turn has already written them to the activity log (in
the same transaction as the answers), and clients read them from there, so
this adapter collects what the bot sends instead of posting it anywhere.

If the bot fails on a message, nothing of the turn was written; the adapter
logs the error, adds an apology to the log so the resident sees one, and the
route answers 502 so the client shows the message as not sent.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from botbuilder.core import Bot, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ResourceResponse

from bot.activities import receive
from bot.conversation import BOT_ACCOUNT
from bot.directline.protocol import CHANNEL, isoformat
from bot.handler import LoggedRepliesAdapter
from storage.database import Database
from storage.turns import append_activities

log = logging.getLogger(__name__)

APOLOGY: Final = (
    "Sorry, something went wrong on our side. Your answers so far are saved. "
    "Please send your last answer again."
)
# Activities the bot may send that a Direct Line client never sees.
_NOT_FOR_CLIENTS: Final = frozenset({"delay", "trace", "invokeResponse"})
_SENT: Final = "survey_bot.directline.sent"
_FAILED: Final = "survey_bot.directline.failed"


class MalformedActivity(ValueError):  # noqa: N818 (it is what the client sent, not our error)
    """An activity whose fields are not of the types the Bot Framework schema says."""


@dataclass
class TurnResult:
    """What a turn did: the activities the bot sent, and whether it failed."""

    sent: list[dict[str, Any]] = field(default_factory=list)
    failed: bool = False


class DirectLineAdapter(LoggedRepliesAdapter):
    """Runs turns in process; the bot's replies are collected, not posted."""

    def __init__(self, db: Database, on_logged: Callable[[str], None]) -> None:
        super().__init__(on_turn_error=self._apologise)
        self.db = db
        self._on_logged = on_logged

    async def process(
        self, activity: dict[str, Any], logic: Callable[[TurnContext], Awaitable[None]]
    ) -> TurnResult:
        """Run one activity through the middleware and the bot.

        Raises `MalformedActivity` if the activity does not fit the Bot
        Framework schema (nothing is run or recorded then).
        """
        try:
            incoming = receive(activity)
        except ValueError as error:
            raise MalformedActivity(str(error)) from error
        context = TurnContext(self, incoming)
        await self.run_pipeline(context, logic)
        return TurnResult(
            sent=list(context.turn_state.get(_SENT, [])),
            failed=bool(context.turn_state.get(_FAILED)),
        )

    async def run(self, activity: dict[str, Any], bot: Bot) -> TurnResult:
        """Run one activity through the bot."""
        return await self.process(activity, bot.on_turn)

    def hand_over(self, context: TurnContext, replies: list[dict[str, Any]]) -> None:
        """Collect the turn's replies, as logged."""
        context.turn_state.setdefault(_SENT, []).extend(
            reply for reply in replies if reply.get("type") not in _NOT_FOR_CLIENTS
        )

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        """Collect what else the bot sends (middleware, say): nothing a client reads."""
        sent = context.turn_state.setdefault(_SENT, [])
        responses = []
        for activity in activities:
            if activity.type not in _NOT_FOR_CLIENTS:
                sent.append(activity.serialize())
            responses.append(ResourceResponse(id=activity.id or ""))
        return responses

    async def update_activity(self, context: TurnContext, activity: Activity) -> None:
        """Direct Line clients cannot be told to change an activity."""
        raise NotImplementedError("activities sent over Direct Line cannot be updated")

    async def delete_activity(self, context: TurnContext, reference: Any) -> None:
        """Direct Line clients cannot be told to delete an activity."""
        raise NotImplementedError("activities sent over Direct Line cannot be deleted")

    async def _apologise(self, context: TurnContext, error: Exception) -> None:
        """Log the failure and put an apology in the conversation's log."""
        conversation_id = context.activity.conversation.id
        log.error("direct line turn failed in %s", conversation_id, exc_info=error)
        context.turn_state[_FAILED] = True
        if context.activity.type != ActivityTypes.message:
            return  # The client is told the request failed; there is no message to answer.
        apology = {
            "type": "message",
            "text": APOLOGY,
            "textFormat": "plain",
            "timestamp": isoformat(datetime.now(UTC)),
            "channelId": CHANNEL,
            "conversation": {"id": conversation_id},
            "from": dict(BOT_ACCOUNT),
            "recipient": {"id": context.activity.from_property.id, "role": "user"},
        }
        try:
            await append_activities(self.db, conversation_id=conversation_id, activities=[apology])
        except Exception:
            log.exception("could not log the apology in %s", conversation_id)
            return
        self._on_logged(conversation_id)
