"""The headless browser every page test drives: the system's Chromium, through Playwright.

One rule for every package: a missing Chromium fails the browser tests with what to
do (`make browser` installs it), never skips them.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import Browser, async_playwright

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@asynccontextmanager
async def headless_chromium() -> AsyncIterator[Browser]:
    """Headless Chromium, closed afterwards."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("The browser tests need Chromium: make browser installs it.")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=executable, args=BROWSER_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            await chromium.close()
