"""Every error a user can act on lives here, so callers catch one small hierarchy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding in a scenario file, located so an editor can jump to it."""

    file: str
    line: int
    column: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"


class BotError(Exception):
    """Base of everything this package raises on purpose."""


class ScenarioError(BotError):
    """Raised when a scenario file cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownScenarioError(BotError):
    """Raised when a session or command names a scenario that is not loaded."""


class SettingsError(BotError):
    """Raised when a setting is missing or malformed; the message names the variable."""


class ModelIntegrityError(BotError):
    """Raised when a model file does not match its pinned checksum."""
