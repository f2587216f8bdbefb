"""Safe YAML loading that remembers where every value came from.

Educators need errors that point at ``file:line:col``. PyYAML's safe loader
builds node trees with marks; we walk that tree ourselves so that each value's
path (``("states", "guarded", "on")``) maps to its position, and so that a key
written twice is an error instead of silently overwriting the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import Problem, ScenarioError

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    """A 1-based line and column."""

    line: int
    column: int


@dataclass
class SourceMap:
    """Positions of values and keys by their path in the document."""

    file: str
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)

    def locate(self, path: PathKey, *, prefer_key: bool = False) -> Position:
        """The position of ``path``, or of its nearest known ancestor."""
        probe = tuple(path)
        while True:
            if prefer_key and probe in self.keys:
                return self.keys[probe]
            if probe in self.values:
                return self.values[probe]
            if not probe:
                return Position(1, 1)
            probe = probe[:-1]

    def problem(
        self, path: PathKey, message: str, *, severity: str = "error", prefer_key: bool = False
    ) -> Problem:
        """A located problem for the value at ``path``."""
        pos = self.locate(path, prefer_key=prefer_key)
        return Problem(self.file, pos.line, pos.column, severity, message)  # type: ignore[arg-type]


class StrictBoolLoader(yaml.SafeLoader):
    """A safe loader where only ``true``/``false`` are booleans (as in YAML 1.2).

    YAML 1.1 reads ``on``, ``yes``, ``no`` and ``off`` as booleans, which would
    turn a state's ``on:`` key into ``True`` and a partner's line "No" into False.
    """


StrictBoolLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictBoolLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def safe_load(text: str) -> Any:
    """Load YAML safely with YAML 1.2 booleans (for catalogues and data files)."""
    return yaml.load(text, Loader=StrictBoolLoader)


def _position(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


class _Walker:
    """Turns a composed node tree into plain data plus a source map."""

    def __init__(self, loader: StrictBoolLoader, source: SourceMap) -> None:
        self.loader = loader
        self.source = source
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.source.values[path] = _position(node)
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    pos = _position(key_node)
                    self.problems.append(
                        Problem(self.source.file, pos.line, pos.column, "error",
                                "a key must be a plain word")
                    )
                    continue
                key = str(key) if not isinstance(key, str) else key
                child = (*path, key)
                if key in result:
                    pos = _position(key_node)
                    first = self.source.keys[child]
                    self.problems.append(
                        Problem(self.source.file, pos.line, pos.column, "error",
                                f"duplicate key '{key}' (first written at line {first.line})")
                    )
                    continue
                self.source.keys[child] = _position(key_node)
                result[key] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)


_INDENTATION = (
    "check the indentation here and on the line above; text containing ': ' must be in "
    "double quotes"
)
#: PyYAML's wording, and what an educator should look for instead.
_HINTS = (
    ("'\\t'", "indent with spaces, not tabs"),
    ("expected <block end>", _INDENTATION),
    ("mapping values are not allowed", _INDENTATION),
    ("found unexpected end of stream", "a quote was opened and never closed"),
)


def _plain_hint(reason: str) -> str:
    """A plain-words hint after PyYAML's own message, when we recognise it."""
    for needle, hint in _HINTS:
        if needle in reason:
            return f" ({hint})"
    return ""


def load_yaml(path: Path, text: str | None = None) -> tuple[Any, SourceMap]:
    """Load one YAML document safely; raise ScenarioError with positions on any problem."""
    name = str(path)
    source = SourceMap(name)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError([Problem(name, 1, 1, "error", f"cannot read file: {exc}")]) from exc
    loader = StrictBoolLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Problem(name, 1, 1, "error", "the file is empty")])
        walker = _Walker(loader, source)
        data = walker.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        message = f"YAML syntax: {reason}{_plain_hint(reason)}"
        raise ScenarioError([Problem(name, line, col, "error", message)]) from exc
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(name, 1, 1, "error", f"YAML: {exc}")]) from exc
    finally:
        loader.dispose()
    if walker.problems:
        raise ScenarioError(walker.problems)
    return data, source
