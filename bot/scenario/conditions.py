"""Conditions such as ``openness >= 7 and turn > 2``, parsed once and never eval'd.

Educators write conditions as text; a tiny grammar keeps them readable and safe.
A name is the meter, ``turn``, ``unhelpful`` (how many messages so far, this
one included, had an unhelpful move), ``reflections`` and ``questions`` (how
many counted as each, as the summary counts them), or a move id (how many
messages so far, this one included, the move was read in), so a partner can
remember what was said. A name is compared with a whole number or with
another name (``reflections < questions``).
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

_OPERATORS: dict[str, Callable[[int, int], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
#: The name conditions use for the messages with an unhelpful move, so a debrief
#: can credit owning a misstep only where there was one to own.
UNHELPFUL = "unhelpful"
#: Messages counted as reflections and as questions, as the summary counts them
#: (MI coding), so a debrief can tell a reflective trainee from one who asked.
REFLECTIONS = "reflections"
QUESTIONS = "questions"
#: Every name a condition can use besides the meter and the move ids.
COUNTS = ("turn", UNHELPFUL, REFLECTIONS, QUESTIONS)
_NAME = r"[a-z_][a-z0-9_]*"
#: A name compared with a whole number or with another name ("reflections < questions").
_COMPARISON = re.compile(rf"^\s*({_NAME})\s*(>=|<=|==|!=|>|<)\s*(-?\d+|{_NAME})\s*$")


class ConditionSyntaxError(ValueError):
    """Raised with a message an educator can act on."""


@dataclass(frozen=True)
class Comparison:
    name: str
    op: str
    value: int | str

    def holds(self, values: Mapping[str, int]) -> bool:
        other = values[self.value] if isinstance(self.value, str) else self.value
        return _OPERATORS[self.op](values[self.name], other)


@dataclass(frozen=True)
class Condition:
    """All comparisons must hold."""

    text: str
    parts: tuple[Comparison, ...]

    def holds(self, values: Mapping[str, int]) -> bool:
        return all(part.holds(values) for part in self.parts)


def parse_condition(text: str, names: Sequence[str]) -> Condition:
    """Parse ``text``; ``names`` are the variables that may appear, the meter first."""
    parts = []
    for chunk in re.split(r"\band\b", text):
        match = _COMPARISON.match(chunk)
        if not match:
            raise ConditionSyntaxError(
                f"cannot read condition '{text}': write it like "
                f"'{names[0]} >= 5' or 'reflections < questions', joined with 'and'"
            )
        name, op, right = match.group(1), match.group(2), match.group(3)
        value: int | str = int(right) if re.fullmatch(r"-?\d+", right) else right
        for used in (name, value):
            if isinstance(used, str) and used not in names:
                close = difflib.get_close_matches(used, list(names), n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise ConditionSyntaxError(
                    f"unknown name '{used}' in condition{hint}: use {names[0]}, "
                    f"{', '.join(COUNTS)} or a move id"
                )
        parts.append(Comparison(name, op, value))
    return Condition(text, tuple(parts))
