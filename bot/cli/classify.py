"""``python -m bot classify``: one JSON line per message, so educators see why it was read so.

Input lines are plain text, or JSON ``{"text": ..., "previous": ...}`` when they
start with ``{`` (``previous`` is the partner's line before, used as context).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.library import default_recognizer, find_scenario
from bot.recognition.recognizer import read_skills
from bot.settings import load_settings


def _parse(line: str) -> tuple[str, str | None, str | None]:
    """(text, previous, problem). A JSON line that cannot be used is still read,
    as plain text, so every input line gets its output line; the problem is
    reported on standard error so a broken test file does not pass unnoticed."""
    if not line.lstrip().startswith("{"):
        return line, None, None
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return line, None, f"not valid JSON ({exc.msg}, column {exc.colno}); read as plain text"
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return line, None, 'JSON without a "text" string; read as plain text'
    previous = data.get("previous")
    if previous is not None and not isinstance(previous, str):
        return data["text"], None, '"previous" is not a string; ignored'
    return data["text"], previous, None


def classify(
    scenario_id: str | None,
    *,
    folder: Path | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Read messages from standard input and write one JSON object per line."""
    # Text exported from Windows or a spreadsheet may not be UTF-8: replace what
    # cannot be decoded rather than fail on it.
    source = stdin or io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    out = stdout or sys.stdout
    recognizer = None
    if scenario_id is not None:
        scenario = find_scenario(folder or load_settings().dialogues_dir, scenario_id)
        recognizer = default_recognizer(scenario)
    for number, raw in enumerate(source, 1):
        line = raw.rstrip("\n")
        if not line.strip():
            continue
        text, previous, problem = _parse(line)
        if problem:
            print(f"line {number}: {problem}", file=sys.stderr)
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
