"""``python -m bot test``: run the educators' test transcripts against the scenarios."""

from __future__ import annotations

from pathlib import Path

from bot.errors import ScenarioError
from bot.library import PracticeLibrary
from bot.scenario.validate import scenario_files
from bot.settings import load_settings
from bot.transcripts import run_transcript_file


def test_transcripts(paths: list[Path], folder: Path | None = None) -> int:
    """Exit 1 when any transcript fails or cannot be read."""
    dialogues = folder or load_settings().dialogues_dir
    library = PracticeLibrary(dialogues)
    report = library.reload()
    for problem in report.problems:
        print(problem)
    practices = {p.scenario.id: p for p in library.practices()}
    passed = failed = 0
    for path in scenario_files(paths or [dialogues / "tests"]):
        try:
            result = run_transcript_file(path, practices)
        except ScenarioError as exc:
            for problem in exc.problems:
                print(problem)
            failed += 1
            continue
        for problem in result.problems:
            print(problem)
        passed += result.passed
        failed += result.failed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not report.ok else 0
