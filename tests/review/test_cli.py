"""`survey-bot staff add|list|disable` and `survey-bot export` with formats and filters."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pyreadstat
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from bot.cli import main
from bot.review import passwords
from storage import audit
from storage.database import Database
from storage.staff import find_staff
from tests.review.conftest import AddResponse

PASSWORD = "a long enough password"


async def run(database_url: str, *args: str, stdin: str | None = None) -> Result:
    """Run the command line (in a thread: it runs its own event loop) against the test database."""
    runner = CliRunner()
    env = {"DATABASE_URL": database_url, "SURVEY_BOT_ENV": "development"}
    return await asyncio.to_thread(
        runner.invoke, main, list(args), input=stdin, env=env, catch_exceptions=False
    )


async def test_staff_add_asks_for_the_password_twice_and_stores_only_a_hash(
    database_url: str, db: Database
) -> None:
    result = await run(
        database_url, "staff", "add", "Ann@Example.org", "--role", "admin",
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Added ann@example.org as admin" in result.output
    user = await find_staff(db, email="ann@example.org")
    assert user is not None
    assert user.role == "admin"
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")
    assert passwords.verify(user.password_hash, PASSWORD)


async def test_staff_add_refuses_a_short_password(database_url: str, db: Database) -> None:
    result = await run(database_url, "staff", "add", "ann@example.org", "--password", "short")

    assert result.exit_code == 1
    assert "at least 12 characters" in result.output


async def test_staff_add_refuses_an_email_that_has_an_account(
    database_url: str, db: Database
) -> None:
    await run(database_url, "staff", "add", "ann@example.org", "--password", PASSWORD)

    again = await run(database_url, "staff", "add", "ANN@example.org", "--password", PASSWORD)

    assert again.exit_code == 1
    assert "There is already an account for ann@example.org." in again.output


async def test_staff_list_and_disable(database_url: str, db: Database) -> None:
    await run(database_url, "staff", "add", "ann@example.org", "--password", PASSWORD)
    await run(database_url, "staff", "add", "bob@example.org", "--password", PASSWORD)

    disabled = await run(database_url, "staff", "disable", "bob@example.org")
    listed = await run(database_url, "staff", "list")
    missing = await run(database_url, "staff", "disable", "carol@example.org")

    assert disabled.exit_code == 0
    lines = listed.output.splitlines()
    assert lines[0].split("\t")[:3] == ["ann@example.org", "reviewer", "active"]
    assert lines[1].split("\t")[:3] == ["bob@example.org", "reviewer", "disabled"]
    assert missing.exit_code == 1


async def test_export_csv_to_standard_output_with_filters(
    database_url: str, db: Database, add_response: AddResponse
) -> None:
    await add_response(answers={"district": "watford", "channels": ["call_101"]})
    await add_response(answers={"district": "dacorum", "channels": ["website"]})

    result = await run(database_url, "export", "--format", "csv", "--answer", "district=watford")

    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["district"] for r in rows] == ["watford"]


async def test_export_xlsx_and_sav_to_files(
    database_url: str, db: Database, add_response: AddResponse, tmp_path: Path
) -> None:
    await add_response(answers={"district": "watford", "visibility": 5})
    await add_response(answers={"district": "dacorum"}, status="abandoned")

    xlsx = await run(
        database_url, "export", "--format", "xlsx", "--status", "completed",
        "--output", str(tmp_path / "r.xlsx"),
    )  # fmt: skip
    sav = await run(database_url, "export", "--format", "sav", "--output", str(tmp_path / "r.sav"))

    assert xlsx.exit_code == sav.exit_code == 0
    assert load_workbook(tmp_path / "r.xlsx")["Responses"].max_row == 2
    frame, meta = pyreadstat.read_sav(str(tmp_path / "r.sav"))
    assert len(frame) == 2
    assert meta.variable_value_labels["visibility"][5.0] == "5 Very good"


async def test_export_json_is_recorded_in_the_audit_log(
    database_url: str, db: Database, add_response: AddResponse
) -> None:
    await add_response(answers={"district": "watford"})

    result = await run(database_url, "export", "--since", "2026-01-01")

    assert json.loads(result.output.splitlines()[0])["answers"]["district"] == "watford"
    entries = (await audit.list_entries(db)).entries
    assert [(e.staff_email, e.action, e.detail["format"]) for e in entries] == [
        ("(command line)", "export", "json")
    ]


async def test_export_refuses_a_filter_that_makes_no_sense(database_url: str, db: Database) -> None:
    result = await run(database_url, "export", "--answer", "district=atlantis")

    assert result.exit_code == 2
    assert "there is no answer called 'atlantis'" in result.output


async def test_serve_says_how_to_add_the_first_staff_account_when_there_is_none(
    database_url: str, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from aiohttp import web

    from bot.cli import _hint_when_no_staff
    from bot.review import DATABASE

    app = web.Application()
    app[DATABASE] = db
    await _hint_when_no_staff(app)
    assert "make staff EMAIL=you@example.org" in capsys.readouterr().out

    added = await run(database_url, "staff", "add", "ann@example.org", "--password", PASSWORD)
    assert added.exit_code == 0, added.output
    await _hint_when_no_staff(app)
    assert "No staff account" not in capsys.readouterr().out
