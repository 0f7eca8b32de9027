"""The results weighted to a population, who responded against it, and hidden small cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.review import ReviewConfig
from storage.models import StaffUser
from tests.review.conftest import SECRET, AddResponse, login

Client = TestClient[web.Request, web.Application]

POPULATION = """
[population]
area = "Testshire"
base = "Usual residents aged 18 and over"
source = "A census, table T1"
missing = ["Age band: not in this file."]

[margins.district]
question = "district"
source = "A census, table T1"
counts = { watford = 600, stevenage = 400, hertsmere = 0 }

[margins.sex]
question = "sex"
source = "A census, table T2"
counts = { female = 510, male = 490 }
"""


@pytest.fixture
def config(tmp_path: Path) -> ReviewConfig:
    """The site weighting to a small population of Watford and Stevenage."""
    path = tmp_path / "population.toml"
    path.write_text(POPULATION, encoding="utf-8")
    return ReviewConfig(session_secret=SECRET, environment="test", population_file=str(path))


@pytest.fixture
async def seeded(client: Client, reviewer: StaffUser, add_response: AddResponse) -> Client:
    """Ten in Watford (visibility 2, 101 ease 2), twenty in Stevenage (4 and 5), three in
    Dacorum; everyone a woman or a man in turn, and one in progress from Watford."""
    for n in range(10):
        await add_response(
            answers={
                "district": "watford",
                "visibility": 2,
                "channels": ["call_101"],
                "ease[call_101]": 2,
                "sex": "female" if n % 2 else "male",
            }
        )
    for n in range(20):
        await add_response(
            answers={
                "district": "stevenage",
                "visibility": 4,
                "channels": ["call_101"],
                "ease[call_101]": 5,
                "sex": "female" if n % 2 else "male",
            }
        )
    for _ in range(3):
        await add_response(answers={"district": "dacorum", "visibility": 3, "sex": "male"})
    await add_response(status="in_progress", answers={"district": "watford", "visibility": 1})
    await login(client, reviewer.email)
    return client


async def charts(client: Client, query: str = "") -> dict[str, Any]:
    data = await (await client.get(f"/review/results.json{query}")).json()
    return {chart["id"]: chart for chart in data["charts"]} | {"_data": data}


def row(chart: dict[str, Any], first: str) -> list[Any]:
    return next(r for r in chart["rows"] if r[0] == first)


async def test_results_are_not_weighted_unless_asked(seeded: Client) -> None:
    found = await charts(seeded)

    assert found["_data"]["weighting"]["weighted"] is False
    assert row(found["district"], "Watford")[1:] == [10, 30.3]
    assert row(found["ratings"], "Mean score")[1] == 3.3  # (10 * 2 + 20 * 4 + 3 * 3) / 33


async def test_weighted_results_put_districts_and_sexes_at_their_population_shares(
    seeded: Client,
) -> None:
    """District and sex together (see test_weighted_by_hand for one margin worked by hand).

    Dacorum has no population figure, so only Watford and Stevenage are held to 60 : 40;
    sex is raked to 51 : 49 at the same time. Visibility falls towards Watford's 2.
    """
    found = await charts(seeded, "?weighted=yes")
    weighting = found["_data"]["weighting"]
    district = found["district"]

    assert weighting["weighted"] is True
    assert weighting["converged"] is True
    watford, stevenage = row(district, "Watford")[1], row(district, "Stevenage")[1]
    assert watford / (watford + stevenage) == pytest.approx(0.6, abs=0.001)
    assert row(district, "Dacorum")[1] == "fewer than 10"  # three responses behind it
    assert row(found["ratings"], "Mean score")[1] < 3.0
    assert 20 < weighting["effective_size"] < 33
    assert weighting["empty"] == {"District or borough": ["Hertsmere"]}
    assert "Weighted to the population" in " ".join(district["notes"])


async def test_the_effective_sample_size_is_kish_of_the_weights(seeded: Client) -> None:
    found = await charts(seeded, "?weighted=yes")
    by_group = found["by-district"]
    n_watford = row(by_group, "Watford")[1]
    n_stevenage = row(by_group, "Stevenage")[1]
    w_watford, w_stevenage = n_watford / 10, n_stevenage / 20
    # Within a district the weights still differ a little by sex, so Kish's figure from
    # each district's mean weight is an upper bound (Cauchy-Schwarz), and a close one.
    upper = 33**2 / (10 * w_watford**2 + 20 * w_stevenage**2 + 3 * 1.0)

    effective = found["_data"]["weighting"]["effective_size"]
    assert effective <= upper + 0.05  # shown to one decimal place
    assert effective == pytest.approx(upper, rel=0.02)


async def test_every_chart_has_a_switch_and_the_page_shows_the_effective_size(
    seeded: Client,
) -> None:
    html = await (await seeded.get("/review/results")).text()
    weighted = await (await seeded.get("/review/results?weighted=yes")).text()

    assert "These results are not weighted" in html
    assert "Effective sample size" in html
    assert html.count("Show these figures weighted") == html.count('<table class="figures">')
    assert "These results are weighted" in weighted
    assert weighted.count("Show these figures not weighted") > 10
    assert "Not yet available: Age band: not in this file." in html


async def test_who_responded_is_set_against_the_population(seeded: Client) -> None:
    found = await charts(seeded, "?weighted=yes")
    district = found["represent-district"]

    assert district["headers"] == [
        "Answer",
        "Responses",
        "% of responses",
        "% of the population",
        "% after weighting",
    ]
    assert row(district, "Watford")[1:] == [10, 33.3, 60.0, 60.0]
    assert row(district, "Stevenage")[1:] == [20, 66.7, 40.0, 40.0]
    few = "fewer than 10"
    assert row(district, "Hertsmere")[1:] == [few, few, 0.0, few]
    assert row(district, "Dacorum")[1:] == [few, "", "", ""]
    sex = found["represent-sex"]
    assert row(sex, "Female")[3] == 51.0
    assert row(sex, "Female")[4] == pytest.approx(51.0, abs=0.1)


async def test_ratings_for_each_way_of_contact_by_district_hide_small_groups(
    seeded: Client,
) -> None:
    found = await charts(seeded)
    ease = found["per-option-ease-by-district"]
    column = ease["headers"].index("Calling 101: mean score")

    assert row(ease, "Watford")[column - 1 : column + 1] == [10, 2.0]
    assert row(ease, "Stevenage")[column - 1 : column + 1] == [20, 5.0]
    assert row(ease, "Dacorum")[1] == "fewer than 10"
    assert ease["categories"] == ["Stevenage", "Watford"]  # nobody else is drawn
    assert "per-option-satisfaction-by-sex" in found
    assert "per-option-ease-by-age_band" in found


async def test_no_bar_is_drawn_for_a_group_with_nobody_in_it(seeded: Client) -> None:
    found = await charts(seeded)
    picture = await (await seeded.get(found["per-option-ease-by-district"]["image"])).text()

    assert "Watford" in picture
    assert "Stevenage" in picture
    assert "Hertsmere" not in picture
    assert "Dacorum" not in picture


async def test_small_cells_read_fewer_than_ten_on_the_page(seeded: Client) -> None:
    html = await (await seeded.get("/review/results")).text()
    dacorum = html.split('<th scope="row">Dacorum</th>')[1].split("</tr>")[0]

    assert "<td>fewer than 10</td>" in dacorum
    assert "<td>3</td>" not in dacorum


async def test_the_breakdown_tables_download_hides_small_cells(seeded: Client) -> None:
    answer = await seeded.get("/review/results/tables.csv?weighted=yes")
    rows = list(csv.reader(io.StringIO((await answer.read()).decode("utf-8-sig"))))

    assert answer.status == 200
    assert rows[0] == ["Weighted to the population"]
    titles = [r[0] for r in rows if len(r) == 1]
    assert "Results by district or borough" in titles
    assert "How easy, for each way of contact, by district or borough" in titles
    dacorum = [r for r in rows if r and r[0] == "Dacorum"]
    assert dacorum
    assert all("3" not in r[1:] for r in dacorum)
    assert all("fewer than 10" in r for r in dacorum)


async def test_a_weighting_that_makes_no_sense_is_a_polite_400(seeded: Client) -> None:
    answer = await seeded.get("/review/results?weighted=maybe")

    assert answer.status == 400
    assert "Weighted must be yes or no." in await answer.text()


async def test_results_of_responses_in_progress_are_behind_the_status_filter(
    seeded: Client,
) -> None:
    completed = await charts(seeded)
    everyone = await charts(seeded, "?status=any")

    assert completed["_data"]["responses"] == 33
    assert everyone["_data"]["responses"] == 34
    assert row(everyone["district"], "Watford")[1] == 11
