"""Fixtures for the survey page: the app on loopback and a headless Chromium looking at it.

The browser is the system's Chromium, driven by Playwright; everything a page
does is noted (requests, WebSockets, console errors, Content-Security-Policy
violations) so tests can check it stayed on this server and broke no rule.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
)

from bot.app import create_app
from bot.settings import Settings
from tests.browser import headless_chromium

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "tests" / "artifacts"
LEAVE_URL = "https://leave.example/weather"
# Generous: a loaded test machine can be slow to start a browser or render.
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)

NOTE_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Settings for the page under test: a leave URL the test can catch."""
    return settings.replace(leave_site_url=LEAVE_URL)


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[TestServer]:
    """The whole app on a loopback port."""
    app: web.Application = create_app(settings)
    test_server = TestServer(app, host="127.0.0.1")
    async with test_server:
        yield test_server


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium."""
    async with headless_chromium() as chromium:
        yield chromium


@dataclass
class Seen:
    """What the page did."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def note_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def other_hosts(self, server: TestServer) -> list[str]:
        """Requests (and WebSockets) that went anywhere but the server under test."""
        here = f"{server.host}:{server.port}"
        elsewhere = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme == "data":
                continue
            if parts.scheme == "blob":
                parts = urlsplit(parts.path)
            if parts.netloc != here:
                elsewhere.append(url)
        return elsewhere


@pytest.fixture
def seen() -> Seen:
    """What the page under test did."""
    return Seen()


@pytest.fixture
async def context(
    browser: Browser, seen: Seen, server: TestServer
) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile in British English, watched; closed before the server stops."""
    browser_context = await browser.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    browser_context.set_default_timeout(TIMEOUT_MS)
    await browser_context.add_init_script(NOTE_CSP_VIOLATIONS)
    browser_context.on("request", lambda request: seen.requests.append(request.url))
    yield browser_context
    await browser_context.close()


@pytest.fixture
async def page(context: BrowserContext, seen: Seen) -> Page:
    """A tab, watched."""
    tab = await context.new_page()
    tab.on("websocket", lambda socket: seen.requests.append(socket.url))
    tab.on("console", seen.note_console)
    return tab
