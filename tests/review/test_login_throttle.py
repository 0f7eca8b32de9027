"""Failed logins are limited per client address too, not only per account."""

from __future__ import annotations

from dataclasses import replace

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.review import ReviewConfig
from bot.review.throttle import AddressThrottle
from storage.database import Database
from storage.staff import find_staff, is_locked
from tests.review.conftest import AddStaff, login

Client = TestClient[web.Request, web.Application]


@pytest.fixture
def config(config: ReviewConfig) -> ReviewConfig:
    """Few failures allowed from one address, so the test reaches the limit quickly."""
    return replace(config, max_failed_logins_per_address=4)


async def test_one_address_trying_many_accounts_is_made_to_wait(
    client: Client, add_staff: AddStaff, db: Database
) -> None:
    accounts = [await add_staff(f"staff{n}@example.org") for n in range(6)]
    answers = [await login(client, a.email, "not the password at all") for a in accounts[:4]]
    assert [a.status for a in answers] == [200, 200, 200, 200]
    # No account has had more than one wrong password, but this address has had four.
    for account in accounts:
        found = await find_staff(db, email=account.email)
        assert found is not None
        assert not is_locked(found)

    refused = await login(client, accounts[5].email)

    assert refused.status == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "too many wrong passwords from your network" in (await refused.text()).lower()
    assert (await client.get("/review/responses", allow_redirects=False)).status == 303


def test_the_wait_ends_when_the_oldest_failure_leaves_the_window() -> None:
    now = [1000.0]
    throttle = AddressThrottle(limit=3, window_seconds=60, clock=lambda: now[0])
    for step in (0, 10, 20):
        now[0] = 1000.0 + step
        assert throttle.wait_seconds("203.0.113.7") == 0
        throttle.failed("203.0.113.7")
    assert throttle.wait_seconds("203.0.113.7") == 40
    assert throttle.wait_seconds("198.51.100.1") == 0
    now[0] = 1060.5
    assert throttle.wait_seconds("203.0.113.7") == 0


def test_quiet_addresses_are_forgotten() -> None:
    now = [0.0]
    throttle = AddressThrottle(limit=3, window_seconds=60, clock=lambda: now[0])
    for number in range(1000):
        throttle.failed(f"10.0.{number // 256}.{number % 256}")
    now[0] = 120.0
    throttle.failed("10.9.9.9")
    assert len(throttle._failures) == 1
