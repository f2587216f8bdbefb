"""Shared loaders for the test scenarios (real files, real recogniser)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.engine.practice import Practice
from bot.engine.recognition import Recognition, SkillNote
from bot.engine.session import MoveGuess
from bot.recognition.recognizer import ScenarioRecognizer
from bot.scenario.loader import parse_scenario

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "valid" / "mini.yaml"
FLAGSHIP = ROOT / "dialogues" / "hesitant_partner.yaml"


@cache
def mini_practice() -> Practice:
    """The tiny fixture scenario with the lexical recogniser (fast, deterministic)."""
    scenario = parse_scenario(MINI)
    return Practice(scenario, ScenarioRecognizer(scenario, with_skills=False))


@cache
def flagship_practice() -> Practice:
    """The flagship scenario with the full recogniser the bot uses."""
    from bot.library import default_recognizer

    scenario = parse_scenario(FLAGSHIP)
    return Practice(scenario, default_recognizer(scenario))

#: A message the mini scenario reads as a reflection of Sam's worry.
REFLECT = "it sounds like you're worried about being blamed"
#: A message the mini scenario reads as an invitation to one joint session.
INVITE = "would you come to one joint session and then decide"


class FixedReading:
    """Reads every message the same way, so a test checks the engine's rules
    for one reading rather than what the model makes of a sentence."""

    def __init__(self, moves: list[MoveGuess], skills: SkillNote | None = None) -> None:
        self.moves = moves
        self.skills = skills

    def recognize(self, text: str, previous: str | None = None,
                  earlier: tuple[str, ...] = ()) -> Recognition:
        return Recognition(list(self.moves), self.skills)

    def read_skills(self, text: str, previous: str | None = None) -> SkillNote | None:
        return self.skills
