"""The Bot API as data, read from the shared ``api.json``, and the type checks it implies.

The fake validates every call and every object it hands out against this, so it refuses
what real Telegram refuses and never invents fields PTB would not see from the real server.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRIMITIVES = frozenset({"Integer", "Float", "Boolean", "String"})
_ARRAY = "Array of "
_CONST_RE = re.compile(r'(?:must be|always) "?([a-z_]+)"?')
_REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC_ENV_VAR = "TELEGRAM_BOT_API_SPEC"
SPEC_CANDIDATES = (
    _REPO_ROOT.parent / "shared" / "telegram-bot-api" / "api.json",
    _REPO_ROOT / "shared" / "telegram-bot-api" / "api.json",
    Path("/work/shared/telegram-bot-api/api.json"),
)


class FileRef:
    """Marker base for uploaded files, so the checker accepts them where ``InputFile`` is due.

    Defined here rather than in ``files`` to keep this module free of fake-server concerns.
    """


@dataclass(frozen=True)
class Field:
    """One parameter of a method or field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool
    description: str


@dataclass(frozen=True)
class MethodSpec:
    """A Bot API method: its canonical (camelCase) name, parameters and return types."""

    name: str
    fields: Mapping[str, Field]
    returns: tuple[str, ...]


@dataclass(frozen=True)
class TypeSpec:
    """A Bot API object type; ``subtypes`` is set for unions such as ``BotCommandScope``."""

    name: str
    fields: Mapping[str, Field]
    subtypes: tuple[str, ...]
    constant: tuple[str, str] | None
    """``(field, value)`` for subtypes told apart by e.g. ``type`` being ``"chat"``."""


class Violation(Exception):
    """A value does not fit the spec; ``path`` locates it, e.g. ``inline_keyboard[0][1].text``.

    ``kind`` is ``"missing"``, ``"unknown"``, ``"type"`` or ``"value"``.
    """

    def __init__(self, kind: str, path: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.kind = kind
        self.path = path
        self.detail = detail


def find_spec_file() -> Path:
    """Locate ``api.json``: the env var first, then ``shared/`` beside or inside the repo."""
    override = os.environ.get(SPEC_ENV_VAR)
    if override:
        return Path(override)
    for candidate in SPEC_CANDIDATES:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"Bot API spec not found; set {SPEC_ENV_VAR} or place shared/telegram-bot-api/api.json "
        f"beside the repository (looked in {[str(c) for c in SPEC_CANDIDATES]})"
    )


def _fields(raw: Mapping[str, Any]) -> dict[str, Field]:
    return {
        f["name"]: Field(f["name"], tuple(f["types"]), bool(f["required"]), f["description"])
        for f in raw.get("fields", [])
    }


def _constant(fields: Mapping[str, Field]) -> tuple[str, str] | None:
    for name in ("type", "status", "source"):
        field = fields.get(name)
        if field is not None:
            match = _CONST_RE.search(field.description)
            if match:
                return name, match.group(1)
    return None


def describe(types: Sequence[str]) -> str:
    """Spec types joined the way the docs write them: ``Integer or String``."""
    return " or ".join(types)


