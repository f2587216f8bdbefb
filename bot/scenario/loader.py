"""Load a scenario file into a ``Scenario``, or fail with located problems.

Three layers of checks run here, each reported as ``file:line:col``:
YAML syntax and duplicate keys, the format itself (pydantic), and references
between parts of the file (with a did-you-mean for typos).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.errors import Problem, ScenarioError
from bot.scenario import format as fmt
from bot.scenario.conditions import COUNTS, Condition, ConditionSyntaxError, parse_condition
from bot.scenario.model import AutoRule, Reaction, Scenario, answer_index, partner_lines
from bot.scenario.yaml_source import PathKey, SourceMap, load_yaml


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """A suffix such as " (did you mean 'guarded'?)", or "" when nothing is close."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _all_field_names() -> set[str]:
    names: set[str] = set()
    for obj in vars(fmt).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel:
            for field_name, info in obj.model_fields.items():
                names.add(info.alias or field_name)
    return names


def _data_path(data: Any, loc: tuple[str | int, ...]) -> PathKey:
    """Follow pydantic's error location through the real data, skipping union tags."""
    path: list[str | int] = []
    current = data
    for part in loc:
        in_dict = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_dict or in_list:
            current = current[part]
            path.append(part)
        elif isinstance(current, dict) and isinstance(part, str) and part == loc[-1]:
            path.append(part)  # a missing or unknown key: point at it or its parent
    return tuple(path)


def format_problems(exc: ValidationError, data: Any, source: SourceMap) -> list[Problem]:
    fields = _all_field_names()
    problems: list[Problem] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = _data_path(data, loc)
        kind = err["type"]
        key = str(loc[-1]) if loc else ""
        if kind == "missing":
            parent = path[:-1] if path and path[-1] == key else path
            problems.append(source.problem(parent, f"missing required key '{key}'"))
        elif kind == "extra_forbidden":
            hint = did_you_mean(key, fields)
            problems.append(source.problem(path, f"unknown key '{key}'{hint}", prefer_key=True))
        elif kind == "literal_error" and loc and loc[-1] == "[key]":  # e.g. a skill typo
            allowed = re.findall(r"'([^']+)'", str(err.get("ctx", {}).get("expected", "")))
            hint = did_you_mean(str(err["input"]), set(allowed))
            problems.append(source.problem(
                path, f"'{err['input']}' can't be used here{hint}: {err['msg'].lower()}",
                prefer_key=True))
        elif kind == "string_pattern_mismatch":
            problems.append(
                source.problem(
                    path,
                    f"'{err['input']}' is not a valid id: use lower-case letters, "
                    "digits and '_', starting with a letter",
                    prefer_key=True,
                )
            )
        else:
            where = ".".join(str(p) for p in path) or "file"
            message = err["msg"]
            if kind == "string_type" and isinstance(err.get("input"), dict):
                # `- Note: unquoted` is read by YAML as a key and a value, not as text.
                message = ("expected text, but ': ' inside it made YAML read a key and a "
                           "value; put the whole text in double quotes")
            problems.append(source.problem(path, f"{where}: {message}"))
    return _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[Problem] = set()
    return [p for p in problems if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]


def _as_list(reaction: str | fmt.Transition | list[fmt.Transition]) -> list[fmt.Transition]:
    if isinstance(reaction, str):
        return [fmt.Transition(to=reaction)]
    if isinstance(reaction, fmt.Transition):
        return [reaction]
    return list(reaction)


