"""The survey page in headless Chromium: a whole survey, a reload, accessibility, leaving."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestServer
from playwright.async_api import BrowserContext, Page, Route, expect

from storage.database import Database
from storage.queries import list_responses
from tests.directline.conftest import SURVEY_SCRIPT
from tests.webchat.conftest import ARTIFACTS, LEAVE_URL, PROJECT, Seen
from tests.webchat.resident import Resident

SCRIPT = json.loads(SURVEY_SCRIPT.read_text(encoding="utf-8"))
RELOAD_AFTER = 7  # steps answered before the resident reloads the page
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"


async def open_chat(page: Page, server: TestServer) -> Resident:
    """Open the survey page and wait for the bot's first question."""
    await page.goto(str(server.make_url("/")))
    resident = Resident(page)
    await resident.sees(SCRIPT["steps"][0]["prompt"])
    return resident


async def test_a_resident_completes_the_survey_in_web_chat_and_it_is_stored(
    context: BrowserContext, page: Page, server: TestServer, db: Database, seen: Seen
) -> None:
    resident = await open_chat(page, server)
    await expect(page.locator("#chat")).to_have_attribute("data-chat-ready", "new")
    steps = SCRIPT["steps"]
    for step in steps[:RELOAD_AFTER]:
        await resident.answers(step)
    before_reload = await resident.stored_conversation()

    await page.reload()
    await expect(page.locator("#chat")).to_have_attribute("data-chat-ready", "resumed")
    assert (await resident.stored_conversation() or {}).get("conversationId") == (
        (before_reload or {}).get("conversationId")
    )
    # The history is back, and the survey carries on where it was.
    await resident.sees(steps[0]["prompt"])
    await expect(resident.own_messages.filter(has_text="Both")).to_have_count(1)
    for step in steps[RELOAD_AFTER:]:
        await resident.answers(step)
    reference = await resident.reference(SCRIPT["done"])

    await expect(page.get_by_text("Send failed")).to_have_count(0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.evaluate("window.scrollTo(0, 0)")  # the header is sticky
    await page.screenshot(path=str(ARTIFACTS / "webchat-survey-completed.png"), full_page=True)

    conversation = await resident.stored_conversation()
    assert conversation is not None
    [stored] = [
        r for r in await list_responses(db) if r.conversation_id == conversation["conversationId"]
    ]
    assert (stored.status, stored.reference, stored.channel) == ("completed", reference, "webchat")
    answers = {(a.question_id, a.item): a.value for a in stored.answers}
    assert answers[("connection", "")] == "both"
    assert answers[("ease", "call_101")] == 4
    assert answers[("district", "")] == "watford"

    assert seen.other_hosts(server) == []
    assert await page.evaluate("window.__cspViolations") == []
    assert seen.console_errors == []

    # The same browser after the conversation itself is forgotten (its resume window over):
    # thanked, not asked again.
    await page.close()
    again = await context.new_page()
    await again.goto(str(server.make_url("/accessibility")))
    await again.evaluate("localStorage.removeItem('survey-bot:conversation')")
    await again.goto(str(server.make_url("/")))
    await Resident(again).sees("You have already taken part in this survey")


async def test_the_page_has_no_serious_or_critical_accessibility_problems(
    page: Page, server: TestServer
) -> None:
    resident = await open_chat(page, server)
    for step in SCRIPT["steps"][:3]:
        await resident.answers(step)
    await resident.sees(SCRIPT["steps"][3]["prompt"])
    # Evaluated by the browser's own tooling, which the page's script policy does not bind.
    await page.evaluate(AXE.read_text(encoding="utf-8"))
    violations: list[dict[str, Any]] = await page.evaluate(
        """async () => {
          const results = await axe.run(document, {
            runOnly: {
              type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
            },
          });
          return results.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
          }));
        }"""
    )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=2)


