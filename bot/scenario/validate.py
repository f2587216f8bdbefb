"""Checks beyond the format: is the scenario playable and complete?

Loading already rejects what cannot work at all (syntax, unknown keys,
references). These checks find what loads but would hurt a trainee: a state
nobody reaches, a dead end, an ending that cannot happen, a move that never
does anything, an example taught to two moves, too few examples to learn a
move from, a missing hint.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from pathlib import Path

from bot.errors import Problem, ScenarioError
from bot.recognition.text_norm import normalise
from bot.scenario.format import AnsweredLine
from bot.scenario.loader import parse_scenario
from bot.scenario.model import Scenario, translations
from bot.scenario.yaml_source import PathKey, SourceMap

#: Below this many distinct examples the recogniser misses more of what trainees
#: write for a move (the guide, section 8, asks for at least 20; bench/other_scenario.py).
MIN_EXAMPLES = 20


def _edges(scenario: Scenario) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in scenario.states}
    for state, table in scenario.reactions.items():
        for reactions in table.values():
            edges[state].update(r.to for r in reactions)
        edges[state].update(rule.to for rule in scenario.rules)
        edges[state].discard(state)
    return edges


def _reachable(start: Iterable[str], edges: dict[str, set[str]]) -> set[str]:
    seen = set(start)
    queue = deque(seen)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _source(scenario: Scenario) -> SourceMap:
    """Where the scenario's keys sit in its file (a bare map if it was built in code)."""
    return scenario.source or SourceMap(str(scenario.path or scenario.id))


class _Checker:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.source = _source(scenario)
        self.problems: list[Problem] = []

    def add(self, path: PathKey, severity: str, message: str) -> None:
        self.problems.append(self.source.problem(path, message, severity=severity, prefer_key=True))

    def graph(self) -> None:
        s = self.scenario
        edges = _edges(s)
        reached = _reachable([s.spec.start], edges)
        for name in s.states:
            if name not in reached:
                self.add(("states", name), "warning", f"state '{name}' can't be reached")
        limit = s.spec.turn_limit
        if limit is not None:  # the limit can end any conversation, but is no way out of a trap
            reached.add(limit.to)
        for name in s.endings:
            if name not in reached:
                self.add(("endings", name), "warning", f"ending '{name}' can't be reached")
        reverse: dict[str, set[str]] = {}
        for src, targets in edges.items():
            for dst in targets:
                reverse.setdefault(dst, set()).add(src)
        can_end = _reachable(s.endings, reverse)
        for name in s.states:
            if not edges[name]:
                self.add(("states", name), "error", f"state '{name}' has no way out")
            elif name not in can_end:
                self.add(("states", name), "error", f"no ending can be reached from '{name}'")

    def moves(self) -> None:
        s = self.scenario
        used = set(s.spec.defaults)
        for state in s.states.values():
            used.update(state.on)
            used.update(o.move for o in state.options)
        for move_id, move in s.moves.items():
            if move_id not in used:
                self.add(("moves", move_id), "warning", f"move '{move_id}' is never used")
            if not s.text(move.feedback).strip():
                message = f"move '{move_id}' has no feedback"
                self.add(("moves", move_id, "feedback"), "error", message)
            if move.kind == "poor" and move.better is None:
                self.add(("moves", move_id), "warning",
                         f"poor move '{move_id}' has no 'better' alternative")

    def examples(self) -> None:
        owner: dict[str, str] = {}
        for move_id, move in self.scenario.moves.items():
            mine: set[str] = set()
            for i, example in enumerate(move.examples):
                key = normalise(example)
                if key in mine:
                    self.add(("moves", move_id, "examples", i), "warning",
                             f"example '{example}' is written twice in '{move_id}'")
                    continue
                mine.add(key)
                first = owner.setdefault(key, move_id)
                if first != move_id:
                    self.add(("moves", move_id, "examples", i), "error",
                             f"example '{example}' is also an example of '{first}'")
            if len(mine) < MIN_EXAMPLES:
                self.add(("moves", move_id, "examples"), "warning",
                         f"move '{move_id}' has only {len(mine)} example(s): write at least "
                         f"{MIN_EXAMPLES}, worded differently, so trainees' own words are "
                         "recognised")

    def hints(self) -> None:
        for name, state in self.scenario.states.items():
            if state.hint is None or not self.scenario.text(state.hint).strip():
                self.add(("states", name), "warning", f"state '{name}' has no hint")

    def answers(self) -> None:
        """Declared answers apply after a question, and one question means one thing.

        Answers are found by the line's text, so two declarations of the same
        question would silently keep one of them.
        """
        first: dict[str, tuple[tuple[str | None, str | None], PathKey]] = {}
        for line, path in self.scenario.partner_lines():
            if not isinstance(line, AnsweredLine):
                continue
            texts = translations(line.say)
            if any("?" not in text for text in texts):
                self.add(path, "warning", "this line says what a bare yes or no to it means, "
                         "but it asks no question (it has no question mark)")
            meaning = (line.yes_means, line.no_means)
            for text in texts:
                seen = first.setdefault(text.strip(), (meaning, path))
                if seen[0] != meaning:
                    where = self.source.locate(seen[1]).line
                    self.problems.append(self.source.problem(
                        path, f"this question is also written at line {where} with other "
                        "answers; a bare yes or no can mean only one thing", prefer_key=True))

    def run(self) -> list[Problem]:
        self.graph()
        self.moves()
        self.examples()
        self.hints()
        self.answers()
        return sorted(dict.fromkeys(self.problems), key=lambda p: (p.line, p.column, p.message))


def check_scenario(scenario: Scenario) -> list[Problem]:
    """Every warning and error about a loaded scenario, in file order."""
    return _Checker(scenario).run()


def scenario_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to the ``*.yaml``/``*.yml`` files inside them."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        else:
            found.append(path)
    return found


def validate_paths(paths: Iterable[Path]) -> list[Problem]:
    """Load and check every file; a file that fails to load reports why."""
    problems: list[Problem] = []
    owners: dict[str, Path] = {}
    for path in scenario_files(paths):
        if not path.exists():
            problems.append(Problem(str(path), 1, 1, "error", "no such file"))
            continue
        try:
            scenario = parse_scenario(path)
        except ScenarioError as exc:
            problems += exc.problems
            continue
        problems += check_scenario(scenario)
        # A copied file keeps its id; the bot would load only one of the two.
        first = owners.setdefault(scenario.id, path)
        if first != path:
            problems.append(_source(scenario).problem(
                ("id",), f"scenario id '{scenario.id}' is already used by {first}; "
                "give each scenario its own id", severity="error", prefer_key=True))
    return problems
