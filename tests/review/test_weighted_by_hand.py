"""The weighted results page against figures worked out by hand, on one margin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.review import ReviewConfig
from storage.models import StaffUser
from tests.review.conftest import SECRET, AddResponse, login

Client = TestClient[web.Request, web.Application]


@pytest.fixture
def config(tmp_path: Path) -> ReviewConfig:
    """Weighting to districts alone: Watford 60%, Stevenage 40%."""
    path = tmp_path / "population.toml"
    path.write_text(
        '[population]\narea = "Testshire"\n'
        "[margins.district]\ncounts = { watford = 600, stevenage = 400 }\n",
        encoding="utf-8",
    )
    return ReviewConfig(session_secret=SECRET, environment="test", population_file=str(path))


async def test_weights_means_and_effective_size_are_as_worked_by_hand(
    client: Client, reviewer: StaffUser, add_response: AddResponse
) -> None:
    """Ten in Watford rate visibility 2, twenty in Stevenage 4, three in Dacorum 3.

    Dacorum has no population figure, so its three keep a weight of 1. The other 30
    are shared 60 : 40, so Watford should hold 18 (1.8 each) and Stevenage 12 (0.6 each).
    Weighted mean visibility: (10 * 1.8 * 2 + 20 * 0.6 * 4 + 3 * 3) / 33 = 93 / 33 = 2.82,
    against (20 + 80 + 9) / 33 = 3.3 unweighted.
    Effective size: 33^2 / (10 * 1.8^2 + 20 * 0.6^2 + 3 * 1^2) = 1089 / 42.6 = 25.6.
    """
    for district, visibility, people in (("watford", 2, 10), ("stevenage", 4, 20)):
        for _ in range(people):
            await add_response(answers={"district": district, "visibility": visibility})
    for _ in range(3):
        await add_response(answers={"district": "dacorum", "visibility": 3})
    await login(client, reviewer.email)

    data = await (await client.get("/review/results.json?weighted=yes")).json()
    charts: dict[str, Any] = {chart["id"]: chart for chart in data["charts"]}
    district = {row[0]: row for row in charts["district"]["rows"]}
    ratings = {row[0]: row for row in charts["ratings"]["rows"]}

    assert data["weighting"]["converged"] is True
    assert district["Watford"][1:] == [18, 54.5]
    assert district["Stevenage"][1:] == [12, 36.4]
    assert ratings["Mean score"][1] == 2.82
    assert data["weighting"]["effective_size"] == 25.6
