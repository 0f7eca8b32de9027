"""The survey page (`GET /`): Microsoft's Web Chat, served from this server.

The page has no inline script or style, so a strict Content-Security-Policy
holds: scripts and styles come from this server only, and the styles Web
Chat injects carry the per-response nonce. Web Chat's bundle is the copy
installed from npm (pinned in package-lock.json), served with caching and
gzip; nothing is fetched from another host.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import jinja2
from aiohttp import web

from bot.conversation import Services
from bot.settings import Settings

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent.parent
DEFAULT_BUNDLE: Final = PROJECT / "node_modules" / "botframework-webchat" / "dist" / "webchat.js"
BUNDLE_ROUTE: Final = "/webchat/webchat.js"
STATIC_ROUTE: Final = "/webchat/static"
LANGUAGE: Final = "en-GB"
# The hash of an empty <style>: Web Chat tests for :focus-visible support with
# one, and an empty style can do nothing.
EMPTY_STYLE: Final = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
BUNDLE_MAX_AGE: Final = 3600


def content_security_policy(nonce: str) -> str:
    """The page's policy: everything from this server; Web Chat's styles by nonce."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            f"style-src 'self' 'nonce-{nonce}' '{EMPTY_STYLE}'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "media-src 'self' data: blob:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
        ]
    )


@dataclass
class _Loaded:
    plain: bytes
    gzipped: bytes
    etag: str


class Bundle:
    """Web Chat's script, read once and kept, gzipped, in memory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._loaded: _Loaded | None = None
        self._lock = asyncio.Lock()

    async def response(self, request: web.Request) -> web.StreamResponse:
        """The script, compressed if the browser accepts it, or 304 if it has it."""
        loaded = await self._load()
        headers = {
            "Cache-Control": f"public, max-age={BUNDLE_MAX_AGE}",
            "ETag": loaded.etag,
            "Vary": "Accept-Encoding",
            "X-Content-Type-Options": "nosniff",
        }
        if request.headers.get("If-None-Match") == loaded.etag:
            return web.Response(status=304, headers=headers)
        body = loaded.plain
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            body = loaded.gzipped
            headers["Content-Encoding"] = "gzip"
        return web.Response(
            body=body, headers=headers, content_type="text/javascript", charset="utf-8"
        )

    async def _load(self) -> _Loaded:
        async with self._lock:
            if self._loaded is None:
                if not self.path.is_file():
                    log.error(
                        "the Web Chat bundle %s is missing: install it with npm ci", self.path
                    )
                    raise web.HTTPNotFound(text="The web chat is not installed on this server.")
                self._loaded = await asyncio.to_thread(self._read)
            return self._loaded

    def _read(self) -> _Loaded:
        plain = self.path.read_bytes()
        etag = '"' + hashlib.sha256(plain).hexdigest()[:32] + '"'
        return _Loaded(plain, gzip.compress(plain, compresslevel=6, mtime=0), etag)


class WebChatPage:
    """The page and the files it needs."""

    def __init__(self, settings: Settings, services: Callable[[web.Application], Services]):
        self.settings = settings
        self.services = services
        self.bundle = Bundle(
            Path(settings.webchat_bundle) if settings.webchat_bundle else DEFAULT_BUNDLE
        )
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )

    def render(self, app: web.Application, nonce: str) -> str:
        """The page's HTML."""
        survey = self.services(app).survey
        organisation = survey.organisation[:1].upper() + survey.organisation[1:]
        return self.templates.get_template("page.html").render(
            language=LANGUAGE,
            title=survey.title,
            organisation=organisation,
            nonce=nonce,
            bundle=BUNDLE_ROUTE,
            static=STATIC_ROUTE,
            leave_url=self.settings.leave_site_url,
            privacy_url=self.settings.privacy_notice_url or survey.links.get("privacy_notice", ""),
            contact_url=survey.links.get("contact_pcc", ""),
        )


WEB_CHAT = web.AppKey("web_chat", WebChatPage)


def setup(
    app: web.Application, settings: Settings, services: Callable[[web.Application], Services]
) -> None:
    """Serve the survey page and Web Chat's files on `app`."""
    app[WEB_CHAT] = WebChatPage(settings, services)
    app.router.add_get("/", page)
    app.router.add_get(BUNDLE_ROUTE, bundle)
    app.router.add_static(STATIC_ROUTE, HERE / "static")


async def page(request: web.Request) -> web.Response:
    """The survey page, with the chat."""
    nonce = secrets.token_urlsafe(18)
    html = request.app[WEB_CHAT].render(request.app, nonce)
    response = web.Response(text=html, content_type="text/html", charset="utf-8")
    response.headers.update(
        {
            "Content-Security-Policy": content_security_policy(nonce),
            # Nothing of the page is kept, so the back button cannot bring it back.
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        }
    )
    return response


async def bundle(request: web.Request) -> web.StreamResponse:
    """Web Chat's script."""
    return await request.app[WEB_CHAT].bundle.response(request)
