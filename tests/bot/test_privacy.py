"""Erasure, retention and redaction, through the bot as residents and staff use it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlmodel import SQLModel, select

from bot.settings import Settings
from storage.audit import list_entries
from storage.database import Database
from storage.models import Answer, ConversationState, Response, TranscriptLine
from storage.retention import purge
from tests.bot.conftest import survey_bot
from tests.bot.test_api_messages import FREE_TEXT_ANSWERS, message
from tests.connector import Connector

Client = TestClient[web.Request, web.Application]
RESIDENT_TABLES = ("response", "answer", "transcriptline", "conversationstate", "activitylog")


async def say(
    client: Client, connector: Connector, conversation: str, text: str, user: str = "resident-1"
) -> None:
    body = message(conversation, text, connector.url, "telegram", user)
    response = await client.post("/api/messages", json=body)
    assert response.status in (200, 201), await response.text()


async def rows_in(db: Database, table: str) -> int:
    async with db.sessions() as session:
        result = await session.exec(  # type: ignore[call-overload]
            sa.select(sa.func.count()).select_from(SQLModel.metadata.tables[table])
        )
        return int(result.scalar_one())


async def test_erasing_by_reference_leaves_nothing_in_any_table(
    client: Client, connector: Connector, settings: Settings, db: Database
) -> None:
    for text in FREE_TEXT_ANSWERS:
        await say(client, connector, "to-erase", text)
    async with db.sessions() as session:
        reference = (await session.exec(select(Response.reference))).one()
    assert reference
    code, output = await survey_bot(settings, "erase", reference, "--yes")
    assert code == 0, output
    for table in RESIDENT_TABLES:
        assert await rows_in(db, table) == 0, table
    # The erasure itself is in the audit log, by its reference code.
    [entry] = (await list_entries(db, action="erase")).entries
    assert (entry.staff_email, entry.detail) == (
        "(command line)",
        {"reference": reference, "by": "staff"},
    )


async def test_erasing_an_unknown_reference_says_so(settings: Settings, db: Database) -> None:
    code, output = await survey_bot(settings, "erase", "NOSUCH22", "--yes")
    assert code != 0
    assert "No response has the reference NOSUCH22" in output


async def test_a_resident_can_delete_their_answers_after_confirming(
    client: Client, connector: Connector, db: Database
) -> None:
    for text in ("hi", "yes", "both", "101", "done", "yes"):
        await say(client, connector, "changes-mind", text)
    assert await rows_in(db, "answer") == 3
    await say(client, connector, "changes-mind", "delete my answers")
    assert "cannot be undone" in connector.texts("changes-mind")[-1]
    await say(client, connector, "changes-mind", "yes")
    assert "have been deleted" in connector.texts("changes-mind")[-1]
    for table in ("response", "answer", "transcriptline", "conversationstate"):
        assert await rows_in(db, table) == 0, table
    # Staff can see that a resident deleted a response, not what it said.
    [entry] = (await list_entries(db, action="erase")).entries
    assert entry.staff_email == "(resident)"
    assert entry.detail == {"reference": "(not completed)", "by": "resident", "channel": "telegram"}


async def test_saying_no_to_consent_is_not_an_erasure(
    client: Client, connector: Connector, db: Database
) -> None:
    for text in ("hi", "no"):
        await say(client, connector, "declines", text)
    assert (await list_entries(db, action="erase")).entries == []


async def test_personal_details_are_redacted_before_they_are_stored(
    client: Client, connector: Connector, db: Database
) -> None:
    answers = ["hi", "yes", "both", "101", "done", "yes", "4", "4"]
    for text in answers:
        await say(client, connector, "talkative", text)
    await say(client, connector, "talkative", "call me on 07700 900123 or jo@example.com")
    async with db.sessions() as session:
        improve = (await session.exec(select(Answer).where(Answer.question_id == "improve"))).one()
        lines = (await session.exec(select(TranscriptLine.text))).all()
    assert "07700" not in str(improve.value)
    assert "[phone]" in str(improve.value)
    assert "[email]" in str(improve.value)
    assert not any("07700 900123" in line or "jo@example.com" in line for line in lines)


async def test_exports_carry_only_the_redacted_text(
    client: Client, connector: Connector, settings: Settings
) -> None:
    answers = ["hi", "yes", "both", "101", "done", "yes", "4", "4"]
    for text in answers:
        await say(client, connector, "exported", text)
    await say(client, connector, "exported", "my name is Sarah Jones, ring 01923 472000")
    for fmt in ("json", "csv"):
        code, output = await survey_bot(settings, "export", "--format", fmt)
        assert code == 0, output
        assert "01923" not in output
        assert "Sarah" not in output
        assert "[phone]" in output


async def test_purging_deletes_old_transcripts_and_unfinished_responses_but_keeps_answers(
    client: Client, connector: Connector, db: Database
) -> None:
    for text in FREE_TEXT_ANSWERS:
        await say(client, connector, "finished", text)
    for text in ("hi", "yes", "both"):
        await say(client, connector, "unfinished", text, user="someone-else")
    later = datetime.now(UTC) + timedelta(days=1)
    counts = await purge(db, transcripts_before=later, unfinished_before=later)
    assert counts.responses == 1
    assert await rows_in(db, "transcriptline") == 0
    assert await rows_in(db, "activitylog") == 0
    async with db.sessions() as session:
        statuses = (await session.exec(select(Response.status))).all()
        assert statuses == ["completed"]
        assert len((await session.exec(select(Answer))).all()) > 10
        assert (await session.exec(select(ConversationState))).all() == []


async def test_a_resident_who_completed_is_not_asked_again(
    client: Client, connector: Connector
) -> None:
    for text in FREE_TEXT_ANSWERS:
        await say(client, connector, "first-time", text)
    await say(client, connector, "second-time", "hello")
    assert "already taken part" in connector.texts("second-time")[0]
