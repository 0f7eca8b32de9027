"""Reading responses back for exports and the staff site."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from storage.database import Database
from storage.errors import RecordNotFound
from storage.models import Answer, Response, TranscriptLine
from storage.queries import (
    find_response_by_reference,
    get_response,
    has_completed,
    list_responses,
    transcript,
)

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def add_response(
    db: Database, *, answers: tuple[tuple[str, Any], ...] = (), **fields: Any
) -> Response:
    """Store a response (defaults for anything not given) with answers a minute apart."""
    values: dict[str, Any] = {
        "survey_id": "contact",
        "survey_version": 1,
        "conversation_id": "conv",
        "channel": "webchat",
        "started_at": MONDAY,
        **fields,
    }
    async with db.write() as session:
        response = Response(**values)
        session.add(response)
        await session.flush()
        assert response.id is not None
        for minute, (question_id, value) in enumerate(answers):
            session.add(
                Answer(
                    response_id=response.id,
                    question_id=question_id,
                    value=value,
                    raw=str(value),
                    answered_at=values["started_at"] + timedelta(minutes=minute),
                )
            )
    return response


async def test_responses_are_listed_oldest_first_with_answers_in_order(db: Database) -> None:
    later = await add_response(db, started_at=MONDAY + timedelta(days=1), answers=(("q1", 2),))
    earlier = await add_response(db, answers=(("q1", "yes"), ("q2", [1, 2]), ("q3", None)))

    found = await list_responses(db)

    assert [record.id for record in found] == [earlier.id, later.id]
    assert [(a.question_id, a.value) for a in found[0].answers] == [
        ("q1", "yes"),
        ("q2", [1, 2]),
        ("q3", None),
    ]
    assert [a.value for a in found[1].answers] == [2]


async def test_responses_can_be_listed_for_one_survey(db: Database) -> None:
    await add_response(db, survey_id="contact")
    other = await add_response(db, survey_id="priorities")

    assert [record.id for record in await list_responses(db, survey_id="priorities")] == [other.id]


async def test_responses_can_be_listed_by_status(db: Database) -> None:
    done = await add_response(db, status="completed")
    await add_response(db)

    assert [record.id for record in await list_responses(db, status="completed")] == [done.id]


async def test_responses_can_be_listed_by_when_they_started(db: Database) -> None:
    days = [await add_response(db, started_at=MONDAY + timedelta(days=n)) for n in range(4)]

    found = await list_responses(
        db, since=MONDAY + timedelta(days=1), until=MONDAY + timedelta(days=3)
    )

    assert [record.id for record in found] == [days[1].id, days[2].id]


async def test_responses_can_be_listed_a_page_at_a_time(db: Database) -> None:
    days = [
        await add_response(db, started_at=MONDAY + timedelta(days=n), answers=(("q1", n),))
        for n in range(5)
    ]

    page = await list_responses(db, limit=2, offset=2)

    assert [record.id for record in page] == [days[2].id, days[3].id]
    assert [record.answers[0].value for record in page] == [2, 3]


async def test_listing_responses_takes_two_queries_however_many_there_are(db: Database) -> None:
    for n in range(10):
        await add_response(db, answers=(("q1", n), ("q2", n)))
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    sa.event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    found = await list_responses(db)

    assert len(found) == 10
    assert [s.split()[0] for s in statements if not s.startswith(("BEGIN", "PRAGMA"))] == [
        "SELECT",
        "SELECT",
    ]


async def test_a_response_is_found_by_id_with_its_answers(db: Database) -> None:
    stored = await add_response(db, answers=(("q1", "yes"),), flags=["danger"])

    found = await get_response(db, response_id=stored.id or 0)

    assert (found.flags, [a.value for a in found.answers]) == (["danger"], ["yes"])


async def test_asking_for_an_unknown_response_raises_not_found(db: Database) -> None:
    with pytest.raises(RecordNotFound):
        await get_response(db, response_id=404)


async def test_a_transcript_includes_the_lines_before_the_response_began(db: Database) -> None:
    response = await add_response(db, conversation_id="conv")
    await add_response(db, conversation_id="another")
    async with db.write() as session:
        for minute, (response_id, conversation_id, text) in enumerate(
            [
                (None, "conv", "Will you take part?"),
                (response.id, "conv", "Yes"),
                (None, "another", "Not this one"),
                (response.id, "conv", "Thank you"),
            ]
        ):
            session.add(
                TranscriptLine(
                    conversation_id=conversation_id,
                    response_id=response_id,
                    sender="bot",
                    text=text,
                    channel="webchat",
                    at=MONDAY + timedelta(minutes=minute),
                )
            )

    lines = await transcript(db, response_id=response.id or 0)

    assert [line.text for line in lines] == ["Will you take part?", "Yes", "Thank you"]


async def test_a_resident_has_completed_a_survey_only_once_they_finish_it(db: Database) -> None:
    await add_response(db, resident="r1", survey_id="contact", status="in_progress")
    await add_response(db, resident="r2", survey_id="contact", status="completed")
    await add_response(db, resident="r1", survey_id="priorities", status="completed")

    assert await has_completed(db, resident="r2", survey_id="contact")
    assert not await has_completed(db, resident="r1", survey_id="contact")


async def test_a_response_is_found_by_its_reference(db: Database) -> None:
    stored = await add_response(db, reference="HX7Q2")

    found = await find_response_by_reference(db, reference="HX7Q2")

    assert found.id == stored.id


async def test_an_unknown_reference_raises_not_found(db: Database) -> None:
    with pytest.raises(RecordNotFound):
        await find_response_by_reference(db, reference="NOPE")
