"""Fixtures for the review site: a running site on loopback, staff accounts, responses.

- `codebook`: the default survey's codebook, as the bot hands it over.
- `site`: the review site mounted at /review in an app of its own, served over HTTP.
- `client`: an HTTP client for `site`; `login(client, email)` logs it in.
- `add_staff` and `add_response`: factories that write through the storage functions.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from playwright.async_api import Browser

from bot.codebook import codebook as make_codebook
from bot.review import DATABASE, ReviewConfig, create_review_app
from bot.review.passwords import hash_password
from dialogs.loader import load_survey
from storage.database import Database
from storage.models import Response, StaffUser
from storage.staff import create_staff
from storage.turns import AnswerWrite, TurnRecord, commit_turn
from tests.browser import headless_chromium

SECRET = "a-test-secret-that-is-long-enough-to-use"
PASSWORD = "correct horse battery staple"
SURVEY = "herts-non-emergency-contact"
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

AddStaff = Callable[..., Awaitable[StaffUser]]
AddResponse = Callable[..., Awaitable[int]]


@pytest.fixture(scope="session")
def codebook() -> dict[str, Any]:
    """The default survey's codebook."""
    return make_codebook(load_survey())


@pytest.fixture
def config() -> ReviewConfig:
    """Settings for the site under test: a real secret, short limits."""
    return ReviewConfig(session_secret=SECRET, environment="test", max_failed_logins=3)


@pytest.fixture
async def client(
    db: Database, codebook: dict[str, Any], config: ReviewConfig
) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """A client of the review site, mounted at /review and served on loopback."""
    parent = web.Application()
    parent[DATABASE] = db
    parent.add_subapp("/review", create_review_app(config, codebook))
    async with TestClient(TestServer(parent, host="127.0.0.1")) as test_client:
        yield test_client


@pytest.fixture
def add_staff(db: Database) -> AddStaff:
    """Make an account: add_staff("ann@example.org", role="admin")."""

    async def add(email: str, *, role: str = "reviewer", password: str = PASSWORD) -> StaffUser:
        return await create_staff(db, email=email, password_hash=hash_password(password), role=role)

    return add


@pytest.fixture
async def reviewer(add_staff: AddStaff) -> StaffUser:
    """A reviewer's account."""
    return await add_staff("reviewer@example.org")


@pytest.fixture
async def admin(add_staff: AddStaff) -> StaffUser:
    """An administrator's account."""
    return await add_staff("admin@example.org", role="admin")


def csrf_of(html: str) -> str:
    """The CSRF token in a page's form."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def login(
    client: TestClient[web.Request, web.Application],
    email: str,
    password: str = PASSWORD,
    *,
    next_page: str = "",
) -> Any:
    """Log in through the form, as a browser would; returns the answer to the form."""
    form = await client.get("/review/login")
    token = csrf_of(await form.text())
    return await client.post(
        "/review/login",
        data={"csrf": token, "email": email, "password": password, "next": next_page},
        allow_redirects=False,
    )


@pytest.fixture
def add_response(db: Database) -> AddResponse:
    """Store a response through the turn writer; returns its id.

    add_response(answers={"district": "watford", "ease[call_101]": 4},
                  status="completed", transcript=[("resident", "hello")])
    """

    async def add(
        *,
        answers: dict[str, Any] | None = None,
        status: str = "completed",
        channel: str = "webchat",
        flags: tuple[str, ...] = (),
        transcript: list[tuple[str, str]] | None = None,
        last_question: str | None = None,
        started_at: datetime | None = None,
        survey_id: str = SURVEY,
    ) -> int:
        conversation = f"conv-{uuid.uuid4().hex[:10]}"
        writes = []
        for name, value in (answers or {}).items():
            question, _, item = name.partition("[")
            raw = value if isinstance(value, str) else str(value)
            writes.append(AnswerWrite(question, item.rstrip("]"), value, raw))
        changes: dict[str, Any] = {"status": status, "consented": True}
        if status == "completed":
            changes["reference"] = uuid.uuid4().hex[:8].upper()
        if last_question:
            changes["last_question"] = last_question
        moment = started_at or MONDAY
        outcome = await commit_turn(
            db,
            turn=TurnRecord(
                conversation_id=conversation,
                channel=channel,
                survey_id=survey_id,
                survey_version=1,
                state_key=f"{channel}/conversations/{conversation}",
                expected_etag=None,
                new_state={"phase": "done"},
                start_response=True,
                response_changes=changes,
                add_flags=list(flags),
                answers=writes,
                transcript=[
                    (sender, text, moment + timedelta(seconds=n))
                    for n, (sender, text) in enumerate(transcript or [])
                ],
            ),
        )
        assert outcome.response_id is not None
        async with db.write() as session:
            response = await session.get(Response, outcome.response_id)
            assert response is not None
            response.started_at = moment
            if status == "completed":
                response.completed_at = moment + timedelta(minutes=6)
            session.add(response)
        return outcome.response_id

    return add


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """A headless browser, closed after the test."""
    async with headless_chromium() as chromium:
        yield chromium