async def test_the_survey_can_be_answered_with_the_keyboard_alone(
    page: Page, server: TestServer
) -> None:
    resident = await open_chat(page, server)
    box = page.locator("[data-id='webchat-sendbox-input']")
    for _ in range(40):
        if await box.evaluate("element => element === document.activeElement"):
            break
        await page.keyboard.press("Tab")
    await expect(box).to_be_focused()
    await page.keyboard.type("yes")
    await page.keyboard.press("Enter")
    await resident.sees(SCRIPT["steps"][1]["prompt"])
    # The suggested actions come just before the send box, and arrow keys move between them.
    await page.keyboard.press("Shift+Tab")
    await expect(resident.button("I live here")).to_be_focused()
    await page.keyboard.press("ArrowRight")
    await page.keyboard.press("ArrowRight")
    await expect(resident.button("Both")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(resident.own_messages.filter(has_text="Both")).to_have_count(1)
    await resident.sees(SCRIPT["steps"][2]["prompt"])


async def test_leave_this_site_quickly_forgets_the_conversation_and_goes_elsewhere(
    context: BrowserContext, page: Page, server: TestServer
) -> None:
    async def neutral_site(route: Route) -> None:
        # With an icon of its own, so the browser asks the network for nothing.
        body = '<title>Weather</title><link rel="icon" href="data:,">'
        await route.fulfill(status=200, content_type="text/html", body=body)

    await context.route(f"{LEAVE_URL}*", neutral_site)
    resident = await open_chat(page, server)
    await resident.answers(SCRIPT["steps"][0])
    assert await resident.stored_conversation() is not None

    await page.get_by_role("link", name="Leave this site quickly").click()
    await expect(page).to_have_url(LEAVE_URL)
    # The chat is not in the back button's history.
    await page.go_back()
    assert not page.url.startswith(str(server.make_url("/")))

    await page.goto(str(server.make_url("/")))
    await expect(page.locator("#chat")).to_have_attribute("data-chat-ready", "new")
    await expect(resident.own_messages).to_have_count(0)


def test_the_screenshot_folder_is_kept_out_of_version_control() -> None:
    ignored = (PROJECT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert f"{ARTIFACTS.relative_to(PROJECT).as_posix()}/" in ignored
    assert isinstance(ARTIFACTS, Path)


async def test_safety_advice_is_drawn_as_a_warning_not_one_more_grey_bubble(
    page: Page, server: TestServer
) -> None:
    resident = await open_chat(page, server)
    await resident.types("there is a man in my garden trying the back door")
    advice = await resident.sees("Important: If you or someone else is in danger")
    bubble = page.locator(".webchat__bubble.chat__urgent")
    await expect(bubble).to_have_count(1)
    border = await bubble.locator(".webchat__bubble__content").evaluate(
        "element => getComputedStyle(element).borderLeftWidth"
    )
    assert border == "10px"
    ordinary = page.locator(".webchat__bubble:not(.webchat__bubble--from-user)").first
    assert "chat__urgent" not in (await ordinary.get_attribute("class") or "")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await advice.scroll_into_view_if_needed()
    await page.screenshot(path=str(ARTIFACTS / "webchat-safety-advice.png"))


async def test_web_addresses_in_the_chat_are_links_residents_can_follow(
    page: Page, server: TestServer
) -> None:
    await open_chat(page, server)
    privacy = "https://www.hertscommissioner.org/privacy-notice"
    link = page.locator(f".webchat__bubble a[href='{privacy}']")
    await expect(link).to_have_count(1)
    await expect(link).to_have_text(privacy)
    # Nothing of the Markdown shows as marks.
    assert "\\" not in await page.locator(".webchat__bubble").first.inner_text()


async def test_closing_the_page_and_coming_back_later_carries_on_until_leave_quickly(
    context: BrowserContext, page: Page, server: TestServer
) -> None:
    async def neutral_site(route: Route) -> None:
        await route.fulfill(
            status=200, content_type="text/html", body='<link rel="icon" href="data:,">'
        )

    await context.route(f"{LEAVE_URL}*", neutral_site)
    resident = await open_chat(page, server)
    for step in SCRIPT["steps"][:3]:
        await resident.answers(step)
    saved = await resident.stored_conversation()
    assert saved is not None
    assert saved["resume"]
    await page.close()

    # A new tab, as after closing the browser; its old token is forgotten to show the
    # resume token alone carries the resident back.
    again = await context.new_page()
    await again.goto(str(server.make_url("/")))
    await again.evaluate(
        """key => { const s = JSON.parse(localStorage.getItem(key));
                    s.token = 'expired'; localStorage.setItem(key, JSON.stringify(s)); }""",
        "survey-bot:conversation",
    )
    await again.reload()
    await expect(again.locator("#chat")).to_have_attribute("data-chat-ready", "resumed")
    back = Resident(again)
    await back.sees(SCRIPT["steps"][3]["prompt"])
    assert (await back.stored_conversation() or {}).get("conversationId") == saved["conversationId"]

    await again.get_by_role("link", name="Leave this site quickly").click()
    await expect(again).to_have_url(LEAVE_URL)
    fresh = await context.new_page()
    await fresh.goto(str(server.make_url("/")))
    await expect(fresh.locator("#chat")).to_have_attribute("data-chat-ready", "new")


async def test_times_in_the_chat_are_written_the_british_way(
    page: Page, server: TestServer
) -> None:
    await open_chat(page, server)
    statuses = page.locator(".webchat__stacked-layout__status")
    await expect(statuses.first).to_contain_text(" at ")
    texts = await statuses.all_text_contents()
    assert texts
    for text in texts:
        assert not re.search(r"\d (AM|PM)\b", text), text
        assert re.search(
            r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October"
            r"|November|December) at \d{1,2}:\d{2}(am|pm)(?![a-z])",
            text,
        ), text
