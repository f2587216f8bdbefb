"""``python -m bot validate``: every problem as ``file:line:col: error|warning: message``."""

from __future__ import annotations

from pathlib import Path

from bot.scenario.validate import validate_paths
from bot.settings import load_settings


def validate(paths: list[Path]) -> int:
    """Exit 1 when any error was found, 0 otherwise (warnings alone pass)."""
    targets = paths or [load_settings().dialogues_dir]
    problems = validate_paths(targets)
    for problem in problems:
        print(problem)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"{errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0
