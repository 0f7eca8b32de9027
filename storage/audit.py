"""The audit log of the review site: who looked at or exported what, and when.

Entries are added and read, never changed or deleted: there is no function
here that could.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, func, select

from storage.database import Database
from storage.models import AuditEntry, utcnow
from storage.state import require_plain_json


@dataclass(frozen=True)
class AuditPage:
    """Some audit entries, newest first, and how many there are in all."""

    entries: list[AuditEntry]
    total: int


async def record(
    db: Database,
    *,
    staff_email: str,
    action: str,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add an entry; `detail` must be plain JSON."""
    detail = dict(detail or {})
    require_plain_json(detail, where=f"audit detail for {action}")
    entry = AuditEntry(staff_email=staff_email, action=action, detail=detail, at=at or utcnow())
    async with db.write() as session:
        session.add(entry)
    return entry


async def list_entries(
    db: Database,
    *,
    staff_email: str | None = None,
    action: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> AuditPage:
    """Entries newest first, optionally only one person's or one kind of action."""
    chosen = select(AuditEntry)
    if staff_email:
        chosen = chosen.where(AuditEntry.staff_email == staff_email)
    if action:
        chosen = chosen.where(AuditEntry.action == action)
    async with db.sessions() as session:
        total = (await session.exec(select(func.count()).select_from(chosen.subquery()))).one()
        entries = await session.exec(
            chosen.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
            .offset(offset)
            .limit(limit)
        )
        return AuditPage(entries=list(entries), total=total)
