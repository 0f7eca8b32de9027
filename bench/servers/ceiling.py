"""The ceiling: a bare aiohttp handler that reads an activity and answers it in the response.

No framework, no state, no database: the most an aiohttp server on this
machine can do per request, which no bot built on aiohttp can beat.
"""

from __future__ import annotations

from aiohttp import web


async def messages(request: web.Request) -> web.Response:
    """Read the activity and answer it with a reply activity."""
    activity = await request.json()
    reply = {
        "type": "message",
        "text": f"You said: {activity.get('text', '')}",
        "replyToId": activity.get("id"),
        "conversation": activity.get("conversation"),
        "from": activity.get("recipient"),
        "recipient": activity.get("from"),
        "channelId": activity.get("channelId"),
    }
    return web.json_response(reply)


def create_app() -> web.Application:
    """The ceiling server."""
    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app
