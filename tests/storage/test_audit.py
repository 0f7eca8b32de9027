"""The audit log: entries are added and read back newest first, filtered and paged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import audit
from storage.database import Database

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def test_entries_come_back_newest_first_with_their_details(db: Database) -> None:
    await audit.record(db, staff_email="ann@example.org", action="login", at=NOON)
    await audit.record(
        db,
        staff_email="ann@example.org",
        action="export",
        detail={"format": "csv", "filters": {"district": "watford"}},
        at=NOON + timedelta(minutes=5),
    )

    page = await audit.list_entries(db)

    assert page.total == 2
    assert [(e.action, e.detail, e.at) for e in page.entries] == [
        (
            "export",
            {"format": "csv", "filters": {"district": "watford"}},
            NOON + timedelta(minutes=5),
        ),
        ("login", {}, NOON),
    ]


async def test_entries_can_be_filtered_by_person_and_action_and_paged(db: Database) -> None:
    for minute in range(5):
        await audit.record(
            db, staff_email="ann@example.org", action="view_response", detail={"response": minute}
        )
    await audit.record(db, staff_email="bob@example.org", action="view_response")
    await audit.record(db, staff_email="ann@example.org", action="login")

    page = await audit.list_entries(
        db, staff_email="ann@example.org", action="view_response", limit=2, offset=1
    )

    assert page.total == 5
    assert len(page.entries) == 2


async def test_details_must_be_plain_json(db: Database) -> None:
    with pytest.raises(TypeError):
        await audit.record(db, staff_email="ann@example.org", action="x", detail={"at": NOON})


def test_the_module_offers_no_way_to_change_or_delete_entries() -> None:
    public = {name for name in vars(audit) if not name.startswith("_")}

    assert not {n for n in public if any(w in n for w in ("update", "delete", "edit", "erase"))}
