"""Persistent storage for the bot, on SQLite or PostgreSQL chosen by ``DATABASE_URL``.

Usage::

    store = await open_store(os.environ["DATABASE_URL"])
    trainee = await store.get_or_create_trainee(user_id, "en")
    ...
    await store.close()

``open_store`` upgrades the schema before returning, so a bot restarted on a
newer release simply opens its old database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.storage.backend import Backend
from bot.storage.errors import (
    DatabaseUrlError,
    MigrationError,
    StorageError,
    UnknownSessionError,
    UnknownTraineeError,
)
from bot.storage.migrate import Migration, load_migrations, migrate
from bot.storage.models import (
    ActiveSession,
    RecordResult,
    SessionInfo,
    SessionStatus,
    StoredTurn,
    Trainee,
    TurnRow,
)
from bot.storage.store import DEFAULT_PROCESSED_RETENTION, Clock, Store
from bot.storage.url import PostgresTarget, parse_database_url, redact

__all__ = [
    "DEFAULT_PROCESSED_RETENTION",
    "ActiveSession",
    "DatabaseUrlError",
    "Migration",
    "MigrationError",
    "RecordResult",
    "SessionInfo",
    "SessionStatus",
    "StorageError",
    "Store",
    "StoredTurn",
    "Trainee",
    "TurnRow",
    "UnknownSessionError",
    "UnknownTraineeError",
    "load_migrations",
    "open_backend",
    "open_store",
    "redact",
]


async def open_backend(url: str, *, pool_size: int = 4) -> Backend:
    """Connect without migrating (for tools and tests); most code wants ``open_store``."""
    target = parse_database_url(url)
    if isinstance(target, PostgresTarget):
        from bot.storage.postgres_backend import PostgresBackend

        return await PostgresBackend.open(target.conninfo, pool_size)
    from bot.storage.sqlite_backend import SqliteBackend

    return await SqliteBackend.open(target.path)


async def open_store(
    url: str,
    *,
    clock: Clock | None = None,
    processed_retention: timedelta = DEFAULT_PROCESSED_RETENTION,
    pool_size: int = 4,
    migrations: Sequence[Migration] | None = None,
) -> Store:
    """Open the database named by ``url``, bring its schema up to date and return a Store.

    ``pool_size`` is the number of PostgreSQL connections (SQLite always uses one).
    ``migrations`` replaces the shipped migration files (tests use it to simulate
    older and newer releases).
    """
    backend = await open_backend(url, pool_size=pool_size)
    try:
        await migrate(
            backend, load_migrations(backend.dialect) if migrations is None else migrations
        )
    except BaseException:
        await backend.close()
        raise
    return Store(backend, clock=clock, processed_retention=processed_retention)
