"""A loaded scenario, resolved for the engine: defaults merged, conditions parsed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.scenario.conditions import Condition
from bot.scenario.format import Ending, Move, ScenarioFile, State, Text
from bot.scenario.yaml_source import PathKey, SourceMap


@dataclass(frozen=True)
class Reaction:
    """One way a state can answer a move (a resolved ``Transition``)."""

    move: str
    to: str
    condition: Condition | None
    effect: int | None
    lines: tuple[Text, ...]
    origin: PathKey = ()
    feedback: Text | None = None


@dataclass(frozen=True)
class AutoRule:
    """A rule checked after every turn (see ``ScenarioFile.rules``)."""

    condition: Condition
    to: str
    lines: tuple[Text, ...]
    origin: PathKey = ()


@dataclass
class Scenario:
    """Everything the engine needs, built once per file."""

    spec: ScenarioFile
    digest: str
    path: Path | None = None
    source: SourceMap | None = None
    reactions: dict[str, dict[str, list[Reaction]]] = field(default_factory=dict)
    rules: list[AutoRule] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def language(self) -> str:
        return self.spec.language

    @property
    def moves(self) -> dict[str, Move]:
        return self.spec.moves

    @property
    def states(self) -> dict[str, State]:
        return self.spec.states

    @property
    def endings(self) -> dict[str, Ending]:
        return self.spec.endings

    def is_ending(self, name: str) -> bool:
        return name in self.spec.endings

    def text(self, value: Text | None, language: str | None = None) -> str:
        """Pick ``value`` in ``language``, falling back to the base language."""
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        for code in (language, self.spec.language):
            if code and code in value:
                return value[code]
        return next(iter(value.values()), "")

    def languages(self) -> set[str]:
        """Languages with at least one translated text (the base always counts)."""
        found = {self.spec.language}
        for move in self.spec.moves.values():
            if isinstance(move.feedback, dict):
                found.update(move.feedback)
        return found
