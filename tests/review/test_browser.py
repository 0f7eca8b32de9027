"""A real browser: log in, see the charts drawn, and read a transcript full of markup safely.

Drives a headless browser against the site served on loopback. Screenshots go
to tests/artifacts/; with REGENERATE_SCREENSHOTS=1 the results page's
screenshot for the documentation is written again too.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from playwright.async_api import Browser, Page

from storage.models import StaffUser
from tests.review.conftest import PASSWORD, AddResponse
from tests.webchat.test_accessibility_browser import axe_violations

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS_SCREENSHOT = ROOT / "docs" / "images" / "results.png"
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"
CHANNELS = ["website", "webchat", "social_media", "call_101", "email_snt", "home_visit", "station"]
DISTRICTS = ["broxbourne", "dacorum", "east_herts", "hertsmere", "st_albans", "watford"]
AGES = ["age_18_24", "age_25_34", "age_35_44", "age_45_54", "age_55_64", "age_65_74"]


Client = TestClient[web.Request, web.Application]


async def some_responses(add_response: AddResponse) -> None:
    """Thirty made-up residents, the same every run, so the charts have something to show."""
    pick = random.Random(7)
    stops = ["ease", "visibility", "district"]
    for number in range(30):
        used = pick.sample(CHANNELS, pick.randint(1, 3))
        answers: dict[str, Any] = {
            "connection": pick.choice(["live", "work", "both"]),
            "channels": used,
            "video_interest": pick.choice(["yes", "yes", "maybe", "no"]),
            "future_preference": pick.choice([*used, "video", "no_preference"]),
            "visibility": pick.randint(1, 5),
            "accessibility": pick.randint(1, 5),
            "district": pick.choice(DISTRICTS),
            "age_band": pick.choice(AGES),
        }
        for channel in used:
            answers[f"ease[{channel}]"] = pick.randint(1, 5)
            answers[f"satisfaction[{channel}]"] = pick.randint(1, 5)
            answers[f"preferred[{channel}]"] = pick.choice(["yes", "no"])
        status = "abandoned" if number % 5 == 4 else "completed"
        await add_response(answers=answers, status=status, last_question=stops[number % 3])


async def log_in(page: Page, base: str, email: str) -> None:
    await page.goto(f"{base}/review/login")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(f"{base}/review/responses")


async def test_charts_render_and_markup_typed_by_residents_never_runs(
    client: Client, admin: StaffUser, add_response: AddResponse, browser: Browser
) -> None:
    await some_responses(add_response)
    hostile = await add_response(
        answers={"channels": ["call_101"], "improve[call_101]": SCRIPT, "changes": IMAGE},
        transcript=[
            ("bot", "What would have made calling 101 better?"),
            ("resident", SCRIPT),
            ("bot", "What changes would you like to see?"),
            ("resident", IMAGE),
        ],
    )
    base = str(client.make_url("")).rstrip("/")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = await context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))

    await log_in(page, base, admin.email)
    await page.screenshot(path=str(ARTIFACTS / "responses.png"), full_page=True)
    await page.goto(f"{base}/review/free-text?question=improve")
    await page.screenshot(path=str(ARTIFACTS / "free-text.png"), full_page=True)
    await page.goto(f"{base}/review/results")
    await page.wait_for_load_state("networkidle")
    charts = page.locator("section.chart img")
    count = await charts.count()
    assert count >= 10
    for index in range(count):
        image = charts.nth(index)
        await image.scroll_into_view_if_needed()
        await page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=await image.element_handle()
        )
    await page.screenshot(path=str(ARTIFACTS / "results.png"), full_page=True)
    if os.environ.get("REGENERATE_SCREENSHOTS"):
        # The weighted view, with the representativeness table and the ratings by district.
        await page.goto(f"{base}/review/results?weighted=yes#weighting-title")
        await page.wait_for_load_state("networkidle")
        await page.set_viewport_size({"width": 1280, "height": 1400})
        await page.locator("#weighting-title").scroll_into_view_if_needed()
        await page.evaluate("document.getElementById('weighting-title').scrollIntoView()")
        await page.screenshot(path=str(DOCS_SCREENSHOT))

    await page.goto(f"{base}/review/responses/{hostile}")
    await page.wait_for_load_state("networkidle")
    transcript = page.locator("ol.transcript")
    assert await transcript.get_by_text(SCRIPT, exact=True).count() == 1
    assert await transcript.get_by_text(IMAGE, exact=True).count() == 1
    assert await page.locator("main script, main img").count() == 0
    await page.screenshot(path=str(ARTIFACTS / "transcript.png"), full_page=True)

    assert dialogs == []
    await context.close()


async def test_the_staff_pages_have_no_serious_accessibility_problems(
    client: Client, admin: StaffUser, add_response: AddResponse, browser: Browser
) -> None:
    await some_responses(add_response)
    one = await add_response(
        answers={"channels": ["call_101"], "changes": "Answer the phone faster"},
        transcript=[("bot", "What changes would you like to see?"), ("resident", "Faster")],
    )
    base = str(client.make_url("")).rstrip("/")
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(f"{base}/review/login")
    found = {"login": await axe_violations(page)}
    await log_in(page, base, admin.email)
    for path in ("responses", "results", "free-text?question=changes", f"responses/{one}", "audit"):
        await page.goto(f"{base}/review/{path}")
        await page.wait_for_load_state("networkidle")
        found[path] = await axe_violations(page)
    await context.close()
    serious = {
        path: [v for v in violations if v["impact"] in ("serious", "critical")]
        for path, violations in found.items()
    }
    assert all(not v for v in serious.values()), json.dumps(serious, indent=2)
