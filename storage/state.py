"""Conversation state with e-tags: botbuilder's `Storage` interface, without botbuilder.

Each stored item is a JSON object. Reading adds its e-tag under `"e_tag"`;
writing with that e-tag succeeds only if nobody wrote in between, and every
write makes a new e-tag. So two instances serving one conversation cannot
silently overwrite each other's turn.
"""

from __future__ import annotations

import functools
import math
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Final

import sqlalchemy as sa

from storage.database import Database, dialect_of, insert_with_conflicts
from storage.errors import EtagConflict
from storage.models import ConversationState, utcnow

ETAG_KEY: Final = "e_tag"
# The e-tag that matches anything: write whatever is stored.
ANY_ETAG: Final = "*"


_TABLE: Final[sa.Table] = ConversationState.__table__  # type: ignore[attr-defined]
# Built once: states are read and written on every turn.
_READ: Final = sa.select(_TABLE.c.key, _TABLE.c.etag, _TABLE.c.data).where(
    _TABLE.c.key.in_(sa.bindparam("keys", expanding=True))
)
_READ_ONE: Final = sa.select(_TABLE.c.etag, _TABLE.c.data).where(
    _TABLE.c.key == sa.bindparam("state_key")
)
# The SET clause comes from the parameters: etag, data, updated_at.
_UPDATE: Final = (
    sa.update(_TABLE)
    .where(_TABLE.c.key == sa.bindparam("state_key"), _TABLE.c.etag == sa.bindparam("expected"))
    .returning(_TABLE.c.key)
)


@functools.cache
def _insert(dialect: str, *, overwrite: bool) -> sa.Insert:
    """INSERT a state; if one is stored, overwrite it or leave it (and return no row)."""
    insert = insert_with_conflicts(dialect, _TABLE)
    if not overwrite:
        return insert.on_conflict_do_nothing(index_elements=["key"]).returning(_TABLE.c.key)
    excluded = insert.excluded
    return insert.on_conflict_do_update(
        index_elements=["key"],
        set_={"etag": excluded.etag, "data": excluded.data, "updated_at": excluded.updated_at},
    ).returning(_TABLE.c.key)


class StateStore:
    """Read, write and delete conversation state, checking e-tags."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def read(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The stored items among `keys`, each with its `"e_tag"`; missing keys are left out."""
        if not keys:
            return {}
        wanted = list(keys)
        return await self._db.run_read(lambda connection: read_states(connection, wanted))

    async def write(self, changes: Mapping[str, Mapping[str, Any]]) -> None:
        """Store every change, or none of them.

        A change without `"e_tag"`, or with `"*"`, overwrites whatever is there.
        With any other e-tag it must match the stored one, else `EtagConflict`
        (also when the item has been deleted since it was read).
        """
        if not changes:
            return
        items = [
            (key, {name: value for name, value in change.items() if name != ETAG_KEY}, change)
            for key, change in changes.items()
        ]

        def work(connection: sa.Connection) -> None:
            for key, data, change in items:
                expected = change.get(ETAG_KEY) or ANY_ETAG
                save_state(connection, key=key, data=data, expected_etag=expected)

        await self._db.run_write(work)

    async def delete(self, keys: Sequence[str]) -> None:
        """Delete the items at `keys`; missing ones are ignored."""
        if not keys:
            return
        statement = sa.delete(_TABLE).where(_TABLE.c.key.in_(list(keys)))
        await self._db.run_write(lambda connection: connection.execute(statement))


def read_states(connection: sa.Connection, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The stored states among `keys`, each with its `"e_tag"`, in the caller's transaction."""
    rows = connection.execute(_READ, {"keys": keys})
    return {key: {**data, ETAG_KEY: etag} for key, etag, data in rows}


def read_state(connection: sa.Connection, key: str) -> dict[str, Any] | None:
    """The state stored at `key`, with its `"e_tag"`, in the caller's transaction."""
    found = connection.execute(_READ_ONE, {"state_key": key}).first()
    if found is None:
        return None
    etag, data = found
    return {**data, ETAG_KEY: etag}


def save_state(
    connection: sa.Connection, *, key: str, data: dict[str, Any] | None, expected_etag: str | None
) -> str | None:
    """Write (or, when `data` is None, delete) one state in the caller's transaction.

    `expected_etag` is `"*"` for "whatever is stored, if anything", None for
    "nothing may be stored yet", or the e-tag the stored state must have.
    Returns the new e-tag, or None after a delete. Raises `EtagConflict`.
    """
    if data is None:
        _delete_state(connection, key=key, expected_etag=expected_etag)
        return None
    require_plain_json(data)
    etag = uuid.uuid4().hex
    values = {"etag": etag, "data": data, "updated_at": utcnow()}
    if expected_etag is None or expected_etag == ANY_ETAG:
        statement = _insert(dialect_of(connection), overwrite=expected_etag == ANY_ETAG)
        written = connection.execute(statement, {"key": key, **values})
    else:
        written = connection.execute(
            _UPDATE, {"state_key": key, "expected": expected_etag, **values}
        )
    if written.first() is None:
        raise EtagConflict(key)
    return etag


def _delete_state(connection: sa.Connection, *, key: str, expected_etag: str | None) -> None:
    """Delete one state, checking its e-tag as `save_state` does."""
    if expected_etag == ANY_ETAG:
        connection.execute(sa.delete(_TABLE).where(_TABLE.c.key == key))
        return
    if expected_etag is None:
        stored = connection.execute(sa.select(_TABLE.c.key).where(_TABLE.c.key == key)).first()
        if stored is not None:
            raise EtagConflict(key)
        return
    deleted = connection.execute(
        sa.delete(_TABLE).where(_TABLE.c.key == key, _TABLE.c.etag == expected_etag)
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
