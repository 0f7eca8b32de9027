"""The Direct Line 3.0 routes, and the token route the web chat page uses.

Each view checks who is asking, reads the request, and hands over to
`DirectLine`; errors become Direct Line `ErrorResponse`s in one place.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.conversation import Services
from bot.directline import protocol
from bot.directline.cors import cors_middleware
from bot.directline.protocol import MAX_ACTIVITY_BYTES, DirectLineError, bad_argument
from bot.directline.service import PREFIX, DirectLine
from bot.directline.tokens import (
    RESIDENT,
    RESUME,
    STREAM,
    Grant,
    TokenError,
    new_conversation_id,
    new_user_id,
)
from bot.inputs import InputError, json_object
from bot.settings import Settings
from storage.notify import LogListener

log = logging.getLogger(__name__)

DIRECT_LINE = web.AppKey("direct_line", DirectLine)
TOKEN_ROUTE = "/api/webchat/token"
RESUME_ROUTE = "/api/webchat/resume"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def setup(
    app: web.Application, settings: Settings, services: Callable[[web.Application], Services]
) -> None:
    """Serve Direct Line on `app`, once `services(app)` is ready at start-up."""
    direct_line = DirectLine(settings)
    app[DIRECT_LINE] = direct_line
    app.middlewares.append(
        cors_middleware(settings.allowed_origins, (f"{PREFIX}/", TOKEN_ROUTE, RESUME_ROUTE))
    )

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        """Start with the app's database; close the streams before it closes.

        On PostgreSQL, listen for other instances' turns, to wake the streams open here.
        """
        direct_line.start(services(app))
        db = services(app).db
        listener = None
        if db.dialect == "postgresql":
            notifier = direct_line.notifier
            listener = LogListener(db, notifier.notify, notifier.notify_all)
            direct_line.running.streams.listening = listener.listening
            listener.start()
        yield
        if listener is not None:
            await listener.close()

    async def close_streams(app: web.Application) -> None:
        await direct_line.running.streams.close_all()

    app.cleanup_ctx.append(lifetime)
    app.on_shutdown.append(close_streams)
    add_routes(app)


def add_routes(app: web.Application) -> None:
    """The Direct Line routes and the page's token route."""
    router = app.router
    router.add_post(TOKEN_ROUTE, webchat_token)
    router.add_post(RESUME_ROUTE, webchat_resume)
    router.add_post(f"{PREFIX}/tokens/generate", generate_token)
    router.add_post(f"{PREFIX}/tokens/refresh", refresh_token)
    router.add_post(f"{PREFIX}/conversations", start_conversation)
    router.add_get(f"{PREFIX}/conversations/{{conversation}}", reconnect)
    router.add_post(f"{PREFIX}/conversations/{{conversation}}/activities", post_activity)
    router.add_get(f"{PREFIX}/conversations/{{conversation}}/activities", get_activities)
    router.add_get(f"{PREFIX}/conversations/{{conversation}}/stream", stream)


def bad_input(request: web.Request, error: InputError) -> web.StreamResponse:
    """A request the guard refused, as a Direct Line `ErrorResponse`."""
    return DirectLineError(error.status, "BadArgument", error.message).response()


