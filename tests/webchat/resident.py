"""A resident using Web Chat in the browser: reads the bot's messages, taps and types."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from playwright.async_api import Locator, Page, expect

BOT_TEXT = ".webchat__bubble:not(.webchat__bubble--from-user) .webchat__text-content"
USER_TEXT = ".webchat__bubble.webchat__bubble--from-user .webchat__text-content"
SEND_BOX = "[data-id='webchat-sendbox-input']"
STORAGE_KEY = "survey-bot:conversation"
READING_SECONDS = 0.25


class Resident:
    """Drives the Web Chat on a page the way a person would."""

    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def bot_messages(self) -> Locator:
        """The bot's messages, oldest first."""
        return self.page.locator(BOT_TEXT)

    @property
    def own_messages(self) -> Locator:
        """What the resident sent, as shown in the transcript."""
        return self.page.locator(USER_TEXT)

    def button(self, title: str) -> Locator:
        """A suggested action under the latest message."""
        toolbar = self.page.get_by_role("toolbar", name="Suggested actions")
        return toolbar.get_by_role("button", name=title, exact=True)

    async def sees(self, text: str) -> Locator:
        """Wait for a bot message containing `text`."""
        message = self.bot_messages.filter(has_text=text).last
        await expect(message).to_be_visible()
        return message

    async def types(self, text: str) -> None:
        """Type into the send box and press Enter."""
        box = self.page.locator(SEND_BOX)
        await box.fill(text)
        await box.press("Enter")

    async def taps(self, title: str) -> None:
        """Tap a suggested action."""
        await self.button(title).click()

    async def answers(self, step: dict[str, Any]) -> None:
        """Wait for the step's question, read it, answer it, and see the answer sent."""
        await self.sees(step["prompt"])
        # As long as a quick reader takes: well inside the server's rate limit.
        await asyncio.sleep(READING_SECONDS)
        sent_before = await self.own_messages.count()
        heard_before = await self.bot_messages.count()
        if step["tap"]:
            await self.taps(step["answer"])
        else:
            await self.types(step["answer"])
        await expect(self.own_messages).to_have_count(sent_before + 1)
        # Answered: the message was not just shown as sending, the bot replied to it.
        await expect(self.bot_messages).not_to_have_count(heard_before)

    async def reference(self, done: str) -> str:
        """The reference in the closing message."""
        closing = await self.sees(done)
        found = re.search(rf"{done} ([A-Z0-9]+)", await closing.inner_text())
        assert found, "no reference in the closing message"
        return found.group(1)

    async def stored_conversation(self) -> dict[str, Any] | None:
        """What the page keeps in this tab's session storage."""
        stored: dict[str, Any] | None = await self.page.evaluate(
            f"JSON.parse(localStorage.getItem('{STORAGE_KEY}') "
            f"|| sessionStorage.getItem('{STORAGE_KEY}'))"
        )
        return stored
