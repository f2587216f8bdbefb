"""SQLite through the stdlib driver, on one dedicated thread so the event loop never blocks.

One connection, owned by a single worker thread; an asyncio lock keeps one
transaction at a time. WAL mode with ``synchronous=FULL`` means a commit that
returned survives a crash (even power loss), and a killed process never leaves
half a transaction behind.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from bot.storage.backend import Params, Row
from bot.storage.codec import utc
from bot.storage.errors import StorageError

T = TypeVar("T")

#: How long to wait for another process holding the write lock before failing.
BUSY_TIMEOUT_MS = 10_000
#: RETURNING and STRICT tables need this SQLite version.
MIN_SQLITE = (3, 37, 0)


def _param(value: Any) -> Any:
    """Timestamps go in as fixed-width ISO text so they sort and compare as strings."""
    if isinstance(value, datetime):
        return utc(value).isoformat(timespec="microseconds")
    return value


def _split_statements(script: str) -> list[str]:
    """Cut a migration script into statements; ``sqlite3.complete_statement`` knows
    about strings, comments and trigger bodies, so no hand-written parser is needed."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    rest = "\n".join(
        ln for ln in buffer.splitlines() if ln.strip() and not ln.strip().startswith("--")
    )
    if rest.strip():
        raise StorageError(f"migration script ends with an incomplete statement: {rest[:80]!r}")
    return statements


class _SqliteTx:
    """A transaction on the worker thread; each call hops to that thread."""

    dialect = "sqlite"

    def __init__(self, backend: SqliteBackend) -> None:
        self._backend = backend

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._backend._call(self._backend._fetch_sync, sql, params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self._backend._call(self._backend._execute_sync, sql, params)

    async def run_script(self, script: str) -> None:
        for statement in _split_statements(script):
            await self.execute(statement)

    async def lock_for_migration(self) -> None:
        """Nothing to do: ``BEGIN IMMEDIATE`` already holds the database write lock."""

    def for_update(self) -> str:
        return ""


class SqliteBackend:
    """A SQLite file (or memory database) served by one thread."""

    dialect = "sqlite"

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store")
        self._lock = asyncio.Lock()
        self._conn: sqlite3.Connection | None = None
        self._closed = False

    @classmethod
    async def open(cls, path: Path | None) -> SqliteBackend:
        """Create parent folders, connect and set the durability pragmas."""
        backend = cls(path)
        try:
            await backend._call(backend._connect_sync)
        except BaseException:
            backend._executor.shutdown(wait=False)
            raise
        return backend

    # -- worker-thread side -------------------------------------------------

    def _connect_sync(self) -> None:
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            raise StorageError(
                f"SQLite {sqlite3.sqlite_version} is too old; "
                f"{'.'.join(map(str, MIN_SQLITE))} or newer is needed"
            )
        if self._path is None:
            target = ":memory:"
        else:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            target = str(self._path)
        conn = sqlite3.connect(target, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if self._path is not None:
                mode = _switch_to_wal(conn)
                if str(mode).lower() != "wal":
                    raise StorageError(f"could not switch {self._path} to WAL mode (got {mode})")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            # Overwrite deleted content, so erased trainee data does not linger in free pages.
            conn.execute("PRAGMA secure_delete = ON")
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StorageError("the SQLite store is closed")
        return self._conn

    def _fetch_sync(self, sql: str, params: Params) -> list[Row]:
        cursor = self._connection().execute(sql, [_param(p) for p in params])
        try:
            return [tuple(r) for r in cursor.fetchall()]
        finally:
            cursor.close()

    def _execute_sync(self, sql: str, params: Params) -> int:
        cursor = self._connection().execute(sql, [_param(p) for p in params])
        try:
            cursor.fetchall()
            return cursor.rowcount
        finally:
            cursor.close()

    def _finish_sync(self, commit: bool) -> None:
        conn = self._connection()
        if not conn.in_transaction:
            return
        conn.execute("COMMIT" if commit else "ROLLBACK")

    def _checkpoint_sync(self) -> None:
        if self._path is not None:
            self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def _close_sync(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- event-loop side ----------------------------------------------------

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(fn, *args))

    async def transact(self, body: Callable[[_SqliteTx], Awaitable[T]], *, write: bool) -> T:
        """``BEGIN IMMEDIATE`` for writes takes the write lock up front, so a transaction
        never fails half-way on a lock upgrade."""
        if self._closed:
            raise StorageError("the SQLite store is closed")
        async with self._lock:
            try:
                await self._call(self._execute_sync, "BEGIN IMMEDIATE" if write else "BEGIN", ())
                result = await body(_SqliteTx(self))
            except BaseException:
                # Queued after any statement still running (the executor is FIFO), and
                # shielded so a cancelled task still leaves no transaction open.
                await asyncio.shield(self._call(self._finish_sync, False))
                raise
            # Shielded: once asked for, the commit happens even if the caller is cancelled.
            await asyncio.shield(self._call(self._finish_sync, True))
            return result

    async def after_erase(self) -> None:
        """Empty the WAL file, which may still hold copies of the erased pages."""
        async with self._lock:
            await self._call(self._checkpoint_sync)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        async with self._lock:
            await self._call(self._close_sync)
        self._executor.shutdown(wait=True)


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """Switch a database file to WAL, waiting out other processes that are doing the same.

    SQLite answers a journal-mode change that races another connection with
    "database is locked" at once, without waiting for ``busy_timeout``: four
    stores opening one new file together failed in 25 of 200 trials.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
