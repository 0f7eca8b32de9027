"""The survey page (`GET /`), Microsoft's Web Chat served from this server, and the
accessibility statement (`GET /accessibility`), made from the survey file's facts.

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
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

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
ACCESSIBILITY_ROUTE: Final = "/accessibility"
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
        self.bundle = Bundle(settings.webchat_bundle or DEFAULT_BUNDLE)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.templates.filters.update(
            long_date=long_date, lower_first=_lower_first, upper_first=_upper_first
        )

    def _common(self, app: web.Application) -> dict[str, Any]:
        """What every public page shows: the survey's name, its owner and the footer links."""
        survey = self.services(app).survey
        return {
            "language": LANGUAGE,
            "title": survey.title,
            "organisation": _upper_first(survey.organisation),
            "static": STATIC_ROUTE,
            "leave_url": self.settings.leave_site_url,
            "privacy_url": self.settings.privacy_notice_url
            or survey.links.get("privacy_notice", ""),
            "accessibility_url": ACCESSIBILITY_ROUTE if survey.accessibility else "",
        }

    def render(self, app: web.Application, nonce: str) -> str:
        """The page's HTML."""
        survey = self.services(app).survey
        return self.templates.get_template("page.html").render(
            **self._common(app),
            nonce=nonce,
            bundle=BUNDLE_ROUTE,
            contact_url=survey.links.get("contact_pcc", ""),
            resume_hours=self.settings.webchat_resume_hours,
        )

    def render_statement(self, app: web.Application, site: str) -> str | None:
        """The accessibility statement's HTML, or None when the survey file has none."""
        survey = self.services(app).survey
        statement = survey.accessibility
        if statement is None:
            return None
        ways = list(self.settings.accessibility_contact or statement.contact)
        return self.templates.get_template("accessibility.html").render(
            **self._common(app),
            statement=statement,
            site=site,
            organisation_in_text=survey.organisation,
            contact=[contact_link(way) for way in ways],
            compliance_sentence=compliance_sentence(statement.compliance, statement.standard),
        )


WEB_CHAT = web.AppKey("web_chat", WebChatPage)


def setup(
    app: web.Application, settings: Settings, services: Callable[[web.Application], Services]
) -> None:
    """Serve the survey page and Web Chat's files on `app`."""
    app[WEB_CHAT] = WebChatPage(settings, services)
    app.router.add_get("/", page)
    app.router.add_get(ACCESSIBILITY_ROUTE, accessibility)
    app.router.add_get(BUNDLE_ROUTE, bundle)
    app.router.add_static(STATIC_ROUTE, HERE / "static")


async def page(request: web.Request) -> web.Response:
    """The survey page, with the chat."""
    nonce = secrets.token_urlsafe(18)
    html = request.app[WEB_CHAT].render(request.app, nonce)
    return _html(html, nonce)


async def accessibility(request: web.Request) -> web.Response:
    """The accessibility statement, from the survey file's [accessibility] facts."""
    web_chat = request.app[WEB_CHAT]
    site = web_chat.settings.public_url.rstrip("/") or str(request.url.origin())
    html = web_chat.render_statement(request.app, site)
    if html is None:
        raise web.HTTPNotFound(
            text="This survey has no accessibility statement yet: its survey file has no "
            "[accessibility] table."
        )
    return _html(html, secrets.token_urlsafe(18))


def _html(html: str, nonce: str) -> web.Response:
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


@dataclass(frozen=True)
class ContactWay:
    """One way to get in touch, as shown, with its link when it has one."""

    text: str
    href: str = ""


EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE: Final = re.compile(r"^\+?[\d ()-]{6,}$")


def contact_link(way: str) -> ContactWay:
    """An email address, phone number or web address, linked; anything else as text."""
    if EMAIL.match(way):
        return ContactWay(f"email {way}", f"mailto:{way}")
    if way.startswith(("https://", "http://")):
        return ContactWay(f"use the form at {way}", way)
    if PHONE.match(way):
        return ContactWay(f"call {way}", "tel:" + re.sub(r"[^\d+]", "", way))
    return ContactWay(way)


def compliance_sentence(compliance: str, standard: str) -> str:
    """The statement's compliance sentence, in the model statement's words."""
    named = _standard_name(standard)
    if compliance == "fully":
        return f"This survey is fully compliant with the {named}."
    if compliance == "partially":
        return (
            f"This survey is partially compliant with the {named}, due to the problems "
            "listed above."
        )
    return f"This survey is not compliant with the {named}. The problems are listed above."


def _standard_name(standard: str) -> str:
    found = re.fullmatch(r"WCAG\s*(\d\.\d)\s*(A{1,3})", standard.strip())
    if found is None:
        return standard
    return f"Web Content Accessibility Guidelines version {found[1]} {found[2]} standard"


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: 2 December 2026."""
    return f"{day.day} {day:%B %Y}"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


async def bundle(request: web.Request) -> web.StreamResponse:
    """Web Chat's script."""
    return await request.app[WEB_CHAT].bundle.response(request)
