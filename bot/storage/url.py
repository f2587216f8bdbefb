"""Parse DATABASE_URL into a backend choice, without ever echoing a password back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from bot.storage.errors import DatabaseUrlError


@dataclass(frozen=True)
class SqliteTarget:
    """A SQLite file (``None`` means an in-memory database, for quick experiments)."""

    path: Path | None


@dataclass(frozen=True)
class PostgresTarget:
    """A PostgreSQL server; ``conninfo`` is a URL psycopg accepts."""

    conninfo: str


def redact(url: str) -> str:
    """The URL with any password replaced, safe for logs and error messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable url>"
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username or ''}:***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def parse_database_url(url: str) -> SqliteTarget | PostgresTarget:
    """Accept ``sqlite:///relative.db``, ``sqlite:////absolute.db``, ``sqlite:///:memory:``,
    and ``postgresql://`` / ``postgres://`` (optionally ``postgresql+psycopg://``) URLs."""
    if not isinstance(url, str) or "://" not in url:
        raise DatabaseUrlError(
            f"DATABASE_URL must look like scheme://..., got {redact(str(url))!r}"
        )
    scheme, rest = url.split("://", 1)
    base = scheme.lower().split("+", 1)[0]
    if base == "sqlite":
        if not rest.startswith("/"):
            raise DatabaseUrlError(
                "a SQLite URL needs three slashes: sqlite:///relative/path.db or "
                f"sqlite:////absolute/path.db, got {url!r}"
            )
        path = unquote(rest[1:].split("?", 1)[0])
        if not path:
            raise DatabaseUrlError(f"the SQLite URL names no file: {url!r}")
        if path == ":memory:":
            return SqliteTarget(None)
        return SqliteTarget(Path(path))
    if base in {"postgresql", "postgres"}:
        return PostgresTarget("postgresql://" + rest)
    raise DatabaseUrlError(
        f"unsupported database {scheme!r} in DATABASE_URL {redact(url)!r}; "
        "use sqlite:///file.db or postgresql://user:pass@host:port/db"
    )
