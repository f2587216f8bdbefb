"""PostgreSQL through psycopg 3's async driver, with a tiny built-in connection pool.

A handful of connections is plenty for a bot; writing the pool here (about 40
lines) avoids another dependency. Broken connections are dropped and replaced
on the next use. Deadlocks and serialisation failures rerun the operation, which
is safe because every store operation is one self-contained transaction.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import TypeVar

import psycopg
from psycopg import errors
from psycopg.pq import TransactionStatus
from psycopg.types.string import TextLoader

from bot.storage.backend import Params, Row
from bot.storage.errors import StorageError

T = TypeVar("T")

#: Any constant works; it only has to be the same in every process of this app.
MIGRATION_LOCK_KEY = 0x7072_6163_7469_6365  # "practice"
#: Attempts for an operation that lost a deadlock or serialisation race.
MAX_ATTEMPTS = 4
_RETRYABLE = (errors.DeadlockDetected, errors.SerializationFailure)


@lru_cache(maxsize=256)
def _pg_sql(sql: str) -> str:
    """Store SQL uses ``?`` placeholders (SQLite style) and no literal ``%``."""
    return sql.replace("%", "%%").replace("?", "%s")


class _PgTx:
    """A transaction on one pooled connection."""

    dialect = "postgres"

    def __init__(self, conn: psycopg.AsyncConnection[Row]) -> None:
        self._conn = conn

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        cursor = await self._conn.execute(_pg_sql(sql), list(params))
        if cursor.description is None:
            return []
        return await cursor.fetchall()

    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self._conn.execute(_pg_sql(sql), list(params))
        return cursor.rowcount

    async def run_script(self, script: str) -> None:
        # Without parameters psycopg sends the whole file as one simple query.
        await self._conn.execute(script.encode())

    async def lock_for_migration(self) -> None:
        await self._conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK_KEY])

    def for_update(self) -> str:
        return " FOR UPDATE"


class PostgresBackend:
    """A small pool of autocommit connections; transactions are opened explicitly."""

    dialect = "postgres"

    def __init__(self, conninfo: str, pool_size: int) -> None:
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        self._conninfo = conninfo
        self._slots = asyncio.Semaphore(pool_size)
        self._idle: list[psycopg.AsyncConnection[Row]] = []
        self._closed = False

    @classmethod
    async def open(cls, conninfo: str, pool_size: int = 4) -> PostgresBackend:
        """Connect once up front so a wrong URL or password fails at startup."""
        backend = cls(conninfo, pool_size)
        backend._idle.append(await backend._connect())
        return backend

    async def _connect(self) -> psycopg.AsyncConnection[Row]:
        conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
        # JSON columns come back as text and are decoded by the store, exactly as on SQLite.
        conn.adapters.register_loader("json", TextLoader)
        conn.adapters.register_loader("jsonb", TextLoader)
        await conn.execute("SET TIME ZONE 'UTC'")
        return conn

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[psycopg.AsyncConnection[Row]]:
        if self._closed:
            raise StorageError("the PostgreSQL store is closed")
        async with self._slots:
            conn = self._idle.pop() if self._idle else await self._connect()
            try:
                yield conn
            finally:
                healthy = (
                    not conn.closed
                    and not conn.broken
                    and conn.info.transaction_status == TransactionStatus.IDLE
                )
                if healthy and not self._closed:
                    self._idle.append(conn)
                else:
                    await conn.close()

    async def transact(self, body: Callable[[_PgTx], Awaitable[T]], *, write: bool) -> T:
        """Run ``body`` in a transaction, rerun if PostgreSQL chose it as a deadlock victim."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                async with self._connection() as conn, conn.transaction():
                    return await body(_PgTx(conn))
            except _RETRYABLE:
                if attempt == MAX_ATTEMPTS:
                    raise
                await asyncio.sleep(random.uniform(0.005, 0.05) * attempt)
        raise AssertionError("unreachable")

    async def after_erase(self) -> None:
        """Nothing: deleted rows become invisible at once and autovacuum reclaims them."""

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()
