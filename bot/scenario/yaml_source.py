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


#: Values that aliases may copy into one file. Aliases are for sharing a few lines between
#: states; the whole flagship scenario has about 13 000 values, so 10 000 copies is beyond any
#: real use, while checking that many takes milliseconds. Without a cap, seven nested levels
#: of ten aliases ("billion laughs") expand to ten million values and minutes of CPU.
MAX_ALIAS_VALUES = 10_000


class _AliasProblem(Exception):
    """An alias that cannot be expanded; carries where the alias is, for a located problem."""

    def __init__(self, message: str, event: yaml.Event) -> None:
        super().__init__(message)
        self.message = message
        mark = event.start_mark
        self.line, self.column = (mark.line + 1, mark.column + 1) if mark else (1, 1)


class _AliasGuard(yaml.composer.Composer):
    """Refuses, while composing, aliases the walker below could never finish expanding.

    The walker copies an alias's value wherever it is used, so an alias inside its own
    value would recurse forever and nested aliases grow exponentially. Both are checked
    at the alias itself, before any expansion, so the problem points at the ``*name``.
    """

    def _start_guard(self) -> None:
        self._open_anchors: set[str] = set()
        self._sizes: dict[int, int] = {}
        self._copied = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[attr-defined]
        anchor = event.anchor if isinstance(event, yaml.NodeEvent) else None
        if isinstance(event, yaml.AliasEvent):
            if anchor in self._open_anchors:
                raise _AliasProblem(
                    f"the YAML alias *{anchor} refers to itself: it is used inside the value "
                    f"marked &{anchor}, so it would repeat forever", event)
            node = super().compose_node(parent, index)
            self._copied += self._size(node)
            if self._copied > MAX_ALIAS_VALUES:
                raise _AliasProblem(
                    f"too many aliases: with *{anchor} they copy more than "
                    f"{MAX_ALIAS_VALUES} values; write the repeated parts out instead",
                    event)
            return node
        if anchor is None:
            return super().compose_node(parent, index)
        self._open_anchors.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._open_anchors.discard(anchor)

    def _size(self, node: yaml.Node | None) -> int:
        """How many values ``node`` stands for once expanded (memoised: aliases share nodes)."""
        if node is None:
            return 0
        known = self._sizes.get(id(node))
        if known is None:
            if isinstance(node, yaml.SequenceNode):
                known = 1 + sum(self._size(item) for item in node.value)
            elif isinstance(node, yaml.MappingNode):
                known = 1 + sum(self._size(k) + self._size(v) for k, v in node.value)
            else:
                known = 1
            self._sizes[id(node)] = known
        return known


class _ScenarioLoader(_AliasGuard, StrictBoolLoader):
    """The pure-Python loader: PyYAML's own wording and positions for syntax errors."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._start_guard()


_StrictBoolCLoader: type | None = None
_FastLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):
    from yaml._yaml import CParser

    class _LibyamlStrictBoolLoader(
        CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver
    ):
        """:class:`StrictBoolLoader` over libyaml's parser.

        PyYAML's pure-Python scanner spent about a second of the bot's start-up on the
        flagship's 14 000 lines; libyaml reads them in a twentieth of that. Its error
        messages are worded differently, so a file it rejects is read again by the
        pure-Python loader for the message an educator sees.
        """

        yaml_implicit_resolvers = StrictBoolLoader.yaml_implicit_resolvers

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    class _LibyamlScenarioLoader(_AliasGuard, _LibyamlStrictBoolLoader):
        """The same composer (and so the same alias checks and positions) over libyaml."""

        def __init__(self, stream: str) -> None:
            _LibyamlStrictBoolLoader.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            self._start_guard()

    _StrictBoolCLoader = _LibyamlStrictBoolLoader
    _FastLoader = _LibyamlScenarioLoader


def safe_load(text: str) -> Any:
    """Load YAML safely with YAML 1.2 booleans (for catalogues and data files)."""
    if _StrictBoolCLoader is not None:
        try:
            return yaml.load(text, Loader=_StrictBoolCLoader)
        except yaml.YAMLError:
            pass  # read again below, for PyYAML's wording
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


def _compose(loader_class: type, text: str, source: SourceMap) -> tuple[Any, _Walker]:
    """The document's data and the walker that recorded its positions in ``source``."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError([Problem(source.file, 1, 1, "error", "the file is empty")])
        walker = _Walker(loader, source)
        return walker.build(node, ()), walker
    finally:
        loader.dispose()


def _read(text: str, name: str) -> tuple[Any, _Walker, SourceMap]:
    """libyaml's reading where it accepts the file; PyYAML's own otherwise (its wording)."""
    if _FastLoader is not None:
        source = SourceMap(name)
        try:
            return (*_compose(_FastLoader, text, source), source)
        except yaml.YAMLError:
            pass  # read again below, so the educator sees PyYAML's message
    source = SourceMap(name)
    return (*_compose(_ScenarioLoader, text, source), source)


def load_yaml(path: Path, text: str | None = None) -> tuple[Any, SourceMap]:
    """Load one YAML document safely; raise ScenarioError with positions on any problem."""
    name = str(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError([Problem(name, 1, 1, "error", f"cannot read file: {exc}")]) from exc
    try:
        data, walker, source = _read(text, name)
    except _AliasProblem as exc:
        raise ScenarioError([Problem(name, exc.line, exc.column, "error", exc.message)]) from None
    except RecursionError:  # PyYAML composes nested values recursively
        raise ScenarioError([Problem(
            name, 1, 1, "error",
            "values are nested too deeply (hundreds of brackets or indents inside each other)",
        )]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        message = f"YAML syntax: {reason}{_plain_hint(reason)}"
        raise ScenarioError([Problem(name, line, col, "error", message)]) from exc
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(name, 1, 1, "error", f"YAML: {exc}")]) from exc
    if walker.problems:
        raise ScenarioError(walker.problems)
    return data, source
