"""The shapes Direct Line 3.0 speaks: error responses, activities in, activity sets out.

Every error is an `ErrorResponse`, `{"error": {"code", "message"}}`, as Direct
Line defines it; clients act on the status and the code, never the message.

| status | code                 | when                                                  |
| ------ | -------------------- | ----------------------------------------------------- |
| 400    | BadArgument          | malformed JSON, not an activity, a bad watermark      |
| 401    | MissingToken         | no `Authorization: Bearer` token (or stream `t=`)     |
| 403    | TokenExpired         | the token was good but has expired                    |
| 403    | BadToken             | a forged or malformed token, or another conversation's |
| 403    | Forbidden            | tokens/generate without the secret, or none is set    |
| 404    | ConversationNotFound | no such conversation                                  |
| 413    | MessageSizeTooBig    | an activity over the size limit                       |
| 429    | TooManyRequests      | more messages a second than a person could type       |
| 502    | BotError             | the bot failed on the activity (nothing recorded)     |
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any, Final

from aiohttp import web

from bot.conversation import BOT_ACCOUNT
from bot.inputs import InputError, bounded_number

# Web Chat on the force website, whichever way its token was made.
CHANNEL: Final = "webchat"
# Far more than any answer to the survey; Azure allows more, we have no need to.
MAX_ACTIVITY_BYTES: Final = 64 * 1024
# Watermarks count a conversation's activities: far fewer than this.
MAX_WATERMARK: Final = 10**12
# Set by the server; anything the client sends in these is replaced.
SERVER_FIELDS: Final = frozenset(
    {"id", "timestamp", "channelId", "conversation", "recipient", "from", "serviceUrl"}
)


class DirectLineError(Exception):
    """An error to answer with, as Direct Line defines them."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> web.Response:
        """The error as an HTTP response with an `ErrorResponse` body."""
        body = {"error": {"code": self.code, "message": self.message}}
        return web.json_response(body, status=self.status)


def bad_argument(message: str) -> DirectLineError:
    """A 400: the request was malformed."""
    return DirectLineError(400, "BadArgument", message)


def not_found() -> DirectLineError:
    """A 404: no such conversation."""
    return DirectLineError(404, "ConversationNotFound", "Conversation not found.")


def isoformat(moment: datetime) -> str:
    """A timestamp as Bot Framework writes them: ISO 8601 in UTC with a Z."""
    return moment.isoformat().replace("+00:00", "Z")


def incoming_activity(
    body: dict[str, Any], *, conversation_id: str, user_id: str, now: datetime
) -> dict[str, Any]:
    """The resident's activity as it is stored and echoed: with a server id and timestamp.

    What the client said (type, text, value, channelData with its
    clientActivityID, locale...) is kept; who and where it came from is set
    here, from the token, not taken from the client.
    """
    activity = {name: value for name, value in body.items() if name not in SERVER_FIELDS}
    activity.update(
        {
            "id": activity_id(conversation_id, user_id, body),
            "timestamp": isoformat(now),
            "channelId": CHANNEL,
            "conversation": {"id": conversation_id},
            "from": {"id": user_id, "role": "user"},
            "recipient": dict(BOT_ACCOUNT),
        }
    )
    return activity


def activity_id(conversation_id: str, user_id: str, body: dict[str, Any]) -> str:
    """The server's id for an incoming activity.

    The same client activity sent twice (a retry after a lost response) gets
    the same id, so the turn is recognised and answered again, not recorded
    twice. Without a client id every post is a new activity.
    """
    channel_data = body.get("channelData")
    client_id = channel_data.get("clientActivityID") if isinstance(channel_data, dict) else None
    if isinstance(client_id, str) and client_id:
        digest = hashlib.sha256(f"{user_id}\n{client_id}".encode()).hexdigest()[:20]
        return f"{conversation_id}|c{digest}"
    return f"{conversation_id}|r{uuid.uuid4().hex[:20]}"


def conversation_update(conversation_id: str, user_id: str, now: datetime) -> dict[str, Any]:
    """The activity that tells the bot a resident has joined (so it says hello)."""
    user = {"id": user_id, "role": "user"}
    return {
        "type": "conversationUpdate",
        "id": f"{conversation_id}|start",
        "timestamp": isoformat(now),
        "channelId": CHANNEL,
        "conversation": {"id": conversation_id},
        "from": user,
        "recipient": dict(BOT_ACCOUNT),
        "membersAdded": [user, dict(BOT_ACCOUNT)],
    }


def activity_set_json(activities: list[str], watermark: int) -> str:
    """An ActivitySet, `{"activities": [...], "watermark": "N"}`, as JSON text, made of
    activities that are JSON text already; N is the watermark to ask from next time."""
    return f'{{"activities":[{",".join(activities)}],"watermark":"{watermark}"}}'


def parse_watermark(value: str | None) -> int:
    """The watermark a client sent ("" or absent means from the start)."""
    try:
        return bounded_number(value, name="The watermark", default=0, maximum=MAX_WATERMARK)
    except InputError as error:
        raise bad_argument("The watermark must be one the server sent.") from error
