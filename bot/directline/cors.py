"""Cross-origin access for the force website's pages: only from the allowed origins.

Web Chat embedded on the force website calls the token route and Direct Line
from that site's origin. Those origins (ALLOWED_ORIGINS) get CORS headers
with the headers Web Chat sends; any other origin gets none, so browsers keep
its pages out. Same-origin requests (the page served here) need none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

ALLOW_HEADERS: Final = "Authorization, Content-Type, x-ms-bot-agent"
ALLOW_METHODS: Final = "GET, POST, OPTIONS"
MAX_AGE_SECONDS: Final = "600"


def cors_middleware(origins: Iterable[str], paths: tuple[str, ...]) -> Middleware:
    """A middleware answering CORS for requests under `paths` from `origins`."""
    allowed = frozenset(origins)

    @web.middleware
    async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(paths):
            return await handler(request)
        origin = request.headers.get("Origin", "")
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            if origin not in allowed:
                return web.Response(status=403, text="This origin may not use the chat.")
            response: web.StreamResponse = web.Response(status=204)
            response.headers["Access-Control-Allow-Methods"] = ALLOW_METHODS
            response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            response.headers["Access-Control-Max-Age"] = MAX_AGE_SECONDS
        else:
            response = await handler(request)
        if not response.prepared:
            response.headers["Vary"] = "Origin"
            if origin in allowed:
                response.headers["Access-Control-Allow-Origin"] = origin
        return response

    return cors
