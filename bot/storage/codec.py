"""Value conversions shared by both backends, so SQLite and PostgreSQL store the same bytes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def dump_json(value: Any) -> str:
    """Compact JSON that keeps key order and non-ASCII text readable.

    NaN/Infinity are refused because they are not JSON and PostgreSQL rejects them;
    refusing on both backends keeps behaviour identical.
    """
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def load_json(text: str) -> Any:
    """Inverse of ``dump_json``."""
    return json.loads(text)


def dump_object(value: Mapping[str, Any], what: str) -> str:
    """JSON for a value that must be an object (snapshots, settings)."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{what} must be a mapping, got {type(value).__name__}")
    return dump_json(dict(value))


def load_object(text: str) -> dict[str, Any]:
    """Load a JSON object column."""
    value = load_json(text)
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object in the database, got {type(value).__name__}")
    return value


def check_text(value: str, what: str) -> str:
    """Refuse NUL characters, which PostgreSQL text cannot hold, on every backend alike."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str, got {type(value).__name__}")
    if "\x00" in value:
        raise ValueError(f"{what} contains a NUL character, which cannot be stored")
    return value


def check_int(value: int, what: str) -> int:
    """Ids are plain ints (not bools) so both databases index them the same way."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be int, got {type(value).__name__}")
    return value


def utc(value: datetime) -> datetime:
    """Normalise to aware UTC; naive datetimes are assumed to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def as_datetime(value: datetime | str) -> datetime:
    """Read a timestamp column: SQLite gives ISO text, PostgreSQL gives a datetime."""
    if isinstance(value, str):
        return utc(datetime.fromisoformat(value))
    return utc(value)
