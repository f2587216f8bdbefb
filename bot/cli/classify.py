"""``python -m bot classify``: one JSON line per message, so educators see why it was read so.

Input lines are plain text, or JSON ``{"text": ..., "previous": ...}`` when they
start with ``{`` (``previous`` is the partner's line before, used as context).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.library import default_recognizer, find_scenario
from bot.recognition.recognizer import read_skills
from bot.settings import load_settings


def _parse(line: str) -> tuple[str, str | None]:
    if line.lstrip().startswith("{"):
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            return line, None
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            previous = data.get("previous")
            return data["text"], previous if isinstance(previous, str) else None
    return line, None


def classify(
    scenario_id: str | None,
    *,
    folder: Path | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Read messages from standard input and write one JSON object per line."""
    source = stdin or sys.stdin
    out = stdout or sys.stdout
    recognizer = None
    if scenario_id is not None:
        scenario = find_scenario(folder or load_settings().dialogues_dir, scenario_id)
        recognizer = default_recognizer(scenario)
    for raw in source:
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        text, previous = _parse(line)
        result: dict[str, Any] = {"text": text}
        if recognizer is not None:
            reading = recognizer.recognize(text, previous)
            result["moves"] = [{"id": m.id, "confidence": m.confidence} for m in reading.moves]
            note = reading.skills
        else:
            note = read_skills(text, previous)
        if note is not None:
            result["behaviour"] = note.behaviour
            result["skills"] = [{"id": s.id, "confidence": s.confidence} for s in note.skills]
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return 0
