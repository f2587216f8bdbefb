"""What the engine needs from a recogniser, so the engine never depends on how it works."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.engine.session import MoveGuess


@dataclass
class SkillNote:
    """How a message was said (MI behaviour codes), independent of the scenario."""

    behaviour: str
    behaviour_confidence: float
    skills: list[MoveGuess] = field(default_factory=list)
    #: Skill ids whose classifier is weak, so feedback hedges instead of asserting.
    tentative: frozenset[str] = frozenset()


@dataclass
class Recognition:
    """The moves found in one message (confident ones only, best first) and its skills."""

    moves: list[MoveGuess]
    skills: SkillNote | None = None


class Recognizer(Protocol):
    """Reads a trainee message in the context of the partner's previous line."""

    def recognize(self, text: str, previous: str | None = None) -> Recognition: ...

    def read_skills(self, text: str, previous: str | None = None) -> SkillNote | None:
        """How a fixed text was said (guided options already know their move)."""
        ...
