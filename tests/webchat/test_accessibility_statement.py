"""The accessibility statement at /accessibility: its facts come from the survey file and
the settings, every public page and the staff site link to it, and it meets what it says."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html import unescape
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import Settings
from dialogs.loader import load_survey

Client = TestClient[web.Request, web.Application]

OTHER_FACTS = """[accessibility]
standard = "WCAG 2.1 AA"
compliance = "fully"
contact = ["access@example.org", "01234 567 890"]
respond_within = "10 working days"
tested = ["A screen reader test by a disabled user group in March."]
prepared = 2025-03-01
checked = 2026-01-15

"""


async def serve(settings: Settings) -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_app(settings), host="127.0.0.1")) as client:
        yield client


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    async for test_client in serve(settings):
        yield test_client


def survey_with(tmp_path: Path, settings: Settings, table: str | None) -> str:
    """The test survey with its [accessibility] table replaced (or taken out, for None)."""
    source = Path(settings.survey_file).read_text(encoding="utf-8")
    source, count = re.subn(
        r"^\[accessibility\]\n.*?(?=^\[safety\])", table or "", source, flags=re.S | re.M
    )
    assert count == 1
    path = tmp_path / "survey.toml"
    path.write_text(source, encoding="utf-8")
    return str(path)


def text_of(html: str) -> str:
    """The page's words, with tags out and spaces squeezed, as a reader meets them."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def links_in(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"', html)


async def test_the_statement_says_what_the_survey_file_says(
    client: Client, settings: Settings
) -> None:
    response = await client.get("/accessibility")
    assert response.status == 200
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    html = await response.text()
    words = text_of(html)
    facts = load_survey(settings.survey_file).accessibility
    assert facts is not None
    assert "run by the Police and Crime Commissioner for Hertfordshire" in words
    assert (
        "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA "
        "standard" in words
    )
    for line in (*facts.known_problems, *facts.tested, *facts.formats):
        assert re.sub(r"\s+", " ", line) in words
    assert "get back to you in 5 working days" in words
    assert "prepared on 2 December 2026. It was last reviewed on 2 December 2026" in words
    assert "https://www.hertscommissioner.org/contact-us" in links_in(html)
    # The model statement's parts, so nothing a public body must say is left out.
    for heading in (
        "How accessible this survey is",
        "Reporting accessibility problems with this survey",
        "Enforcement procedure",
        "Compliance status",
        "How we tested this survey",
        "Preparation of this accessibility statement",
    ):
        assert heading in words
    assert f"at {client.make_url('').origin()}" in words


async def test_other_facts_in_the_survey_file_give_another_statement(
    settings: Settings, tmp_path: Path
) -> None:
    other = settings.replace(survey_file=survey_with(tmp_path, settings, OTHER_FACTS))
    async for client in serve(other):
        html = await (await client.get("/accessibility")).text()
        words = text_of(html)
        assert "fully compliant with the Web Content Accessibility Guidelines version 2.1 AA" in (
            words
        )
        assert "The chat needs JavaScript" not in words
        assert "We do not know of any part of this survey that is not accessible" in words
        assert "prepared on 1 March 2025. It was last reviewed on 15 January 2026" in words
        assert "get back to you in 10 working days" in words
        assert {"mailto:access@example.org", "tel:01234567890"} <= set(links_in(html))


async def test_the_contact_setting_replaces_the_survey_files_contact(
    settings: Settings,
) -> None:
    moved = settings.replace(
        accessibility_contact="accessible.formats@example.org, https://example.org/ask",
        public_url="https://survey.example.org/",
    )
    async for client in serve(moved):
        html = await (await client.get("/accessibility")).text()
        assert "mailto:accessible.formats@example.org" in links_in(html)
        assert "https://example.org/ask" in links_in(html)
        assert "hertscommissioner.org/contact-us" not in html
        assert "the online survey at https://survey.example.org," in text_of(html)


async def test_every_page_residents_and_staff_see_links_to_the_statement(client: Client) -> None:
    for path in ("/", "/accessibility", "/review/login"):
        response = await client.get(path)
        assert response.status == 200, path
        assert "/accessibility" in links_in(await response.text()), path


async def test_a_survey_file_without_the_facts_has_no_statement_and_no_link(
    settings: Settings, tmp_path: Path
) -> None:
    bare = settings.replace(survey_file=survey_with(tmp_path, settings, None))
    async for client in serve(bare):
        response = await client.get("/accessibility")
        assert response.status == 404
        assert "[accessibility]" in await response.text()
        for path in ("/", "/review/login"):
            assert "/accessibility" not in links_in(await (await client.get(path)).text())
