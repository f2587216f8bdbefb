"""Errors the storage layer raises on purpose, so handlers can tell them from bugs."""

from __future__ import annotations

from bot.errors import BotError


class StorageError(BotError):
    """Base of storage errors."""


class UnknownTraineeError(StorageError):
    """Raised when an operation needs a trainee row that does not exist (or was deleted)."""


class UnknownSessionError(StorageError):
    """Raised when a session id does not exist (or its trainee's data was deleted)."""


class MigrationError(StorageError):
    """Raised when the database schema cannot be brought to the version this code expects."""


class DatabaseUrlError(StorageError):
    """Raised when DATABASE_URL is malformed or names an unsupported database."""
