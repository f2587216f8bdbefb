"""Conditions educators write: a name against a number or against another name."""

from __future__ import annotations

import pytest

from bot.scenario.conditions import ConditionSyntaxError, parse_condition

NAMES = ("openness", "turn", "unhelpful", "reflections", "questions", "reflect")


@pytest.mark.parametrize(
    ("text", "values", "holds"),
    [
        ("reflections < questions", {"reflections": 2, "questions": 5}, True),
        ("reflections < questions", {"reflections": 5, "questions": 5}, False),
        ("questions >= 6 and reflections < questions",
         {"reflections": 4, "questions": 7}, True),
        ("openness >= 7 and turn > 2", {"openness": 7, "turn": 3}, True),
        ("openness >= -1", {"openness": 0}, True),
    ],
)
def test_a_name_is_compared_with_a_number_or_another_name(
    text: str, values: dict[str, int], holds: bool
) -> None:
    """A debrief could not say "you asked more than you reflected": counts compared
    only with fixed numbers (fifteenth play-test)."""
    assert parse_condition(text, NAMES).holds(values) is holds


def test_an_unknown_name_on_the_right_is_named_with_a_suggestion() -> None:
    with pytest.raises(ConditionSyntaxError, match=r"unknown name 'questons'.*'questions'"):
        parse_condition("reflections < questons", NAMES)
