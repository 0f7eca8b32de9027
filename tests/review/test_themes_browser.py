"""A real browser: an admin renames a theme and moves an answer, and the pages read well.

Drives headless Chromium against the site served on loopback; a screenshot of
the themes page goes to tests/artifacts/.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient
from playwright.async_api import Browser

from storage import audit
from storage.database import Database
from storage.models import StaffUser
from storage.themes import NewTheme, replace_suggestions, text_answers
from tests.review.conftest import PASSWORD, SURVEY, AddResponse
from tests.webchat.test_accessibility_browser import axe_violations

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
ANSWERS = [
    "101 takes forever to answer",
    "I waited an hour on 101",
    "answer 101 quicker",
    "more police on the streets",
    "bring back bobbies on the beat",
    "<script>alert(1)</script> more PCSOs",
]


Client = TestClient[web.Request, web.Application]


async def test_an_admin_renames_a_theme_and_moves_an_answer_in_the_browser(
    client: Client, db: Database, admin: StaffUser, add_response: AddResponse, browser: Browser
) -> None:
    for text in ANSWERS:
        await add_response(answers={"changes": text})
    found = await text_answers(db, survey_id=SURVEY, question_id="changes")
    await replace_suggestions(
        db,
        survey_id=SURVEY,
        question_id="changes",
        found=[
            NewTheme("101, answer, waited", {a.answer_id: 0.5 for a in found[:3]}),
            NewTheme("Streets, beat, bobbies", {a.answer_id: 0.5 for a in found[3:]}),
        ],
        looked_at=[a.answer_id for a in found],
    )
    base = str(client.make_url("")).rstrip("/")
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await page.goto(f"{base}/review/login")
    await page.get_by_label("Email address").fill(admin.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(f"{base}/review/responses")

    await page.get_by_role("link", name="Themes", exact=True).click()
    await page.get_by_role("link", name="Changes you would like", exact=True).click()
    row = page.locator("tr", has=page.get_by_role("link", name="101, answer, waited"))
    await row.get_by_label("New name").fill("101 waiting times")
    await row.get_by_role("button", name="Rename").click()
    await page.wait_for_load_state("networkidle")

    renamed = page.locator("tr", has=page.get_by_role("link", name="101 waiting times"))
    assert await renamed.count() == 1
    assert await renamed.get_by_text("Suggested").count() == 0
    assert await renamed.locator("td").nth(1).inner_text() == "3"
    assert await page.get_by_role("link", name="101, answer, waited").count() == 0
    assert await page.locator("main script").count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "themes.png"), full_page=True)
    if os.environ.get("REGENERATE_SCREENSHOTS"):
        await page.screenshot(path=str(ROOT / "docs" / "images" / "themes.png"))
    violations = [v for v in await axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert violations == [], json.dumps(violations, indent=2)
    logged = await audit.list_entries(db, action="theme_renamed")
    assert logged.entries[0].detail["now"] == "101 waiting times"

    await page.get_by_role("link", name="101 waiting times").click()
    answer = page.locator("li", has=page.get_by_text("answer 101 quicker", exact=True))
    await answer.get_by_label("Move to").select_option(label="Streets, beat, bobbies")
    await answer.get_by_role("button", name="Move").click()
    await page.wait_for_load_state("networkidle")

    assert await page.get_by_text("answer 101 quicker", exact=True).count() == 0
    await page.screenshot(path=str(ARTIFACTS / "theme.png"), full_page=True)
    violations = [v for v in await axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert violations == [], json.dumps(violations, indent=2)
    await page.get_by_role("link", name="Back to the themes").click()
    streets = page.locator("tr", has=page.get_by_role("link", name="Streets, beat, bobbies"))
    assert await streets.locator("td").nth(1).inner_text() == "4"
    assert dialogs == []
    await context.close()
