"""The survey page and its files, over HTTP: what is served, and the rules it is served with."""

from __future__ import annotations

import gzip
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import Settings
from bot.webchat.routes import DEFAULT_BUNDLE

Client = TestClient[web.Request, web.Application]


class Page(HTMLParser):
    """The parts of the page's HTML the tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_scripts = 0
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    async with TestClient(TestServer(create_app(settings), host="127.0.0.1")) as test_client:
        yield test_client


async def get_page(client: Client) -> tuple[ClientResponse, Page]:
    response = await client.get("/")
    assert response.status == 200
    return response, Page(await response.text())


async def test_the_page_has_no_inline_script_or_style_so_a_strict_policy_holds(
    client: Client,
) -> None:
    response, page = await get_page(client)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert page.inline_scripts == 0
    assert all(script.get("src") for script in page.all("script"))
    assert page.all("style") == []
    assert not [attrs for _tag, attrs in page.tags if "style" in attrs]
    assert not [attrs for _tag, attrs in page.tags if any(a.startswith("on") for a in attrs)]


async def test_web_chat_gets_the_nonce_for_the_styles_it_adds(client: Client) -> None:
    response, page = await get_page(client)
    [chat] = [attrs for attrs in page.all("section") if attrs.get("id") == "chat"]
    nonce = chat["data-nonce"]
    assert nonce
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    again, _ = await get_page(client)
    assert f"'nonce-{nonce}'" not in again.headers["Content-Security-Policy"]


async def test_the_page_is_in_british_english_with_a_clear_title(client: Client) -> None:
    response = await client.get("/")
    html = await response.text()
    assert '<html lang="en-GB"' in html
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None
    assert title.group(1).startswith("Contacting the police when it is not an emergency")
    assert "<h1" in html


async def test_the_page_is_not_kept_by_the_browser_nor_leaks_where_it_was(
    client: Client,
) -> None:
    response, _ = await get_page(client)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_the_leave_button_and_the_privacy_notice_are_on_the_page(client: Client) -> None:
    _, page = await get_page(client)
    links = {attrs.get("href") for attrs in page.all("a")}
    assert "https://leave.example/weather" in links
    # No privacy notice setting: the survey file's link.
    assert "https://www.hertscommissioner.org/privacy-notice" in links


async def test_the_privacy_notice_setting_wins_over_the_survey_file(settings: Settings) -> None:
    settings = settings.replace(privacy_notice_url="https://pcc.example/privacy")
    async with TestClient(TestServer(create_app(settings), host="127.0.0.1")) as client:
        _, page = await get_page(client)
    assert "https://pcc.example/privacy" in {attrs.get("href") for attrs in page.all("a")}


async def test_web_chat_is_served_from_here_compressed_and_cached(client: Client) -> None:
    response = await client.get("/webchat/webchat.js", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.content_type == "text/javascript"
    assert "max-age" in response.headers["Cache-Control"]
    body = await response.read()
    assert body == DEFAULT_BUNDLE.read_bytes()
    etag = response.headers["ETag"]
    again = await client.get("/webchat/webchat.js", headers={"If-None-Match": etag})
    assert again.status == 304


async def test_web_chat_is_served_plain_to_a_browser_without_gzip(client: Client) -> None:
    response = await client.get(
        "/webchat/webchat.js", headers={"Accept-Encoding": "identity"}, auto_decompress=False
    )
    assert "Content-Encoding" not in response.headers
    body = await response.read()
    assert gzip.compress(body)[:2] != body[:2]
    assert len(body) == DEFAULT_BUNDLE.stat().st_size


async def test_a_missing_web_chat_bundle_is_a_404_not_a_crash(
    settings: Settings, tmp_path: Path
) -> None:
    settings = settings.replace(webchat_bundle=str(tmp_path / "none.js"))
    async with TestClient(TestServer(create_app(settings), host="127.0.0.1")) as client:
        response = await client.get("/webchat/webchat.js")
    assert response.status == 404


@pytest.mark.parametrize("name", ["chat.js", "chat.css"])
async def test_the_pages_own_files_are_served(client: Client, name: str) -> None:
    response = await client.get(f"/webchat/static/{name}")
    assert response.status == 200


def test_the_installed_web_chat_is_a_pinned_4_18_release() -> None:
    package = DEFAULT_BUNDLE.parent.parent / "package.json"
    assert '"version": "4.18.' in package.read_text(encoding="utf-8")
