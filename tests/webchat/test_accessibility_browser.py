"""What the accessibility statement claims, checked in Chromium: what a screen reader is told,
axe on the statement, and pages that fit a narrow screen without scrolling sideways."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp.test_utils import TestServer
from playwright.async_api import BrowserContext, Page, expect

from tests.webchat.conftest import PROJECT
from tests.webchat.resident import Resident
from tests.webchat.test_browser import SCRIPT, open_chat

AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
BOT_BUBBLE = ".webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content"
DANGER = "there is a man in my garden trying the back door"

# Notes every piece of text added to a live region (aria-live) while the page runs: what a
# screen reader would announce. Regions added later are watched as they appear.
LISTEN = """
window.__announced = [];
const watched = new WeakSet();
function watch(region) {
  if (watched.has(region)) return;
  watched.add(region);
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        const text = (node.textContent || '').replace(/\\s+/g, ' ').trim();
        if (text) window.__announced.push(text);
      }
    }
  }).observe(region, { childList: true, subtree: true, characterData: true });
}
new MutationObserver(() => document.querySelectorAll('[aria-live]').forEach(watch))
  .observe(document, { childList: true, subtree: true });
"""


def squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Everything axe finds against WCAG 2.2 AA and its best practices."""
    await page.evaluate(AXE.read_text(encoding="utf-8"))
    found: dict[str, Any] = await page.evaluate(
        """async () => {
          const results = await axe.run(document, {
            runOnly: {
              type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
            },
          });
          return {
            passed: results.passes.length,
            violations: results.violations.map((v) => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
            })),
          };
        }"""
    )
    # Rules that passed: proof that axe ran on this page, so no violations means something.
    assert found["passed"] > 10, found
    violations: list[dict[str, Any]] = found["violations"]
    return violations


async def test_each_bot_message_is_announced_once_and_safety_advice_first(
    context: BrowserContext, page: Page, server: TestServer
) -> None:
    await context.add_init_script(LISTEN)
    resident = await open_chat(page, server)
    await resident.answers(SCRIPT["steps"][0])
    question = SCRIPT["steps"][1]["prompt"]
    await resident.sees(question)
    await resident.types(DANGER)
    await resident.sees("Important:")
    # The question is asked again after the advice.
    await expect(resident.bot_messages.filter(has_text=question)).to_have_count(2)
    await page.wait_for_timeout(500)  # the live region is updated just after the transcript

    announced = [squeezed(text) for text in await page.evaluate("window.__announced")]
    said = [text.removeprefix("Bot said:") for text in announced if text.startswith("Bot said:")]
    bubbles = page.locator(BOT_BUBBLE)
    shown = [squeezed(text) for text in await bubbles.all_inner_texts()]
    assert len(said) == len(shown), json.dumps({"said": said, "shown": shown}, indent=1)
    for text in set(shown):
        heard = [s for s in said if s.startswith(text)]
        assert len(heard) == shown.count(text), (text, heard)

    # The resident's own message, then the advice before anything else the bot says.
    after = announced[announced.index(f"You said:{DANGER}") + 1 :]
    assert after[0].startswith("Bot said:Important: If you or someone else is in danger now")


async def test_the_statement_has_no_accessibility_problems_axe_can_find(
    page: Page, server: TestServer
) -> None:
    await page.goto(str(server.make_url("/accessibility")))
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility statement")
    violations = await axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2)


async def test_the_statement_is_reached_from_the_chat_page_with_the_keyboard(
    page: Page, server: TestServer
) -> None:
    resident = await open_chat(page, server)
    link = page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement")
    await link.focus()
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(str(server.make_url("/accessibility")))
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to the main content")).to_be_focused()
    assert resident is not None


async def test_the_pages_fit_a_narrow_screen_without_scrolling_sideways(
    context: BrowserContext, server: TestServer
) -> None:
    # 320 CSS pixels wide is what a 1280-pixel screen shows at 400% zoom (WCAG 1.4.10).
    narrow = await context.new_page()
    await narrow.set_viewport_size({"width": 320, "height": 640})
    await narrow.goto(str(server.make_url("/")))
    await Resident(narrow).sees(SCRIPT["steps"][0]["prompt"])
    for path in ("/", "/accessibility"):
        if path != "/":
            await narrow.goto(str(server.make_url(path)))
        width = await narrow.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)


async def test_on_a_phone_the_first_buttons_show_without_scrolling(
    context: BrowserContext, server: TestServer
) -> None:
    phone = await context.new_page()
    await phone.set_viewport_size({"width": 390, "height": 844})
    await phone.goto(str(server.make_url("/")))
    resident = Resident(phone)
    await resident.sees(SCRIPT["steps"][0]["prompt"])
    button = resident.button(SCRIPT["steps"][0]["answer"])
    await expect(button).to_be_visible()
    box = await button.bounding_box()
    assert box is not None
    assert await phone.evaluate("window.scrollY") == 0
    assert box["y"] + box["height"] <= 844, box