class _Builder:
    """Resolves references; collects every problem instead of stopping at the first."""

    def __init__(self, spec: fmt.ScenarioFile, source: SourceMap) -> None:
        self.spec = spec
        self.source = source
        self.problems: list[Problem] = []
        self.targets = set(spec.states) | set(spec.endings)
        #: Conditions may name the meter, the COUNTS (``turn``, ``unhelpful``…) and any
        #: move (how often it was read).
        self.names = (spec.meter.name, *COUNTS, *spec.moves)
        self.debrief_notes: dict[str, list[tuple[Condition, fmt.Text]]] = {}
        self.stopped_notes: list[tuple[Condition, fmt.Text]] = []

    def error(self, path: PathKey, message: str, *, prefer_key: bool = False) -> None:
        self.problems.append(self.source.problem(path, message, prefer_key=prefer_key))

    def check_target(self, name: str, path: PathKey) -> None:
        if name not in self.targets:
            hint = did_you_mean(name, self.targets)
            self.error(path, f"unknown state or ending '{name}'{hint}")

    def check_move(self, name: str, path: PathKey) -> None:
        if name not in self.spec.moves:
            hint = did_you_mean(name, self.spec.moves)
            self.error(path, f"unknown move '{name}'{hint}", prefer_key=True)

    def check_answers(self, lines: Iterable[tuple[fmt.Line, PathKey]]) -> None:
        """The moves that a bare yes or no to a partner's question stands for must exist."""
        for line, path in lines:
            if isinstance(line, fmt.AnsweredLine):
                for key in ("yes_means", "no_means"):
                    move = getattr(line, key)
                    if move is not None:
                        self.check_move(move, (*path, key))

    def condition(self, text: str | None, path: PathKey) -> Condition | None:
        if text is None:
            return None
        try:
            return parse_condition(text, self.names)
        except ConditionSyntaxError as exc:
            self.error(path, str(exc))
            return None

    def reactions(self, table: dict[str, Any], base: PathKey) -> dict[str, list[Reaction]]:
        """Resolved reactions; one without ``to`` stays put (``to`` is filled in per state)."""
        result: dict[str, list[Reaction]] = {}
        for move, reaction in table.items():
            self.check_move(move, (*base, move))
            items = _as_list(reaction)
            resolved = []
            for i, item in enumerate(items):
                path: PathKey = (*base, move) if isinstance(reaction, str) else (
                    (*base, move, i) if isinstance(reaction, list) else (*base, move)
                )
                to_path = path if isinstance(reaction, str) else (*path, "to")
                if item.to is not None:
                    self.check_target(item.to, to_path)
                cond = self.condition(item.if_, (*path, "if"))
                # "" until build() knows the state: a default is shared by all of them.
                resolved.append(
                    Reaction(move, item.to or "", cond, item.effect, tuple(item.lines), path,
                             item.feedback)
                )
            result[move] = resolved
        return result

    def build(self) -> tuple[dict[str, dict[str, list[Reaction]]], list[AutoRule]]:
        spec = self.spec
        for name in set(spec.states) & set(spec.endings):
            message = f"'{name}' is both a state and an ending"
            self.error(("endings", name), message, prefer_key=True)
        self.check_target(spec.start, ("start",))
        if spec.start in spec.endings:
            self.error(("start",), "the conversation cannot start in an ending")
        limit = spec.turn_limit
        if limit is not None and limit.to not in spec.endings:
            hint = did_you_mean(limit.to, spec.endings)
            self.error(("turn_limit", "to"), f"unknown ending '{limit.to}'{hint}")
        m = spec.meter
        for name in sorted({m.name, *COUNTS} & set(spec.moves)):
            what = "the meter's name" if name == m.name else "a name conditions use"
            self.error(("moves", name), f"move '{name}' has {what}; rename the move",
                       prefer_key=True)
        if not m.min <= m.start <= m.max:
            self.error(("meter", "start"), f"start {m.start} is outside {m.min}..{m.max}")
        defaults = self.reactions(spec.defaults, ("defaults",))
        table: dict[str, dict[str, list[Reaction]]] = {}
        for state_name, state in spec.states.items():
            own = self.reactions(state.on, ("states", state_name, "on"))
            table[state_name] = {
                move: [replace(r, to=r.to or state_name) for r in reactions]
                for move, reactions in {**defaults, **own}.items()
            }
            for i, option in enumerate(state.options):
                self.check_move(option.move, ("states", state_name, "options", i, "move"))
                for j, slip in enumerate(option.after):
                    self.check_move(slip, ("states", state_name, "options", i, "after", j))
        self.check_answers(partner_lines(spec, table))
        rules = []
        for i, rule in enumerate(spec.rules):
            self.check_target(rule.to, ("rules", i, "to"))
            cond = self.condition(rule.if_, ("rules", i, "if"))
            if cond is not None:
                rules.append(AutoRule(cond, rule.to, tuple(rule.lines), ("rules", i)))
        for name, ending in spec.endings.items():
            self.debrief_notes[name] = self.notes(ending.debrief_notes, ("endings", name))
        if spec.stopped_early is not None:
            self.stopped_notes = self.notes(spec.stopped_early.debrief_notes, ("stopped_early",))
        return table, rules

    def notes(self, notes: list[fmt.DebriefNote], path: PathKey
              ) -> list[tuple[Condition, fmt.Text]]:
        """Debrief notes with their conditions parsed; a broken one is reported and left out."""
        parsed = [(self.condition(note.if_, (*path, "debrief_notes", i, "if")), note.text)
                  for i, note in enumerate(notes)]
        return [(c, text) for c, text in parsed if c is not None]


def parse_scenario(path: Path, text: str | None = None) -> Scenario:
    """Load and resolve one scenario file; raise ``ScenarioError`` listing every problem."""
    raw = path.read_bytes() if text is None else text.encode("utf-8")
    data, source = load_yaml(path, raw.decode("utf-8", errors="replace"))
    if not isinstance(data, dict):
        raise ScenarioError([source.problem((), "a scenario file must be a mapping of keys")])
    try:
        spec = fmt.ScenarioFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_problems(exc, data, source)) from exc
    builder = _Builder(spec, source)
    reactions, rules = builder.build()
    if builder.problems:
        raise ScenarioError(_unique(builder.problems))
    return Scenario(
        spec=spec,
        digest=hashlib.sha256(raw).hexdigest(),
        path=path,
        source=source,
        reactions=reactions,
        rules=rules,
        answers=answer_index(line for line, _ in partner_lines(spec, reactions)),
        debrief_notes=builder.debrief_notes,
        stopped_notes=builder.stopped_notes,
    )