def answers_errors(handler: Handler) -> Handler:
    """Turn `DirectLineError`s (and an oversized body) into Direct Line error responses."""

    @functools.wraps(handler)
    async def view(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except DirectLineError as error:
            if error.status >= 500:
                log.warning("%s %s: %s", request.method, request.path, error.message)
            return error.response()

    return view


@answers_errors
async def webchat_token(request: web.Request) -> web.StreamResponse:
    """A token for a new conversation, for the web chat page: no secret needed."""
    direct_line = request.app[DIRECT_LINE]
    address = request.remote or ""
    if not direct_line.starts.allow(address):
        error = DirectLineError(
            429, "TooManyRequests", "Too many new chats from this address. Wait a few minutes."
        )
        response = error.response()
        response.headers["Retry-After"] = str(direct_line.starts.retry_after(address))
        return response
    token, grant = direct_line.tokens.issue(new_conversation_id(), _resident(request))
    return _webchat_response(direct_line, token, grant)


def _resident(request: web.Request) -> str:
    """The page's random user id from its resident token (the same browser as before), when
    one response per resident is asked for and the token is good; else a new one."""
    direct_line = request.app[DIRECT_LINE]
    held = _bearer(request)
    if held and direct_line.settings.one_response_per_resident:
        try:
            return direct_line.tokens.read(held, RESIDENT).user_id
        except TokenError:
            pass  # Expired or not ours: a new resident, as if nothing were kept.
    return new_user_id()


@answers_errors
async def webchat_resume(request: web.Request) -> web.StreamResponse:
    """A new token for the conversation a resident left, from the page's resume token."""
    direct_line = request.app[DIRECT_LINE]
    resume = _bearer(request)
    if not resume:
        raise DirectLineError(401, "MissingToken", "Send the resume token: Authorization: Bearer")
    grant = direct_line.check(resume, None, kind=RESUME)
    if not await direct_line.known(grant.conversation_id):
        raise protocol.not_found()
    token, fresh = direct_line.tokens.issue(grant.conversation_id, grant.user_id)
    return _webchat_response(direct_line, token, fresh)


def _webchat_response(direct_line: DirectLine, token: str, grant: Grant) -> web.Response:
    """A token for the page, with what the page keeps: a resume token when residents may
    carry on later, and a resident token when one response per resident is asked for."""
    settings = direct_line.settings
    body: dict[str, Any] = {
        "conversationId": grant.conversation_id,
        "token": token,
        "expires_in": grant.expires_in,
        "userId": grant.user_id,
    }
    hours = settings.webchat_resume_hours
    if hours:
        body["resume"] = direct_line.tokens.resume(grant, hours * 3600)
        body["resumeFor"] = hours * 3600
    if settings.one_response_per_resident:
        body["resident"] = direct_line.tokens.resident(grant.user_id)
    return web.json_response(body, headers={"Cache-Control": "no-store"})


@answers_errors
async def generate_token(request: web.Request) -> web.StreamResponse:
    """A token for a new conversation, for a website's back end holding the secret."""
    direct_line = request.app[DIRECT_LINE]
    if not direct_line.settings.direct_line_secret.get_secret_value():
        raise DirectLineError(403, "Forbidden", "Tokens are not generated here: no secret is set.")
    if direct_line.authorise(request) is not None:
        raise DirectLineError(403, "Forbidden", "Generating a token needs the secret.")
    body = await _json(request, required=False)
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    user_id = user.get("id") if isinstance(user, dict) else None
    if user_id is not None and (not isinstance(user_id, str) or not 0 < len(user_id) <= 100):
        raise bad_argument("user.id must be a string of 1 to 100 characters.")
    token, grant = direct_line.tokens.issue(new_conversation_id(), user_id or new_user_id())
    return _token_response(token, grant.conversation_id, grant.expires_in, grant.user_id)


@answers_errors
async def refresh_token(request: web.Request) -> web.StreamResponse:
    """A new token for the same conversation and user, while the old one is still good."""
    direct_line = request.app[DIRECT_LINE]
    grant = direct_line.authorise(request)
    if grant is None:
        raise bad_argument("The secret does not expire; refresh a token instead.")
    token, fresh = direct_line.tokens.issue(grant.conversation_id, grant.user_id)
    return _webchat_response(direct_line, token, fresh)


@answers_errors
async def start_conversation(request: web.Request) -> web.StreamResponse:
    """Start the token's conversation (or a new one, with the secret); the bot says hello."""
    direct_line = request.app[DIRECT_LINE]
    grant = direct_line.authorise(request)
    token = _bearer(request)
    if grant is None:
        body = await _json(request, required=False)
        user = body.get("user")
        user_id = user.get("id") if isinstance(user, dict) else None
        if not isinstance(user_id, str) or not user_id:
            user_id = new_user_id()
        token, grant = direct_line.tokens.issue(new_conversation_id(), user_id)
    created = await direct_line.begin(grant)
    body = direct_line.conversation(request, grant, token)
    return web.json_response(body, status=201 if created else 200)


@answers_errors
async def reconnect(request: web.Request) -> web.StreamResponse:
    """The conversation again, with a fresh stream URL from the client's watermark."""
    direct_line = request.app[DIRECT_LINE]
    conversation_id = request.match_info["conversation"]
    grant = direct_line.authorise(request, conversation_id)
    watermark = protocol.parse_watermark(request.query.get("watermark"))
    if not await direct_line.known(conversation_id):
        raise protocol.not_found()
    if grant is None:
        _token, grant = direct_line.tokens.issue(conversation_id, "")
        return web.json_response(direct_line.conversation(request, grant, None, watermark))
    return web.json_response(direct_line.conversation(request, grant, _bearer(request), watermark))


@answers_errors
async def post_activity(request: web.Request) -> web.StreamResponse:
    """The resident says something: stored, answered, and echoed into the stream."""
    direct_line = request.app[DIRECT_LINE]
    conversation_id = request.match_info["conversation"]
    grant = direct_line.authorise(request, conversation_id)
    body = await _json(request, required=True)
    if not isinstance(body.get("type"), str) or not body["type"]:
        raise bad_argument("An activity needs a type, such as message.")
    user_id = grant.user_id if grant is not None else _sender(body)
    if not await direct_line.known(conversation_id):
        raise protocol.not_found()
    if not direct_line.limiter.allow(conversation_id):
        error = DirectLineError(429, "TooManyRequests", "Too many messages; wait a moment.")
        response = error.response()
        response.headers["Retry-After"] = str(direct_line.limiter.retry_after(conversation_id))
        return response
    activity = protocol.incoming_activity(
        body, conversation_id=conversation_id, user_id=user_id, now=datetime.now(UTC)
    )
    await direct_line.receive(activity)
    return web.json_response({"id": activity["id"]})


@answers_errors
async def get_activities(request: web.Request) -> web.StreamResponse:
    """The conversation's activities after the watermark (for clients that poll)."""
    direct_line = request.app[DIRECT_LINE]
    conversation_id = request.match_info["conversation"]
    direct_line.authorise(request, conversation_id)
    watermark = protocol.parse_watermark(request.query.get("watermark"))
    # Sent as stored: the log holds each activity as JSON already.
    activities, watermark = await direct_line.activities_as_json(conversation_id, watermark)
    if not activities and not await direct_line.known(conversation_id):
        raise protocol.not_found()
    body = protocol.activity_set_json(activities, watermark)
    return web.Response(text=body, content_type="application/json")


@answers_errors
async def stream(request: web.Request) -> web.StreamResponse:
    """The WebSocket stream of the conversation's activities."""
    direct_line = request.app[DIRECT_LINE]
    conversation_id = request.match_info["conversation"]
    token = request.query.get("t", "")
    if not token:
        raise DirectLineError(401, "MissingToken", "The stream URL needs its token (t=).")
    grant = direct_line.check(token, conversation_id, kind=STREAM)
    watermark = protocol.parse_watermark(request.query.get("watermark"))
    if not await direct_line.known(conversation_id):
        raise protocol.not_found()
    if not web.WebSocketResponse().can_prepare(request).ok:
        raise bad_argument("Open the stream URL as a WebSocket.")
    return await direct_line.running.streams.serve(request, grant, watermark)


def _token_response(
    token: str, conversation_id: str, expires_in: int, user_id: str
) -> web.Response:
    body = {
        "conversationId": conversation_id,
        "token": token,
        "expires_in": expires_in,
        "userId": user_id,
    }
    return web.json_response(body, headers={"Cache-Control": "no-store"})


def _bearer(request: web.Request) -> str:
    return request.headers.get("Authorization", "").partition(" ")[2].strip()


def _sender(body: dict[str, Any]) -> str:
    """The user id a client holding the secret says it is sending as."""
    sender = body.get("from")
    user_id = sender.get("id") if isinstance(sender, dict) else None
    if not isinstance(user_id, str) or not user_id:
        raise bad_argument("An activity sent with the secret needs from.id.")
    return user_id


async def _json(request: web.Request, *, required: bool) -> dict[str, Any]:
    """The request's JSON object body; 413 if it is too big, 400 if it is not JSON."""
    if request.content_length is not None and request.content_length > MAX_ACTIVITY_BYTES:
        raise _too_big()
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge as error:
        raise _too_big() from error
    if len(raw) > MAX_ACTIVITY_BYTES:
        raise _too_big()
    if not raw.strip():
        if required:
            raise bad_argument("The request has no body; send a JSON activity.")
        return {}
    try:
        return json_object(raw)
    except InputError as error:
        raise bad_argument(error.message) from error


def _too_big() -> DirectLineError:
    return DirectLineError(
        413, "MessageSizeTooBig", f"Activities may be up to {MAX_ACTIVITY_BYTES} bytes."
    )
