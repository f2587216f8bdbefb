"""The small surface both databases offer, so store logic and SQL are written once.

Store operations are plain async functions of a ``Tx``; a backend runs each in one
transaction (and may rerun it on a deadlock), so every operation is atomic.
SQL is written with ``?`` placeholders; the PostgreSQL backend translates them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

Row = tuple[Any, ...]
Params = Sequence[Any]


class Tx(Protocol):
    """One open transaction."""

    #: "sqlite" or "postgres", for the rare statement that must differ.
    dialect: str

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        """Run one statement and return its rows (use RETURNING for writes that report)."""
        ...

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        ...

    async def run_script(self, script: str) -> None:
        """Run several statements (a migration file) inside this transaction."""
        ...

    async def lock_for_migration(self) -> None:
        """Keep two processes from migrating at once (until this transaction ends)."""
        ...

    def for_update(self) -> str:
        """The row-lock suffix for SELECT (empty where the whole database is locked)."""
        ...


class Backend(Protocol):
    """A connection (or pool) to one database."""

    dialect: str

    async def transact(self, body: Callable[[Tx], Awaitable[T]], *, write: bool) -> T:
        """Run ``body`` in one transaction; commit if it returns, roll back if it raises."""
        ...

    async def after_erase(self) -> None:
        """Hook after personal data was deleted (SQLite truncates its WAL)."""
        ...

    async def close(self) -> None:
        """Release connections and threads; the backend is unusable afterwards."""
        ...