class ApiSpec:
    """Lookups and checks over the parsed spec. Build once via :func:`load_spec`."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.version: str = raw.get("version", "?")
        self.methods: dict[str, MethodSpec] = {
            name: MethodSpec(name, _fields(m), tuple(m.get("returns", [])))
            for name, m in raw["methods"].items()
        }
        self._by_lower = {name.lower(): spec for name, spec in self.methods.items()}
        self.types: dict[str, TypeSpec] = {}
        for name, t in raw["types"].items():
            fields = _fields(t)
            self.types[name] = TypeSpec(
                name, fields, tuple(t.get("subtypes", [])), _constant(fields) if
                t.get("subtype_of") else None
            )

    def method(self, name: str) -> MethodSpec | None:
        """The method called ``name``; Telegram matches method names case-insensitively."""
        return self._by_lower.get(name.lower())

    # ----------------------------------------------------------------- checking values

    def check(self, value: Any, types: Sequence[str], path: str) -> None:
        """Raise :class:`Violation` unless ``value`` fits one of ``types``.

        Objects are checked recursively: required fields present, no unknown fields, and
        discriminating constants (``"type": "chat"``) right. JSON ``null`` is not a value.
        """
        if len(types) > 1 and all(t.startswith(_ARRAY) for t in types):
            # The scraped spec splits "Array of A, B and C" into one array type per item
            # type; Telegram means one array whose items may each be any of them.
            if not isinstance(value, list):
                raise Violation("type", path, f"must be of type {describe(types)}")
            items = [t[len(_ARRAY):] for t in types]
            for index, item in enumerate(value):
                self.check(item, items, f"{path}[{index}]")
            return
        errors: list[Violation] = []
        for type_expr in types:
            try:
                self._check_one(value, type_expr, path)
                return
            except Violation as exc:
                errors.append(exc)
        if len(types) == 1:
            raise errors[0]
        # Report against the candidate the value most resembles: that complaint is useful.
        scores = [self._affinity(value, type_expr) for type_expr in types]
        best = max(range(len(types)), key=lambda i: scores[i])
        if scores[best] > 0:
            raise errors[best]
        raise Violation("type", path, f"must be of type {describe(types)}")

    def _affinity(self, value: Any, type_expr: str) -> int:
        """How much ``value`` looks like ``type_expr``: 0 for another JSON shape."""
        if _shape_of(value) != self._shape_of_type(type_expr):
            return 0
        spec = self.types.get(type_expr)
        if spec is None or not isinstance(value, dict):
            return 1
        if spec.subtypes:
            return max(self._affinity(value, sub) for sub in spec.subtypes)
        return 1 + sum(1 for key in value if key in spec.fields)

    def _check_one(self, value: Any, type_expr: str, path: str) -> None:
        if type_expr.startswith(_ARRAY):
            if not isinstance(value, list):
                raise Violation("type", path, f"must be of type {type_expr}")
            inner = type_expr[len(_ARRAY):]
            for index, item in enumerate(value):
                self._check_one(item, inner, f"{path}[{index}]")
            return
        if type_expr in PRIMITIVES:
            if not _is_primitive(value, type_expr):
                raise Violation("type", path, f"must be of type {type_expr}")
            return
        if type_expr == "InputFile":
            if not isinstance(value, FileRef):
                raise Violation("type", path, "must be an uploaded file (InputFile)")
            return
        spec = self.types.get(type_expr)
        if spec is None:
            raise Violation("type", path, f"has unknown spec type {type_expr}")
        if spec.subtypes:
            self._check_union(value, spec, path)
            return
        self._check_object(value, spec, path)

    def _check_union(self, value: Any, spec: TypeSpec, path: str) -> None:
        candidates = list(spec.subtypes)
        if isinstance(value, dict):
            matching = [
                name for name in candidates
                if (sub := self.types.get(name)) is not None and sub.constant is not None
                and value.get(sub.constant[0]) == sub.constant[1]
            ]
            keyed = [
                name for name in candidates
                if (sub := self.types.get(name)) is not None and sub.constant is not None
            ]
            if keyed and not matching:
                key = self.types[keyed[0]].constant
                assert key is not None
                allowed = sorted({c[1] for n in keyed if (c := self.types[n].constant)})
                raise Violation(
                    "value", f"{path}.{key[0]}",
                    f"must be one of {allowed} for {spec.name}",
                )
            candidates = matching or candidates
        self.check(value, candidates, path)

    def _check_object(self, value: Any, spec: TypeSpec, path: str) -> None:
        if not isinstance(value, dict):
            raise Violation("type", path, f"must be of type {spec.name}")
        prefix = f"{path}." if path else ""
        for key in value:
            if key not in spec.fields:
                raise Violation("unknown", f"{prefix}{key}", f"is not a field of {spec.name}")
        for field in spec.fields.values():
            present = value.get(field.name) is not None
            if field.required and not present:
                raise Violation(
                    "missing", f"{prefix}{field.name}", f"is required in {spec.name}"
                )
            if present:
                self.check(value[field.name], field.types, f"{prefix}{field.name}")
        if spec.constant is not None:
            key, expected = spec.constant
            if value.get(key) != expected:
                raise Violation("value", f"{prefix}{key}", f'must be "{expected}"')

    def _shape_of_type(self, type_expr: str) -> str:
        if type_expr.startswith(_ARRAY):
            return "array"
        return {
            "Integer": "number", "Float": "number", "Boolean": "boolean", "String": "string",
            "InputFile": "file",
        }.get(type_expr, "object")

    def is_structured(self, types: Sequence[str]) -> bool:
        """Whether a parameter of these types arrives JSON-serialised on the wire."""
        return any(t.startswith(_ARRAY) or t not in PRIMITIVES | {"InputFile"} for t in types)

    # ----------------------------------------------------------------- checking output

    def problems(self, obj: Any, type_name: str) -> list[str]:
        """Everything wrong with an object the fake is about to return (empty when honest)."""
        types = [type_name]
        try:
            self.check(obj, types, type_name)
        except Violation as exc:
            return [str(exc)]
        return []


def _is_primitive(value: Any, type_name: str) -> bool:
    if type_name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "Boolean":
        return isinstance(value, bool)
    return isinstance(value, str)


def _shape_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, FileRef):
        return "file"
    return "object"


@functools.cache
def load_spec(path: str | None = None) -> ApiSpec:
    """Parse ``api.json`` once per process; ``path`` overrides :func:`find_spec_file`."""
    source = Path(path) if path else find_spec_file()
    with source.open(encoding="utf-8") as handle:
        return ApiSpec(json.load(handle))
