"""A practice session as a plain record: cheap to keep thousands, exact to save and restore.

The compiled state machine is shared per scenario; a session only holds the
data that differs between trainees, so it round-trips through JSON unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class MoveGuess:
    """A move the recogniser found, with its confidence in 0..1."""

    id: str
    confidence: float


@dataclass
class TurnRecord:
    """What happened in one turn, kept for the summary and the transcript."""

    text: str
    moves: list[MoveGuess]
    main_move: str | None
    state_before: str
    state_after: str
    meter_before: int
    meter_after: int
    reply: str
    feedback: str
    guided: bool = False
    behaviour: str | None = None
    skills: list[MoveGuess] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TurnRecord:
        moves = [MoveGuess(**m) for m in data.get("moves", [])]
        skills = [MoveGuess(**m) for m in data.get("skills", [])]
        return cls(**{**data, "moves": moves, "skills": skills})


@dataclass
class Session:
    """Where one trainee is in one scenario."""

    scenario_id: str
    state: str
    meter: int
    seed: int = 0
    language: str = "en"
    opening: str = ""
    turns: list[TurnRecord] = field(default_factory=list)
    #: For each pool of lines, the indices already said, so lines vary.
    used_lines: dict[str, list[int]] = field(default_factory=dict)
    last_line: str = ""
    ended: bool = False

    @property
    def turn(self) -> int:
        """How many trainee messages have been answered."""
        return len(self.turns)

    @property
    def meter_curve(self) -> list[int]:
        """The meter at the start and after each turn, for the summary plot."""
        if not self.turns:
            return [self.meter]
        return [self.turns[0].meter_before, *(t.meter_after for t in self.turns)]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        turns = [TurnRecord.from_dict(t) for t in data.get("turns", [])]
        used = {k: list(v) for k, v in data.get("used_lines", {}).items()}
        return cls(**{**data, "turns": turns, "used_lines": used})
