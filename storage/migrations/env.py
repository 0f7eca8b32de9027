"""Alembic's entry point for our migrations.

`storage.database.migrate_database` hands over a connection it already holds
(in `config.attributes["connection"]`), from inside the running event loop.
Run any other way (for example `alembic revision --autogenerate` with a
configuration from `storage.database.alembic_config(url)`), this opens the
database named by `sqlalchemy.url` itself.
"""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.database import open_database

target_metadata = SQLModel.metadata


def run_migrations(connection: sa.Connection) -> None:
    """Apply the migrations on a synchronous connection."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite can only change a table by copying it: let Alembic do that.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_on_own_connection(url: str) -> None:
    """Open the database at `url` and migrate it."""
    db = await open_database(url, migrate=False)
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await db.close()


def run_migrations_offline(url: str) -> None:
    """Write the migrations out as SQL instead of running them."""
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    """Migrate on the connection we were handed, or on one of our own."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url, for example with alembic_config(url)")
    if context.is_offline_mode():
        run_migrations_offline(url)
    else:
        asyncio.run(run_migrations_on_own_connection(url))


main()
