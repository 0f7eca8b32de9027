"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from storage.database import Database, alembic_config, migrate_database


def differences(connection: sa.Connection) -> list[object]:
    """What Alembic would change to make the database match the models."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


def current_revision(connection: sa.Connection) -> str | None:
    """The revision the database is at."""
    return MigrationContext.configure(connection).get_current_revision()


async def test_the_migrated_schema_matches_the_models(db: Database) -> None:
    async with db.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_the_database_is_at_the_latest_revision(db: Database) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    async with db.engine.connect() as connection:
        assert await connection.run_sync(current_revision) == head


async def test_migrating_an_up_to_date_database_changes_nothing(db: Database) -> None:
    await migrate_database(db)

    async with db.engine.connect() as connection:
        assert await connection.run_sync(differences) == []
