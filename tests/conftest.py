"""Shared pytest fixtures. Each section is self-contained; add yours as a new section."""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Storage fixtures (bot/storage, tests/test_storage.py)
#
#   postgres_server  session-scoped throwaway PostgreSQL (tests/postgres.py), or the
#                    server in TEST_DATABASE_URL; skips when PostgreSQL is not
#                    installed, but FAILS when CI=true so CI cannot skip silently.
#   postgres_url     a fresh, empty database on that server for one test.
#   database_url     parametrised: a SQLite file in tmp_path, then a fresh PostgreSQL
#                    database; any test using it runs once per backend.
#   store            an open bot.storage.Store on database_url, closed afterwards.
# ---------------------------------------------------------------------------
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.storage import Store, open_store
from tests.postgres import (
    PostgresServer,
    PostgresUnavailable,
    ci_requires_postgres,
    create_database,
    drop_database,
    start_server,
)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole run; started on first use only."""
    try:
        server = start_server()
    except PostgresUnavailable as exc:
        if ci_requires_postgres():
            pytest.fail(f"CI=true and PostgreSQL is required, but: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A new empty database per test, dropped afterwards, so tests never see each other."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = create_database(postgres_server.url, name)
    try:
        yield url
    finally:
        drop_database(postgres_server.url, name)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test against both backends (ids ``[sqlite]`` and ``[postgres]``)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """An open store with the current schema."""
    opened = await open_store(database_url)
    try:
        yield opened
    finally:
        await opened.close()


# --- end of storage fixtures ------------------------------------------------
