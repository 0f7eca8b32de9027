"""The responses list: filters, search, counts and paging, through the JSON twin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from storage.models import StaffUser
from tests.review.conftest import MONDAY, AddResponse, login

Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def responses(add_response: AddResponse) -> dict[str, int]:
    """Four responses that differ in every way the filters look at."""
    return {
        "watford_phone": await add_response(
            answers={"channels": ["call_101", "website"], "district": "watford"},
            started_at=MONDAY,
        ),
        "dacorum_web": await add_response(
            answers={"channels": ["website"], "district": "dacorum", "changes": "More PCSOs"},
            channel="facebook",
            started_at=MONDAY + timedelta(days=2),
        ),
        "abandoned": await add_response(
            status="abandoned",
            answers={"channels": ["none"]},
            last_question="future_preference",
            started_at=MONDAY + timedelta(days=5),
        ),
        "flagged": await add_response(
            status="in_progress",
            answers={"changes": "Someone is in danger now"},
            flags=("danger",),
            started_at=MONDAY + timedelta(days=9),
        ),
    }


async def found(client: Client, query: str) -> list[int]:
    answer = await client.get(f"/review/responses.json?{query}")
    assert answer.status == 200, await answer.text()
    return sorted(r["id"] for r in (await answer.json())["responses"])


def ids(responses: dict[str, int], *names: str) -> list[int]:
    return sorted(responses[name] for name in names)


@pytest.fixture(autouse=True)
async def logged_in(client: Client, reviewer: StaffUser) -> None:
    await login(client, reviewer.email)


async def test_with_no_filters_every_response_is_listed_newest_first_with_counts(
    client: Client, responses: dict[str, int]
) -> None:
    data = await (await client.get("/review/responses.json")).json()

    assert [r["id"] for r in data["responses"]] == [
        responses["flagged"],
        responses["abandoned"],
        responses["dacorum_web"],
        responses["watford_phone"],
    ]
    assert data["counts"] == {"total": 4, "completed": 2, "in_progress": 1, "abandoned": 1}


async def test_status_filter(client: Client, responses: dict[str, int]) -> None:
    assert await found(client, "status=abandoned") == ids(responses, "abandoned")


async def test_date_range_includes_both_ends(client: Client, responses: dict[str, int]) -> None:
    assert await found(client, "since=2026-11-25&until=2026-11-28") == ids(
        responses, "dacorum_web", "abandoned"
    )


async def test_channel_the_response_came_through(client: Client, responses: dict[str, int]) -> None:
    assert await found(client, "channel=facebook") == ids(responses, "dacorum_web")


async def test_channel_used_to_contact_the_police(
    client: Client, responses: dict[str, int]
) -> None:
    assert await found(client, "channels=website") == ids(responses, "watford_phone", "dacorum_web")
    assert await found(client, "channels=call_101") == ids(responses, "watford_phone")


async def test_district(client: Client, responses: dict[str, int]) -> None:
    assert await found(client, "district=dacorum") == ids(responses, "dacorum_web")


async def test_flagged_and_not_flagged(client: Client, responses: dict[str, int]) -> None:
    assert await found(client, "flagged=yes") == ids(responses, "flagged")
    assert len(await found(client, "flagged=no")) == 3


async def test_search_over_answers_ignores_case(client: Client, responses: dict[str, int]) -> None:
    assert await found(client, "q=pcsos") == ids(responses, "dacorum_web")


async def test_search_treats_wildcards_as_plain_text(
    client: Client, responses: dict[str, int]
) -> None:
    assert await found(client, "q=%25") == []
    # Only the answer typed with an underscore in it ("call_101"), not every answer.
    assert await found(client, "q=_") == ids(responses, "watford_phone")


async def test_filters_combine(client: Client, responses: dict[str, int]) -> None:
    assert await found(client, "channels=website&district=watford&status=completed") == ids(
        responses, "watford_phone"
    )


async def test_counts_follow_the_filters(client: Client, responses: dict[str, int]) -> None:
    data = await (await client.get("/review/responses.json?channels=website")).json()

    assert data["counts"]["total"] == 2
    assert data["filters"] == {"channels": "website"}


async def test_an_unknown_answer_is_refused(client: Client, responses: dict[str, int]) -> None:
    answer = await client.get("/review/responses.json?district=atlantis")

    assert answer.status == 400


async def test_the_list_comes_a_page_at_a_time(client: Client, add_response: AddResponse) -> None:
    for day in range(55):
        await add_response(started_at=MONDAY + timedelta(hours=day))

    first = await (await client.get("/review/responses.json")).json()
    second = await (await client.get("/review/responses.json?page=2")).json()

    assert (first["pages"], len(first["responses"]), len(second["responses"])) == (2, 50, 5)
    assert not {r["id"] for r in first["responses"]} & {r["id"] for r in second["responses"]}
