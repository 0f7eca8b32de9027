"""Conversation state with e-tags: botbuilder's `Storage` interface, without botbuilder.

Each stored item is a JSON object. Reading adds its e-tag under `"e_tag"`;
writing with that e-tag succeeds only if nobody wrote in between, and every
write makes a new e-tag. So two instances serving one conversation cannot
silently overwrite each other's turn.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database, insert_with_conflicts
from storage.errors import EtagConflict
from storage.models import ConversationState, utcnow

ETAG_KEY: Final = "e_tag"
# The e-tag that matches anything: write whatever is stored.
ANY_ETAG: Final = "*"


class StateStore:
    """Read, write and delete conversation state, checking e-tags."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def read(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The stored items among `keys`, each with its `"e_tag"`; missing keys are left out."""
        if not keys:
            return {}
        async with self._db.sessions() as session:
            rows = await session.exec(
                select(ConversationState).where(col(ConversationState.key).in_(list(keys)))
            )
            return {row.key: {**row.data, ETAG_KEY: row.etag} for row in rows}

    async def write(self, changes: Mapping[str, Mapping[str, Any]]) -> None:
        """Store every change, or none of them.

        A change without `"e_tag"`, or with `"*"`, overwrites whatever is there.
        With any other e-tag it must match the stored one, else `EtagConflict`
        (also when the item has been deleted since it was read).
        """
        if not changes:
            return
        async with self._db.write() as session:
            for key, change in changes.items():
                data = {name: value for name, value in change.items() if name != ETAG_KEY}
                expected = change.get(ETAG_KEY) or ANY_ETAG
                await save_state(session, key=key, data=data, expected_etag=expected)

    async def delete(self, keys: Sequence[str]) -> None:
        """Delete the items at `keys`; missing ones are ignored."""
        if not keys:
            return
        async with self._db.write() as session:
            await session.exec(
                sa.delete(ConversationState).where(col(ConversationState.key).in_(list(keys)))
            )


async def save_state(
    session: AsyncSession, *, key: str, data: dict[str, Any] | None, expected_etag: str | None
) -> str | None:
    """Write (or, when `data` is None, delete) one state in the caller's transaction.

    `expected_etag` is `"*"` for "whatever is stored, if anything", None for
    "nothing may be stored yet", or the e-tag the stored state must have.
    Returns the new e-tag, or None after a delete. Raises `EtagConflict`.
    """
    if data is None:
        await _delete_state(session, key=key, expected_etag=expected_etag)
        return None
    require_plain_json(data)
    etag = uuid.uuid4().hex
    values = {"key": key, "etag": etag, "data": data, "updated_at": utcnow()}
    table = ConversationState.__table__  # type: ignore[attr-defined]
    statement: sa.Insert | sa.Update
    if expected_etag is None or expected_etag == ANY_ETAG:
        insert = insert_with_conflicts(session, table).values(values)
        if expected_etag is None:
            statement = insert.on_conflict_do_nothing(index_elements=["key"])
        else:
            excluded = insert.excluded
            statement = insert.on_conflict_do_update(
                index_elements=["key"],
                set_={
                    "etag": excluded.etag,
                    "data": excluded.data,
                    "updated_at": excluded.updated_at,
                },
            )
    else:
        statement = (
            sa.update(table)
            .where(table.c.key == key, table.c.etag == expected_etag)
            .values(etag=etag, data=data, updated_at=values["updated_at"])
        )
    written = await session.exec(statement.returning(table.c.key))
    if written.first() is None:
        raise EtagConflict(key)
    return etag


async def _delete_state(session: AsyncSession, *, key: str, expected_etag: str | None) -> None:
    """Delete one state, checking its e-tag as `save_state` does."""
    table = ConversationState.__table__  # type: ignore[attr-defined]
    if expected_etag == ANY_ETAG:
        await session.exec(sa.delete(ConversationState).where(col(ConversationState.key) == key))
        return
    if expected_etag is None:
        stored = await session.get(ConversationState, key)
        if stored is not None:
            raise EtagConflict(key)
        return
    deleted = await session.exec(
        sa.delete(table).where(table.c.key == key, table.c.etag == expected_etag)
    )
    if deleted.rowcount != 1:
        raise EtagConflict(key)


def require_plain_json(value: Any, *, where: str = "state") -> None:
    """Refuse anything but plain JSON (dict with str keys, list, str, int, float, bool, None)."""
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"{where}: {value!r} is not a JSON number")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            require_plain_json(item, where=f"{where}[{index}]")
        return
    if isinstance(value, dict):
        for name, item in value.items():
            if not isinstance(name, str):
                raise TypeError(f"{where}: key {name!r} is not a string")
            require_plain_json(item, where=f"{where}.{name}")
        return
    raise TypeError(f"{where}: {type(value).__name__} is not plain JSON")
