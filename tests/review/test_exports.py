"""Exports from the site, each read back with a library that reads that kind of file."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pyreadstat
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from storage.models import StaffUser
from tests.review.conftest import AddResponse, login

Client = TestClient[web.Request, web.Application]
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
async def exported(client: Client, reviewer: StaffUser, add_response: AddResponse) -> None:
    """Two responses, one with a formula typed in; logged in as a reviewer."""
    await add_response(
        answers={
            "connection": "live",
            "channels": ["call_101", "website"],
            "ease[call_101]": 4,
            "improve[call_101]": FORMULA,
            "video_interest": "maybe",
            "visibility": 2,
            "district": "watford",
            "sex": "female",
            "changes": "+44 7700 900123 -- @everyone",
        }
    )
    await add_response(answers={"channels": ["none"], "district": "dacorum"}, status="abandoned")
    await login(client, reviewer.email)


async def download(client: Client, path: str) -> bytes:
    answer = await client.get(path)
    assert answer.status == 200, await answer.text()
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    return await answer.read()


def watford(rows: list[dict[str, Any]], code: Any = "watford") -> dict[str, Any]:
    """The row of the response from Watford."""
    return next(r for r in rows if r["district"] == code)


async def test_csv_has_a_column_per_question_and_loop_option(
    client: Client, exported: None
) -> None:
    body = await download(client, "/review/export/csv")

    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 2
    row = watford(rows)
    assert row["channels"] == "call_101;website"
    assert row["ease[call_101]"] == "4"
    assert row["ease[website]"] == ""
    assert row["improve[call_101]"] == "'" + FORMULA
    assert row["changes"].startswith("'+44")


async def test_xlsx_reads_back_with_formulas_neutralised(client: Client, exported: None) -> None:
    body = await download(client, "/review/export/xlsx")

    book = load_workbook(io.BytesIO(body))
    sheet = book["Responses"]
    header, *values = [list(r) for r in sheet.iter_rows(values_only=True)]
    rows = [dict(zip(header, r, strict=True)) for r in values]
    row = watford(rows)
    assert row["ease[call_101]"] == 4
    assert row["improve[call_101]"] == "'" + FORMULA
    assert all(
        not (isinstance(cell, str) and cell.startswith(("=", "+", "-", "@")))
        for r in rows
        for cell in r.values()
    )
    questions = [r[0] for r in book["Questions"].iter_rows(values_only=True)]
    assert "satisfaction[station]" in questions


async def test_sav_reads_back_with_value_labels_for_choices(
    client: Client, exported: None, tmp_path: Path
) -> None:
    path = tmp_path / "responses.sav"
    path.write_bytes(await download(client, "/review/export/sav"))

    frame, meta = pyreadstat.read_sav(str(path))
    labels = meta.variable_value_labels
    codes = {label: code for code, label in labels["district"].items()}
    row = watford(frame.to_dict("records"), codes["Watford"])
    assert labels["video_interest"][row["video_interest"]] == "Maybe"
    assert labels["visibility"][1.0] == "1 Very poor"
    assert row["visibility"] == 2
    assert row["channels_call_101"] == 1
    assert row["channels_station"] == 0
    assert labels["channels_call_101"] == {0.0: "Not chosen", 1.0: "Chosen"}
    assert row["ease_call_101"] == 4
    assert math.isnan(row["ease_website"])
    assert row["improve_call_101"] == FORMULA  # SPSS runs no formulas: the text is kept as typed
    assert meta.column_names_to_labels["ease_call_101"] == "the 101 phone line: how easy"
    assert labels["sex"] == {1.0: "Female", 2.0: "Male", 3.0: "Prefer not to say"}
    assert labels["sex"][row["sex"]] == "Female"
    # The questions about the person come last, in the survey's order.
    assert meta.column_names[-3:] == ["district", "age_band", "sex"]


async def test_json_lines_hold_everything_typed(client: Client, exported: None) -> None:
    body = await download(client, "/review/export/json")

    records = [json.loads(line) for line in body.decode().splitlines()]
    row = next(r for r in records if r["answers"].get("district") == "watford")
    assert row["answers"]["ease"] == {"call_101": 4}
    assert row["answers"]["channels"] == ["call_101", "website"]
    assert row["status"] == "completed"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "json"])
async def test_exports_follow_the_filters(
    client: Client, exported: None, fmt: str, tmp_path: Path
) -> None:
    body = await download(client, f"/review/export/{fmt}?district=dacorum")

    if fmt == "csv":
        count = len(list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")))))
    elif fmt == "xlsx":
        count = load_workbook(io.BytesIO(body))["Responses"].max_row - 1
    elif fmt == "sav":
        (tmp_path / "x.sav").write_bytes(body)
        count = len(pyreadstat.read_sav(str(tmp_path / "x.sav"))[0])
    else:
        count = len(body.decode().splitlines())
    assert count == 1


async def test_an_export_without_a_login_is_refused(client: Client) -> None:
    assert (await client.get("/review/export/csv")).status == 401


async def test_an_empty_export_still_reads_back(
    client: Client, reviewer: StaffUser, tmp_path: Path
) -> None:
    await login(client, reviewer.email)

    (tmp_path / "x.sav").write_bytes(await download(client, "/review/export/sav"))
    frame, meta = pyreadstat.read_sav(str(tmp_path / "x.sav"))

    assert len(frame) == 0
    assert "district" in meta.column_names


async def test_csv_and_excel_give_each_choice_its_label_beside_its_code(
    client: Client, exported: None
) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO((await download(client, "/review/export/csv")).decode("utf-8-sig"))
        )
    )
    row = watford(rows)
    assert (row["district"], row["district (label)"]) == ("watford", "Watford")
    assert row["channels (label)"] == "Calling 101; Herts Police website or online reporting"
    book = load_workbook(io.BytesIO(await download(client, "/review/export/xlsx")))
    header, *values = [list(r) for r in book["Responses"].iter_rows(values_only=True)]
    first = dict(zip(header, values[0], strict=True))
    assert isinstance(first["started_at"], datetime)  # a date in Excel, not text
    assert "district (label)" in header


async def test_prefer_not_to_say_is_a_missing_value_in_spss(
    client: Client, exported: None, tmp_path: Path
) -> None:
    path = tmp_path / "responses.sav"
    path.write_bytes(await download(client, "/review/export/sav"))
    _frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    codes = {label: code for code, label in meta.variable_value_labels["age_band"].items()}
    assert meta.missing_ranges["age_band"] == [
        {"lo": codes["Prefer not to say"], "hi": codes["Prefer not to say"]}
    ]
