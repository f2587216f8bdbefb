"""``python -m bot graph``: the scenario's state graph as Mermaid, drawn from the file itself."""

from __future__ import annotations

from pathlib import Path

from bot.errors import BotError
from bot.scenario.loader import parse_scenario
from bot.scenario.model import Scenario


def mermaid(scenario: Scenario) -> str:
    """A Mermaid ``stateDiagram`` with one arrow per move (conditions as labels)."""
    lines = ["stateDiagram-v2", f"    [*] --> {scenario.spec.start}"]
    for state, table in scenario.reactions.items():
        arrows: dict[str, list[str]] = {}
        for move, reactions in table.items():
            for r in reactions:
                if r.to == state:
                    continue
                label = move + (f" [{r.condition.text}]" if r.condition else "")
                arrows.setdefault(r.to, []).append(label)
        for target, labels in arrows.items():
            lines.append(f"    {state} --> {target}: {', '.join(sorted(labels))}")
    for rule in scenario.rules:
        lines.append(f"    note right of {rule.to}: any state when {rule.condition.text}")
    for ending in scenario.endings:
        lines.append(f"    {ending} --> [*]")
    return "\n".join(lines) + "\n"


def graph(path: Path) -> int:
    if path.is_dir():
        raise BotError(f"{path} is a folder; give one scenario file, e.g. {path}/<id>.yaml")
    print(mermaid(parse_scenario(path)), end="")
    return 0
