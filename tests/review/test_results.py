"""The results page: counts, percentages, means, the funnel and the charts."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from storage.models import StaffUser
from tests.review.conftest import AddResponse, login

Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def results(client: Client, reviewer: StaffUser, add_response: AddResponse) -> dict[str, Any]:
    """Three completed responses and one that stopped, then the results' JSON twin, by chart."""
    await add_response(
        answers={
            "channels": ["call_101", "website"],
            "ease[call_101]": 2,
            "satisfaction[call_101]": 1,
            "ease[website]": 5,
            "preferred[call_101]": "no",
            "preferred[website]": "yes",
            "video_interest": "yes",
            "visibility": 2,
            "accessibility": 4,
            "district": "watford",
            "age_band": "age_25_34",
        }
    )
    await add_response(
        answers={
            "channels": ["call_101"],
            "ease[call_101]": 4,
            "satisfaction[call_101]": 3,
            "preferred[call_101]": "yes",
            "video_interest": "maybe",
            "visibility": 4,
            "district": "watford",
        }
    )
    await add_response(
        answers={"channels": ["none"], "video_interest": "no", "visibility": None, "district": None}
    )
    await add_response(status="abandoned", last_question="ease", answers={"channels": ["website"]})
    await login(client, reviewer.email)
    data = await (await client.get("/review/results.json")).json()
    return {chart["id"]: chart for chart in data["charts"]} | {"_data": data}


def row(chart: dict[str, Any], first: str) -> list[Any]:
    return next(r for r in chart["rows"] if r[0] == first)


async def test_counts_and_percentages_of_a_multiple_choice_question_from_completed_responses(
    results: dict[str, Any],
) -> None:
    channels = results["channels"]

    assert results["_data"]["responses"] == 3
    assert row(channels, "Calling 101") == ["Calling 101", 2, 66.7]
    assert row(channels, "Herts Police website or online reporting")[1:] == [1, 33.3]
    assert row(channels, "None of these")[1:] == [1, 33.3]
    assert channels["notes"]  # "choose several answers"


async def test_responses_stopped_part_way_are_counted_when_the_status_filter_says_so(
    client: Client, results: dict[str, Any]
) -> None:
    data = await (await client.get("/review/results.json?status=any")).json()
    channels = next(c for c in data["charts"] if c["id"] == "channels")
    stopped = await (await client.get("/review/results.json?status=abandoned")).json()

    assert data["responses"] == 4
    assert row(channels, "Herts Police website or online reporting")[1:] == [2, 50.0]
    assert stopped["responses"] == 1


async def test_video_interest_counts_yes_maybe_and_no(results: dict[str, Any]) -> None:
    video = results["video_interest"]

    assert [r[:2] for r in video["rows"]] == [["Yes", 1], ["Maybe", 1], ["No", 1]]


async def test_ease_and_satisfaction_per_channel_are_mean_scores_side_by_side(
    results: dict[str, Any],
) -> None:
    ratings = results["per-option-ratings"]

    assert [s["name"] for s in ratings["series"]] == ["How easy", "Satisfaction with the outcome"]
    assert row(ratings, "Calling 101") == ["Calling 101", 2, 3.0, 2, 2.0]
    assert row(ratings, "Webchat") == ["Webchat", 0, "", 0, ""]
    webchat = ratings["categories"].index("Webchat")
    assert [s["values"][webchat] for s in ratings["series"]] == [None, None]  # no bars


async def test_preferred_way_is_the_share_who_said_yes_per_channel(
    results: dict[str, Any],
) -> None:
    preferred = results["per-option-preferred"]

    assert row(preferred, "Calling 101") == ["Calling 101", 2, 1, 50.0]


async def test_visibility_and_accessibility_ratings_are_shown_together(
    results: dict[str, Any],
) -> None:
    ratings = results["ratings"]

    assert ratings["headers"][1:] == [
        "Police visibility in your area: responses",
        "Police visibility in your area: %",
        "How easy the police are to reach: responses",
        "How easy the police are to reach: %",
    ]
    assert row(ratings, "2") == ["2", 1, 50.0, 0, 0.0]
    assert row(ratings, "Mean score") == ["Mean score", 3.0, "", 4.0, ""]


async def test_breakdown_by_district_hides_groups_of_fewer_than_ten(
    results: dict[str, Any],
) -> None:
    district = results["by-district"]

    assert row(district, "Watford")[:3] == ["Watford", "fewer than 10", "fewer than 10"]
    assert row(district, "Not answered")[1] == "fewer than 10"
    assert district["categories"] == []  # nothing drawn
    assert "by-age_band" in results
    assert "by-sex" in results


async def test_the_funnel_and_where_people_stopped(results: dict[str, Any]) -> None:
    assert [r[:2] for r in results["funnel"]["rows"]] == [
        ["Opened the chat", 4],
        ["Agreed to take part", 4],
        ["Completed", 3],
        ["Stopped part way", 1],
        ["Still in progress", 0],
    ]
    assert results["stopped"]["rows"] == [["How easy", 1, 100.0]]


async def test_results_follow_the_filters(client: Client, results: dict[str, Any]) -> None:
    data = await (await client.get("/review/results.json?district=watford")).json()

    assert data["responses"] == 2


async def test_each_chart_is_an_svg_picture_with_a_table_of_its_data(
    client: Client, results: dict[str, Any]
) -> None:
    html = await (await client.get("/review/results")).text()

    for chart in results["_data"]["charts"]:
        picture = await client.get(chart["image"])
        assert picture.status == 200
        assert picture.content_type == "image/svg+xml"
        assert (await picture.read()).lstrip().startswith(b"<?xml")
        if not chart["empty"]:
            assert f'<img src="{chart["image"]}"' in html.replace("&amp;", "&")
    assert html.count('<table class="figures">') == len(results["_data"]["charts"])


async def test_a_chart_that_does_not_exist_is_404(client: Client, results: dict[str, Any]) -> None:
    assert (await client.get("/review/results/charts/nothing.svg")).status == 404


async def test_free_text_lists_answers_with_frequent_words_and_phrases(
    client: Client, reviewer: StaffUser, add_response: AddResponse
) -> None:
    for text in (
        "Answer the phone faster",
        "The phone line takes too long to answer",
        "Open the front counter again",
    ):
        await add_response(answers={"changes": text})
    await login(client, reviewer.email)

    data = await (await client.get("/review/free-text.json?question=changes")).json()
    searched = await (
        await client.get("/review/free-text.json?question=changes&search=counter")
    ).json()

    assert data["total"] == 3
    assert {"text": "phone", "answers": 2} in data["words"]
    assert {"text": "answer", "answers": 2} in data["words"]
    assert searched["total"] == 1
    assert searched["answers"][0]["text"] == "Open the front counter again"
