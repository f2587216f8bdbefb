"""A loaded scenario, resolved for the engine: defaults merged, conditions parsed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot.scenario.conditions import Condition
from bot.scenario.format import AnsweredLine, Ending, Line, Move, ScenarioFile, State, Text
from bot.scenario.yaml_source import PathKey, SourceMap


@dataclass(frozen=True)
class Reaction:
    """One way a state can answer a move (a resolved ``Transition``)."""

    move: str
    to: str
    condition: Condition | None
    effect: int | None
    lines: tuple[Line, ...]
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
    #: For each of the partner's questions, as said in any language, the move a
    #: bare "yes" or "no" to it is (``AnsweredLine``).
    answers: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Each ending's conditional debrief paragraphs, conditions parsed.
    debrief_notes: dict[str, list[tuple[Condition, Text]]] = field(default_factory=dict)
    #: The stopped-early debrief's conditional paragraphs (``ScenarioFile.stopped_early``).
    stopped_notes: list[tuple[Condition, Text]] = field(default_factory=list)

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
        return value.get(self.text_language(value, language), "")

    def text_language(self, value: Text | None, language: str | None = None) -> str:
        """The language :meth:`text` gives ``value`` in, so words wrapped around it
        match it (no German hedge before English feedback)."""
        if isinstance(value, dict):
            for code in (language, self.spec.language):
                if code and code in value:
                    return code
            return next(iter(value), self.spec.language)
        return self.spec.language

    def partner_name(self, language: str | None = None) -> str:
        return self.text(self.spec.persona.name, language)

    def partner_lines(self) -> list[tuple[Line, PathKey]]:
        """Every line the partner may say mid-conversation, with where it is written."""
        return partner_lines(self.spec, self.reactions)

    @cached_property
    def poor_moves(self) -> frozenset[str]:
        """The ids of the moves the scenario calls unhelpful (asked for on every message)."""
        return frozenset(m for m, move in self.spec.moves.items() if move.kind == "poor")

    def answer_to(self, line: str | None, answer: str) -> str | None:
        """The move a bare ``answer`` ('yes' or 'no') to the partner's ``line`` is, if declared."""
        return self.answers.get((line or "").strip(), {}).get(answer)

    def languages(self) -> set[str]:
        """Languages with at least one translated text (the base always counts)."""
        found = {self.spec.language}
        for move in self.spec.moves.values():
            if isinstance(move.feedback, dict):
                found.update(move.feedback)
        return found


def says(line: Line) -> Text:
    """The text of a partner's line, whether or not it declares its answers."""
    return line.say if isinstance(line, AnsweredLine) else line


def translations(value: Text) -> list[str]:
    """A text in every language it is written in."""
    return [value] if isinstance(value, str) else list(value.values())


def partner_lines(
    spec: ScenarioFile, reactions: dict[str, dict[str, list[Reaction]]]
) -> list[tuple[Line, PathKey]]:
    """The states' lines and the transitions' lines, each with its path in the file.

    A default's lines come once per state, with the same path.
    """
    found: list[tuple[Line, PathKey]] = [
        (line, ("states", name, "lines", i))
        for name, state in spec.states.items() for i, line in enumerate(state.lines)
    ]
    found += [(line, (*reaction.origin, "lines", i))
              for table in reactions.values() for options in table.values()
              for reaction in options for i, line in enumerate(reaction.lines)]
    return found


def answer_index(lines: Iterable[Line]) -> dict[str, dict[str, str]]:
    """Every declared answer, keyed by the question in each of its languages."""
    index: dict[str, dict[str, str]] = {}
    for line in lines:
        if not isinstance(line, AnsweredLine):
            continue
        moves = {k: v for k, v in (("yes", line.yes_means), ("no", line.no_means)) if v}
        for text in translations(line.say):
            index[text.strip()] = moves
    return index
