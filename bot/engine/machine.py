"""One ``transitions`` machine per scenario, shared by every session of it.

A machine per session costs about 3x the time and 6x the memory at 10,000
sessions, so sessions stay plain records and borrow this shared machine: the
cursor model is set to the session's state, fired, and read back.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from transitions import Machine

from bot.scenario.conditions import Comparison, Condition
from bot.scenario.model import AutoRule, Reaction, Scenario

RULES_TRIGGER = "_check_rules"
LIMIT_TRIGGER = "_turn_limit"


class _Cursor:
    """The single model the machine drives; remembers which transition fired."""

    state: str

    def __init__(self) -> None:
        self.taken: Reaction | AutoRule | None = None

    def remember(self, taken: Reaction | AutoRule, **_: Any) -> None:
        self.taken = taken


def _guard(condition: Condition | None) -> Any:
    def holds(values: Mapping[str, int], **_: Any) -> bool:
        return condition is None or condition.holds(values)

    return holds


@dataclass(frozen=True)
class Step:
    """Where a trigger led, and the reaction or rule that took it there."""

    state: str
    taken: Reaction | AutoRule | None


class CompiledScenario:
    """The scenario's state graph as a ``transitions`` machine."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._cursor = _Cursor()
        self._lock = threading.Lock()
        #: (state, trigger) pairs with at least one transition. A move a state
        #: does not list leaves Sam where he is; it is not fired at all, because
        #: ``transitions`` would log a warning for every such (normal) turn.
        self._fires: set[tuple[str, str]] = set()
        states: list[dict[str, object]] = [{"name": name} for name in scenario.states]
        states += [{"name": name, "final": True} for name in scenario.endings]
        self.machine = Machine(
            model=self._cursor,
            states=states,
            initial=scenario.spec.start,
            auto_transitions=False,
            ignore_invalid_triggers=True,
            send_event=False,
        )
        for state, table in scenario.reactions.items():
            for move, reactions in table.items():
                for reaction in reactions:
                    self._add(move, state, reaction.to, reaction.condition, reaction)
        limit = scenario.spec.turn_limit
        for state in scenario.states:
            for rule in scenario.rules:
                self._add(RULES_TRIGGER, state, rule.to, rule.condition, rule)
            if limit is not None:
                at_limit = Condition(f"turn >= {limit.turns}",
                                     (Comparison("turn", ">=", limit.turns),))
                rule = AutoRule(at_limit, limit.to, tuple(limit.lines), ("turn_limit",))
                self._add(LIMIT_TRIGGER, state, limit.to, at_limit, rule)

    def _add(
        self,
        trigger: str,
        source: str,
        dest: str,
        condition: Condition | None,
        taken: Reaction | AutoRule,
    ) -> None:
        self._fires.add((source, trigger))
        self.machine.add_transition(
            trigger,
            source,
            dest,
            conditions=[_guard(condition)],
            before=[lambda taken=taken, **kw: self._cursor.remember(taken, **kw)],
        )

    def fire(self, state: str, trigger: str, values: Mapping[str, int]) -> Step:
        """Fire ``trigger`` from ``state``; no matching transition means staying put."""
        if (state, trigger) not in self._fires:
            return Step(state, None)
        with self._lock:
            cursor = self._cursor
            cursor.state = state
            cursor.taken = None
            cursor.trigger(trigger, values=values)  # type: ignore[attr-defined]
            return Step(cursor.state, cursor.taken)
