"""Logging in and out: passwords, sessions, throttling and CSRF, through real HTTP."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.review.sessions import COOKIE_NAME, Session, SessionPolicy
from storage.database import Database
from storage.models import StaffUser
from storage.staff import disable_staff, find_staff
from tests.review.conftest import PASSWORD, csrf_of, login

Client = TestClient[web.Request, web.Application]


def session_cookie(response: Any) -> str:
    """The value of the session cookie the response sets."""
    return response.cookies[COOKIE_NAME].value


async def test_a_page_that_needs_a_login_sends_people_to_the_login_page(client: Client) -> None:
    answer = await client.get("/review/results?status=completed", allow_redirects=False)

    assert answer.status == 303
    assert answer.headers["Location"] == "/review/login?next=/review/results?status%3Dcompleted"


async def test_a_json_twin_without_a_login_is_refused_with_401(client: Client) -> None:
    answer = await client.get("/review/responses.json")

    assert answer.status == 401
    assert (await answer.json())["error"] == "Log in first."


async def test_the_right_email_and_password_log_in_and_go_to_the_page_asked_for(
    client: Client, reviewer: StaffUser
) -> None:
    answer = await login(client, "Reviewer@Example.org", next_page="/review/results")

    assert answer.status == 303
    assert answer.headers["Location"] == "/review/results"
    page = await client.get("/review/results")
    assert page.status == 200
    assert "reviewer@example.org" in await page.text()


async def test_after_login_it_never_redirects_to_another_site(
    client: Client, reviewer: StaffUser
) -> None:
    answer = await login(client, reviewer.email, next_page="//evil.example/")

    assert answer.headers["Location"] == "/review/"


async def test_the_session_cookie_is_httponly_samesite_and_limited_to_the_site(
    client: Client, reviewer: StaffUser
) -> None:
    answer = await login(client, reviewer.email)

    cookie = SimpleCookie(answer.headers["Set-Cookie"])[COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/review"


async def test_logging_in_starts_a_new_session_with_a_new_csrf_token(
    client: Client, reviewer: StaffUser
) -> None:
    form = await client.get("/review/login")
    before = csrf_of(await form.text())
    old_cookie = session_cookie(form)

    answer = await login(client, reviewer.email)

    assert session_cookie(answer) != old_cookie
    page = await client.get("/review/responses")
    assert csrf_of(await page.text()) != before


async def test_wrong_email_and_wrong_password_get_the_same_answer(
    client: Client, reviewer: StaffUser
) -> None:
    wrong_email = await login(client, "nobody@example.org")
    wrong_password = await login(client, reviewer.email, "not the password at all")

    assert wrong_email.status == wrong_password.status == 200
    first, second = await wrong_email.text(), await wrong_password.text()
    assert "That email and password did not work." in first
    assert csrf_of(first) == csrf_of(second)
    assert first == second


async def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(
    client: Client, db: Database, reviewer: StaffUser
) -> None:
    for _ in range(3):  # the limit under test
        await login(client, reviewer.email, "guessing wrongly")

    locked = await login(client, reviewer.email, PASSWORD)

    assert "That email and password did not work." in await locked.text()
    user = await find_staff(db, email=reviewer.email)
    assert user is not None
    assert user.locked_until is not None


async def test_a_right_password_before_the_limit_clears_the_failures(
    client: Client, db: Database, reviewer: StaffUser
) -> None:
    await login(client, reviewer.email, "guessing wrongly")
    await login(client, reviewer.email, "guessing wrongly")

    answer = await login(client, reviewer.email)

    assert answer.status == 303
    user = await find_staff(db, email=reviewer.email)
    assert user is not None
    assert user.failed_logins == 0


async def test_a_disabled_account_cannot_log_in(
    client: Client, db: Database, reviewer: StaffUser
) -> None:
    await disable_staff(db, email=reviewer.email)

    answer = await login(client, reviewer.email)

    assert "That email and password did not work." in await answer.text()


async def test_disabling_an_account_ends_its_session_at_once(
    client: Client, db: Database, reviewer: StaffUser
) -> None:
    await login(client, reviewer.email)
    await disable_staff(db, email=reviewer.email)

    answer = await client.get("/review/responses", allow_redirects=False)

    assert answer.status == 303


async def test_a_login_form_without_its_csrf_token_is_refused(
    client: Client, reviewer: StaffUser
) -> None:
    await client.get("/review/login")

    answer = await client.post(
        "/review/login", data={"email": reviewer.email, "password": PASSWORD}
    )

    assert answer.status == 403
    assert "This form has expired" in await answer.text()


async def test_a_csrf_token_from_another_session_is_refused(
    client: Client, reviewer: StaffUser
) -> None:
    stolen = csrf_of(await (await client.get("/review/login")).text())
    client.session.cookie_jar.clear()
    await client.get("/review/login")

    answer = await client.post(
        "/review/login", data={"csrf": stolen, "email": reviewer.email, "password": PASSWORD}
    )

    assert answer.status == 403


async def test_logging_out_needs_the_csrf_token_and_ends_the_session(
    client: Client, reviewer: StaffUser
) -> None:
    await login(client, reviewer.email)
    page = await client.get("/review/responses")
    token = csrf_of(await page.text())

    refused = await client.post("/review/logout", data={}, allow_redirects=False)
    answer = await client.post("/review/logout", data={"csrf": token}, allow_redirects=False)

    assert refused.status == 403
    assert answer.status == 303
    after = await client.get("/review/responses", allow_redirects=False)
    assert after.status == 303


async def test_a_forged_cookie_is_ignored(client: Client, reviewer: StaffUser) -> None:
    assert reviewer.id is not None
    forged = SessionPolicy("another secret entirely, as long as it likes", 3600, 3600)
    client.session.cookie_jar.update_cookies(
        {COOKIE_NAME: forged.dump(Session.new(staff_id=reviewer.id))}
    )

    answer = await client.get("/review/responses", allow_redirects=False)

    assert answer.status == 303


def test_a_session_ends_after_the_idle_timeout() -> None:
    policy = SessionPolicy("secret " * 6, idle_seconds=60, absolute_seconds=3600)
    cookie = policy.dump(Session.new(staff_id=1, now=1000.0))

    assert policy.load(cookie, now=1059.0) is not None
    assert policy.load(cookie, now=1061.0) is None


def test_a_session_ends_after_the_absolute_timeout_however_busy() -> None:
    policy = SessionPolicy("secret " * 6, idle_seconds=60, absolute_seconds=3600)
    session = Session.new(staff_id=1, now=1000.0).touched(now=4590.0)

    assert policy.load(policy.dump(session), now=4601.0) is None


def test_a_changed_cookie_is_refused() -> None:
    policy = SessionPolicy("secret " * 6, idle_seconds=60, absolute_seconds=3600)
    body, signature = policy.dump(Session.new(staff_id=1)).split(".")

    assert policy.load(body[:-2] + "AA." + signature) is None


@pytest.mark.parametrize("environment", ["production", "test"])
async def test_cookies_are_secure_in_production(
    db: Database, codebook: dict[str, Any], environment: str
) -> None:
    from aiohttp.test_utils import TestServer

    from bot.review import DATABASE, ReviewConfig, create_review_app

    parent = web.Application()
    parent[DATABASE] = db
    config = ReviewConfig(session_secret="s" * 40, environment=environment)
    parent.add_subapp("/review", create_review_app(config, codebook))
    async with TestClient(TestServer(parent, host="127.0.0.1")) as client:
        answer = await client.get("/review/login")
        cookie = SimpleCookie(answer.headers["Set-Cookie"])[COOKIE_NAME]

    assert bool(cookie["secure"]) is (environment == "production")


async def test_a_copy_of_the_cookie_opens_nothing_after_logging_out(
    client: Client, reviewer: StaffUser
) -> None:
    await login(client, reviewer.email)
    page = await client.get("/review/responses")
    copied = client.session.cookie_jar.filter_cookies(client.make_url("/review/"))[COOKIE_NAME]
    token = csrf_of(await page.text())
    await client.post("/review/logout", data={"csrf": token}, allow_redirects=False)

    client.session.cookie_jar.update_cookies({COOKIE_NAME: copied.value})
    answer = await client.get("/review/responses", allow_redirects=False)

    assert answer.status == 303
    assert answer.headers["Location"].startswith("/review/login")
    # Logging in again starts a session that works.
    assert (await login(client, reviewer.email)).status == 303
    assert (await client.get("/review/responses", allow_redirects=False)).status == 200
