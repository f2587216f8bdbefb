"""Ordered, checksummed schema migrations, so any older database upgrades on open.

Files live in ``migrations/<dialect>/NNNN_name.sql``. Each pending file runs in its
own transaction together with its ``schema_version`` row, so a failure leaves the
database at the previous version and a restart simply tries again. Applied files
are checksummed: editing a released migration is reported instead of ignored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from bot.storage.backend import Backend, Tx
from bot.storage.errors import MigrationError

_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

#: Created by the runner itself, so it exists before any migration is read.
_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    checksum    TEXT NOT NULL,
    applied_at  TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Migration:
    """One SQL file: ``version`` counts from 1 without gaps."""

    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """SHA-256 of the text with normalised line endings (a CRLF checkout is not an edit)."""
        text = self.sql.replace("\r\n", "\n")
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_migrations_dir(dialect: str) -> Traversable:
    """The migrations shipped with this package for ``dialect``."""
    return resources.files("bot.storage") / "migrations" / dialect


def load_migrations(dialect: str, directory: Traversable | Path | None = None) -> list[Migration]:
    """Read and order the migration files, refusing gaps, duplicates and stray names."""
    folder = directory if directory is not None else default_migrations_dir(dialect)
    found: dict[int, Migration] = {}
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _FILE_NAME.match(entry.name)
        if match is None:
            raise MigrationError(f"migration file {entry.name!r} is not named NNNN_name.sql")
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"two migration files have version {version:04d}")
        found[version] = Migration(version, match.group(2), entry.read_text(encoding="utf-8"))
    versions = sorted(found)
    if versions != list(range(1, len(versions) + 1)):
        raise MigrationError(f"migration versions must be 1..N without gaps, got {versions}")
    if not versions:
        raise MigrationError(f"no migrations found for {dialect}")
    return [found[v] for v in versions]


async def _applied(tx: Tx) -> dict[int, str]:
    await tx.execute(_VERSION_TABLE)
    rows = await tx.fetch("SELECT version, checksum FROM schema_version ORDER BY version")
    return {int(v): str(c) for v, c in rows}


def _check_history(applied: dict[int, str], known: dict[int, Migration]) -> None:
    """Refuse a database newer than this code, or one whose history was rewritten."""
    for version, checksum in applied.items():
        migration = known.get(version)
        if migration is None:
            raise MigrationError(
                f"the database has schema version {version}, newer than this code knows "
                f"(latest {max(known, default=0)}); upgrade the bot"
            )
        if migration.checksum != checksum:
            raise MigrationError(
                f"migration {version:04d}_{migration.name}.sql was edited after it was "
                "applied; add a new migration instead"
            )


async def migrate(
    backend: Backend,
    migrations: Sequence[Migration],
    *,
    target: int | None = None,
) -> int:
    """Apply every pending migration up to ``target`` (default: all); return the version.

    Safe to call on every start and from several processes at once: each step
    re-reads the version under a lock before applying anything.
    """
    known = {m.version: m for m in migrations}
    goal = len(migrations) if target is None else target
    if not 0 <= goal <= len(migrations):
        raise MigrationError(f"cannot migrate to version {goal}; known: 1..{len(migrations)}")

    async def step(tx: Tx) -> int | None:
        """Apply the next migration; None when nothing is pending."""
        await tx.lock_for_migration()
        applied = await _applied(tx)
        _check_history(applied, known)
        current = max(applied, default=0)
        if current >= goal:
            return None
        migration = known[current + 1]
        try:
            await tx.run_script(migration.sql)
        except Exception as exc:
            raise MigrationError(
                f"migration {migration.version:04d}_{migration.name}.sql failed: {exc}"
            ) from exc
        await tx.execute(
            "INSERT INTO schema_version (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
            (
                migration.version,
                migration.name,
                migration.checksum,
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )
        return migration.version

    while (await backend.transact(step, write=True)) is not None:
        pass
    return await current_version(backend)


async def current_version(backend: Backend) -> int:
    """The schema version recorded in the database (0 for an empty one)."""

    async def read(tx: Tx) -> int:
        rows = await tx.fetch("SELECT COALESCE(MAX(version), 0) FROM schema_version")
        return int(rows[0][0])

    return await backend.transact(read, write=False)
