"""The summary report for the Commissioner's briefing: a PDF from the site and the command line."""

from __future__ import annotations

import re
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.review import report
from bot.review.config import ReviewConfig
from bot.review.filters import parse
from bot.review.site import Site
from bot.settings import Settings
from storage.audit import list_entries
from storage.database import Database
from storage.models import StaffUser
from tests.bot.conftest import survey_bot
from tests.review.conftest import AddResponse, login

Client = TestClient[web.Request, web.Application]


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


async def some_responses(add_response: AddResponse) -> None:
    for district in ("watford", "watford", "dacorum"):
        await add_response(
            answers={"connection": "live", "channels": ["call_101"], "district": district}
        )
    await add_response(answers={"channels": ["none"]}, status="abandoned", flags=("danger",))
    await add_response(answers={"channels": ["webchat"]}, flags=("unsure",), channel="sms")


async def test_the_report_is_a_pdf_of_several_pages_and_is_audited(
    client: Client, reviewer: StaffUser, add_response: AddResponse, db: Database
) -> None:
    await some_responses(add_response)
    await login(client, reviewer.email)

    answer = await client.get("/review/report.pdf")

    assert answer.status == 200, await answer.text()
    assert answer.content_type == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="summary-')
    body = await answer.read()
    assert body.startswith(b"%PDF")
    assert pages(body) >= 4  # the summary, by day, and the charts
    assert b"summary of responses" in body  # the document's title, in its metadata
    [entry] = (await list_entries(db, action="export")).entries
    assert entry.detail["format"] == "pdf"
    assert entry.detail["responses"] == 5


async def test_the_report_counts_responses_channels_and_safety_advice(
    db: Database, config: ReviewConfig, codebook: dict[str, object], add_response: AddResponse
) -> None:
    await some_responses(add_response)
    here = Site.build(config, dict(codebook))
    summary = await report.gather(here, db, parse({}, here.questions))

    assert summary.total == 5
    assert summary.by_status["completed"] == 4
    assert summary.by_status["abandoned"] == 1
    assert summary.safety_advice == 1
    assert summary.safety_line == 1
    assert summary.by_channel["Text message"]["completed"] == 1
    assert sum(summary.completed_by_day.values()) == 4
    assert summary.charts
    assert report.draw(summary, here).startswith(b"%PDF")


async def test_the_command_line_writes_the_report(
    settings: Settings, db: Database, add_response: AddResponse, tmp_path: Path
) -> None:
    await some_responses(add_response)
    output = tmp_path / "summary.pdf"
    code, said = await survey_bot(settings, "report", "--output", str(output))
    assert code == 0, said
    assert output.read_bytes().startswith(b"%PDF")
    assert pages(output.read_bytes()) >= 4


async def test_without_a_login_there_is_no_report(client: Client) -> None:
    answer = await client.get("/review/report.pdf", allow_redirects=False)
    assert answer.status in (302, 303, 401)
