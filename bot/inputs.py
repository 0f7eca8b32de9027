"""What the server takes from a request, read and bounded in one place.

Every route reads its JSON body, form, query numbers and path ids through
here, and `guard` (the outermost middleware) checks what every request
carries before any route sees it. Whatever a client sends, the answer is a
4xx that says what was wrong, never a 5xx:

- JSON: UTF-8, at most `MAX_DEPTH` deep, no NaN or Infinity, no integers past
  `MAX_INT_DIGITS` digits, and no string holding a NUL or half of a surrogate
  pair (neither can be stored as text everywhere).
- Numbers in a query: ASCII digits only, within the route's own bounds.
- Ids in a path and values in a query: bounded in length, no control
  characters.

The staff site, which imports nothing else of the bot's, reads its own forms
and numbers the same way (`bot.review.site`), and is guarded by `guard` too.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiohttp import web

log = logging.getLogger(__name__)

MAX_DEPTH: Final = 32
MAX_INT_DIGITS: Final = 30
MAX_PATH_CHARS: Final = 2048
MAX_ID_CHARS: Final = 200
MAX_QUERY_VALUE_CHARS: Final = 2000
# A NUL, other C0 controls but tab, line feed and carriage return, and lone surrogates.
_UNSTORABLE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_NUL_OR_SURROGATE: Final = re.compile(r"[\x00\ud800-\udfff]")
_DIGITS: Final = re.compile(r"[0-9]+")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class InputError(ValueError):
    """A request that cannot be read, with what to do about it, for a 400."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def parse_json(raw: bytes) -> Any:
    """JSON from a request body, or `InputError` saying why it cannot be taken."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError("The body is not UTF-8 text.") from error
    _check_depth(text)
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_int=_bounded_int)
    except InputError:
        raise
    except (ValueError, RecursionError) as error:
        raise InputError("The body is not valid JSON.") from error
    _check_strings(value)
    return value


def _no_constant(name: str) -> Any:
    raise InputError(f"The body holds {name}, which is not a number JSON allows.")


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise InputError(f"Numbers in the body may have at most {MAX_INT_DIGITS} digits.")
    return int(digits)


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before the parser meets it (brackets in strings
    count too: a body that deep in brackets is not an activity either way)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for char in text:
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(f"The body is nested more than {MAX_DEPTH} deep.")
        elif char in "]}":
            depth -= 1


def _check_strings(value: Any) -> None:
    if isinstance(value, str):
        if _NUL_OR_SURROGATE.search(value):
            raise InputError(
                "The body holds a character that cannot be stored (NUL or a lone "
                "surrogate); remove it and send again."
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)


def json_object(raw: bytes) -> dict[str, Any]:
    """A JSON object from a request body; `InputError` for anything else."""
    value = parse_json(raw)
    if not isinstance(value, dict):
        raise InputError("The body must be a JSON object.")
    return value


def bounded_number(value: str | None, *, name: str, default: int, maximum: int) -> int:
    """A whole number from a query, 0 to `maximum`; absent or empty means `default`."""
    if value is None or value == "":
        return default
    too_long = len(value.lstrip("0")) > len(str(maximum))
    if not _DIGITS.fullmatch(value) or too_long or int(value) > maximum:
        raise InputError(f"{name} must be a whole number from 0 to {maximum}.")
    return int(value)


def text_id(value: Any, *, name: str, required: bool = True) -> str:
    """An id from a body or a path: text of 1 to MAX_ID_CHARS characters, no controls."""
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value:
        raise InputError(f"{name} must be text.")
    if len(value) > MAX_ID_CHARS:
        raise InputError(f"{name} may be up to {MAX_ID_CHARS} characters.")
    if _UNSTORABLE.search(value):
        raise InputError(f"{name} holds a control character.")
    return value


def _check_request(request: web.Request) -> None:
    """What every request carries: its path, the ids in it and its query."""
    if len(request.raw_path) > MAX_PATH_CHARS:
        raise InputError("The address is too long.", status=414)
    for name, value in request.match_info.items():
        text_id(value, name=name)
    try:
        query = request.query
    except UnicodeDecodeError as error:
        raise InputError("The address's query is not UTF-8 text.") from error
    for key, value in query.items():
        if len(value) > MAX_QUERY_VALUE_CHARS or len(key) > MAX_QUERY_VALUE_CHARS:
            raise InputError(f"The query value for {key[:40]!r} is too long.")
        if _UNSTORABLE.search(key) or _UNSTORABLE.search(value):
            raise InputError("The address's query holds a control character.")


Answer = Callable[[web.Request, InputError], web.StreamResponse]


def plain_answer(request: web.Request, error: InputError) -> web.StreamResponse:
    """A `InputError` as plain text."""
    return web.Response(status=error.status, text=error.message)


def client_address(request: web.Request, trusted_proxies: frozenset[str]) -> str | None:
    """Who is asking: the peer, or when the peer is a trusted proxy, the nearest address in
    X-Forwarded-For that is not one of them (the ones further left could be made up)."""
    peer = request.remote
    if peer not in trusted_proxies:
        return peer
    forwarded = ",".join(request.headers.getall("X-Forwarded-For", []))
    for address in reversed([a.strip() for a in forwarded.split(",") if a.strip()]):
        if address not in trusted_proxies:
            return address[:100]
    return peer


def guard(answers: list[tuple[str, Answer]], trusted_proxies: frozenset[str] = frozenset()) -> Any:
    """The outermost middleware: checks each request, and answers `InputError` from any route
    in the shape its clients read (the first of `answers` whose path prefix matches).

    It also settles who is asking: behind a trusted proxy, `request.remote` is the client's
    address from X-Forwarded-For, for every route and limit after it.
    """

    def answer(request: web.Request, error: InputError) -> web.StreamResponse:
        for prefix, shaped in answers:
            if request.path.startswith(prefix):
                return shaped(request, error)
        return plain_answer(request, error)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            _check_request(request)
            if trusted_proxies:
                address = client_address(request, trusted_proxies)
                if address is not None and address != request.remote:
                    request = request.clone(remote=address)
            return await handler(request)
        except InputError as error:
            log.info("%s %s: %s", request.method, request.path[:200], error.message)
            return answer(request, error)

    return middleware
