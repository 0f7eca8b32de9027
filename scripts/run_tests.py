"""Run the test suite on SQLite, then again on PostgreSQL when asked to.

Usage: python scripts/run_tests.py [pytest arguments]

1. Always: the suite on SQLite (a fresh file per test).
2. Then, when CI is "true": the suite again on a fresh PostgreSQL database,
   created for this run on the server at TEST_POSTGRES_ADMIN_URL (default: the
   local server) and dropped afterwards, even when the tests fail. If that
   server cannot be reached the run fails: CI never skips PostgreSQL silently.
   Outside CI, when TEST_DATABASE_URL is set: the suite again on that database.

Exits non-zero if either run fails (pytest finding no tests counts as failing).
"""

# A command-line script: printing what it runs is its job.
# ruff: noqa: T201

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
CONNECT_TIMEOUT = 10.0


def main(pytest_args: list[str]) -> int:
    """Run the suite on each database in turn; the exit status for the shell."""
    failed = run_pytest("SQLite (a fresh file per test)", None, pytest_args)
    if os.environ.get("CI") == "true":
        failed |= run_on_fresh_postgres(pytest_args)
    elif os.environ.get("TEST_DATABASE_URL"):
        url = os.environ["TEST_DATABASE_URL"]
        failed |= run_pytest(f"PostgreSQL at {redact(url)}", url, pytest_args)
    print("\nAll test runs passed." if not failed else "\nA test run FAILED.", flush=True)
    return 1 if failed else 0


def run_pytest(label: str, database_url: str | None, pytest_args: list[str]) -> bool:
    """Run pytest against one database; True if it failed."""
    print(f"\n=== Tests on {label} ===", flush=True)
    env = dict(os.environ)
    env.pop("TEST_DATABASE_URL", None)
    if database_url is not None:
        env["TEST_DATABASE_URL"] = database_url
    status = subprocess.call([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT, env=env)
    if status == 5:
        print(f"pytest collected no tests on {label}: that counts as a failure.", flush=True)
    return status != 0


def run_on_fresh_postgres(pytest_args: list[str]) -> bool:
    """Create a database, run the suite on it, drop it; True if anything failed."""
    admin_url = plain_dsn(os.environ.get("TEST_POSTGRES_ADMIN_URL") or DEFAULT_ADMIN_URL)
    name = f"surveybot_test_{secrets.token_hex(6)}"
    print(f"\nCreating database {name} on PostgreSQL at {redact(admin_url)}", flush=True)
    try:
        asyncio.run(admin(admin_url, f'CREATE DATABASE "{name}"'))
    except Exception as error:  # whatever the reason, the run must fail loudly
        print(
            f"\nFAILED: cannot create a test database on PostgreSQL at {redact(admin_url)}: "
            f"{error}\nCI runs the suite on PostgreSQL too; start the server or set "
            "TEST_POSTGRES_ADMIN_URL.",
            file=sys.stderr,
            flush=True,
        )
        return True
    test_url = with_database(admin_url, name)
    try:
        return run_pytest(f"PostgreSQL, fresh database {name}", test_url, pytest_args)
    finally:
        try:
            asyncio.run(admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"Dropped database {name}.", flush=True)
        except Exception as error:  # report it, but keep the tests' own outcome
            print(f"Could not drop database {name}: {error}", file=sys.stderr, flush=True)


async def admin(dsn: str, statement: str) -> None:
    """Run one statement (outside a transaction, as CREATE DATABASE needs) on the server."""
    connection = await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def plain_dsn(url: str) -> str:
    """The URL without a driver suffix ("postgresql+asyncpg://" becomes "postgresql://")."""
    scheme, rest = url.split("://", 1)
    scheme = scheme.split("+", 1)[0]
    return f"{'postgresql' if scheme == 'postgres' else scheme}://{rest}"


def with_database(url: str, name: str) -> str:
    """The same server URL, naming another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def redact(url: str) -> str:
    """The URL with any password hidden, for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
