"""Choosing what the partner says: varied, never the same line twice in a row.

The choice is seeded from the session's seed, turn and pool name rather than a
stored random state, so a restored session continues exactly as the original.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.engine.session import Session
from bot.scenario.format import Line
from bot.scenario.model import Scenario, says


def pick_line(
    session: Session,
    scenario: Scenario,
    pool: str,
    lines: Sequence[Line],
) -> str:
    """Pick a line from ``pool``, preferring ones not yet said, and record it as said."""
    if not lines:
        return ""
    rendered = [scenario.text(says(line), session.language) for line in lines]
    used = session.used_lines.setdefault(pool, [])
    fresh = [i for i in range(len(rendered)) if i not in used]
    if not fresh:
        used.clear()
        fresh = list(range(len(rendered)))
    not_repeat = [i for i in fresh if rendered[i] != session.last_line]
    candidates = not_repeat or fresh
    rng = random.Random(f"{session.seed}:{session.turn}:{pool}")
    index = rng.choice(candidates)
    used.append(index)
    session.last_line = rendered[index]
    return rendered[index]
