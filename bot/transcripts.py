"""Test transcripts: an educator writes a conversation and what should happen, the tool checks it.

A transcript file (``dialogues/tests/*.yaml``) names a scenario and lists
conversations; each turn says what the trainee types (or which guided option
they tap) and, optionally, which moves must be recognised, which state Sam
must be in afterwards, and how the conversation must end. Failures point at
``file:line:col`` like every other scenario error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.engine.practice import Practice
from bot.engine.session import Session
from bot.errors import Problem, ScenarioError
from bot.scenario.loader import did_you_mean, format_problems
from bot.scenario.yaml_source import SourceMap, load_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Turn(_Strict):
    """One trainee message and what must follow from it."""

    say: str | None = None
    option: int | None = Field(None, ge=1, description="Tap guided option N (1-based).")
    moves: list[str] = Field(default_factory=list, description="Moves that must be recognised.")
    main: str | None = Field(None, description="The move that must drive the transition.")
    state: str | None = Field(None, description="Where the partner must be afterwards.")

    @model_validator(mode="after")
    def _one_input(self) -> Turn:
        if (self.say is None) == (self.option is None):
            raise ValueError("each turn needs either 'say' or 'option'")
        return self


class Transcript(_Strict):
    name: str
    seed: int = 0
    turns: list[Turn] = Field(min_length=1)
    ending: str | None = Field(None, description="How the conversation must end.")


class TranscriptFile(_Strict):
    scenario: str
    transcripts: list[Transcript] = Field(min_length=1)


@dataclass
class TranscriptReport:
    """Outcome of running one file: how many passed, and every failure located."""

    passed: int
    failed: int
    problems: list[Problem]


def _check_turn(
    practice: Practice, session: Session, turn: Turn, path: tuple[str | int, ...],
    source: SourceMap,
) -> list[Problem]:
    if session.ended:
        return [source.problem(path, "fail: the conversation had already ended")]
    option = turn.option - 1 if turn.option is not None else None
    if option is not None and option >= len(practice.options(session)):
        return [source.problem((*path, "option"), f"fail: there is no option {turn.option} here")]
    result = practice.turn(session, turn.say or "", option=option)
    found = [m.id for m in result.moves]
    problems = []
    heard = f"(read as {found or 'nothing'}; Sam said: {result.reply!r})"
    missing = [m for m in turn.moves if m not in found]
    if missing:
        problems.append(source.problem((*path, "moves"), f"fail: {missing} not recognised {heard}"))
    if turn.main is not None and result.main_move != turn.main:
        problems.append(source.problem(
            (*path, "main"), f"fail: main move was {result.main_move!r}, not {turn.main!r} {heard}"
        ))
    if turn.state is not None and result.state_after != turn.state:
        problems.append(source.problem(
            (*path, "state"), f"fail: Sam is in {result.state_after!r}, not {turn.state!r} {heard}"
        ))
    return problems


def _unknown_names(
    transcript: Transcript, index: int, practice: Practice, source: SourceMap
) -> list[Problem]:
    """Misspelt moves, states and endings, named like ``validate`` names them.

    Without this a typo reads as a failed expectation ("Sam is in 'guarded',
    not 'gaurded'"), which sends an educator looking for a bug in the scenario.
    """
    scenario = practice.scenario
    places = [*scenario.states, *scenario.endings]
    problems = []

    def check(name: str | None, known: list[str], kind: str, where: tuple[str | int, ...]) -> None:
        if name is not None and name not in known:
            problems.append(source.problem(
                where, f"unknown {kind} '{name}'{did_you_mean(name, known)}"))

    for j, turn in enumerate(transcript.turns):
        at = ("transcripts", index, "turns", j)
        for k, move in enumerate(turn.moves):
            check(move, list(scenario.moves), "move", (*at, "moves", k))
        check(turn.main, list(scenario.moves), "move", (*at, "main"))
        check(turn.state, places, "state or ending", (*at, "state"))
    check(transcript.ending, list(scenario.endings), "ending", ("transcripts", index, "ending"))
    return problems


def run_transcript_file(path: Path, practices: dict[str, Practice]) -> TranscriptReport:
    """Run every transcript in ``path`` against the loaded scenarios."""
    data, source = load_yaml(path)
    try:
        spec = TranscriptFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_problems(exc, data, source)) from exc
    practice = practices.get(spec.scenario)
    if practice is None:
        problem = source.problem(("scenario",), f"unknown scenario '{spec.scenario}'")
        return TranscriptReport(0, len(spec.transcripts), [problem])
    passed = failed = 0
    problems: list[Problem] = []
    for i, transcript in enumerate(spec.transcripts):
        unknown = _unknown_names(transcript, i, practice, source)
        if unknown:
            failed += 1
            problems += unknown
            continue
        session = practice.start(seed=transcript.seed)
        found: list[Problem] = []
        for j, turn in enumerate(transcript.turns):
            found += _check_turn(practice, session, turn, ("transcripts", i, "turns", j), source)
        if transcript.ending is not None and session.state != transcript.ending:
            where = session.state if session.ended else f"no ending (Sam is in {session.state!r})"
            found.append(source.problem(
                ("transcripts", i, "ending"), f"fail: ended in {where}, not {transcript.ending!r}"
            ))
        if found:
            failed += 1
            problems += found
        else:
            passed += 1
    return TranscriptReport(passed, failed, problems)

