"""Conditions such as ``openness >= 7 and turn > 2``, parsed once and never eval'd.

Educators write conditions as text; a tiny grammar keeps them readable and safe.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

_OPERATORS: dict[str, Callable[[int, int], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
_COMPARISON = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(>=|<=|==|!=|>|<)\s*(-?\d+)\s*$")


class ConditionSyntaxError(ValueError):
    """Raised with a message an educator can act on."""


@dataclass(frozen=True)
class Comparison:
    name: str
    op: str
    value: int

    def holds(self, values: Mapping[str, int]) -> bool:
        return _OPERATORS[self.op](values[self.name], self.value)


@dataclass(frozen=True)
class Condition:
    """All comparisons must hold."""

    text: str
    parts: tuple[Comparison, ...]

    def holds(self, values: Mapping[str, int]) -> bool:
        return all(part.holds(values) for part in self.parts)


def parse_condition(text: str, names: set[str]) -> Condition:
    """Parse ``text``; ``names`` are the variables that may appear."""
    parts = []
    for chunk in re.split(r"\band\b", text):
        match = _COMPARISON.match(chunk)
        if not match:
            raise ConditionSyntaxError(
                f"cannot read condition '{text}': write it like "
                f"'{sorted(names)[0]} >= 5', joined with 'and'"
            )
        name, op, value = match.group(1), match.group(2), int(match.group(3))
        if name not in names:
            known = ", ".join(sorted(names))
            raise ConditionSyntaxError(f"unknown name '{name}' in condition (known: {known})")
        parts.append(Comparison(name, op, value))
    return Condition(text, tuple(parts))
