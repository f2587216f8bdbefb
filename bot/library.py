"""The scenarios a running program offers, ready to play, reloadable without a restart.

A reload that finds a broken file keeps serving that scenario's last good
version and reports the problems, so an educator's typo never takes a
running bot down.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine.practice import Practice
from bot.engine.recognition import Recognizer
from bot.errors import Problem, ScenarioError, UnknownScenarioError
from bot.scenario.loader import parse_scenario
from bot.scenario.model import Scenario
from bot.scenario.validate import scenario_files

log = logging.getLogger(__name__)

RecognizerFactory = Callable[[Scenario], Recognizer]


def default_recognizer(scenario: Scenario, cache_dir: Path | None = None) -> Recognizer:
    """The full recogniser (moves with embeddings when installed, plus skills).

    Fitted move models are cached in ``cache_dir`` (by default ``DATA_DIR/cache``)
    by the file's hash. Imported lazily: tools that never read text stay light.
    """
    from bot.recognition.embedding import get_embedder
    from bot.recognition.recognizer import ScenarioRecognizer

    if cache_dir is None:
        from bot.settings import load_settings

        cache_dir = load_settings().data_dir / "cache"
    return ScenarioRecognizer(scenario, embedder=get_embedder(), cache_dir=cache_dir)


def forget_message_texts() -> None:
    """Drop every trainee text the recogniser keeps in memory (its sentence cache).

    Called when a trainee deletes their data: the cache is keyed by the text
    itself. Clearing all of it costs only a few model runs for other trainees.
    """
    import sys

    embedding = sys.modules.get("bot.recognition.embedding")  # never loaded: nothing kept
    if embedding is not None:
        embedder = embedding.get_embedder()
        if embedder is not None:
            embedder.cache.clear()


@dataclass
class ReloadReport:
    """What a (re)load changed."""

    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


class PracticeLibrary:
    """Scenario id → ready ``Practice``; the one place scenarios are loaded."""

    def __init__(self, folder: Path, recognizer: RecognizerFactory = default_recognizer) -> None:
        self.folder = folder
        self.make_recognizer = recognizer
        self._practices: dict[str, Practice] = {}
        self._files: dict[Path, str] = {}
        self._reloading = threading.Lock()

    def reload(self) -> ReloadReport:
        """(Re)load every file in the folder; broken files keep their last good version.

        Safe to call from a worker thread while turns are served: one reload
        runs at a time, and a practice is swapped in only once it is ready.
        """
        with self._reloading:
            return self._reload()

    def _reload(self) -> ReloadReport:
        report = ReloadReport()
        seen: set[Path] = set()
        for path in scenario_files([self.folder]):
            seen.add(path)
            try:
                self._reload_file(path, report)
            except Exception:  # a bug or a broken model must not stop the other files
                log.exception("could not load %s; keeping its last good version", path)
                report.problems.append(Problem(
                    str(path), 1, 1, "error",
                    "this file could not be loaded because of an unexpected error "
                    "(details are in the bot's log)"))
                if path in self._files:
                    report.kept.append(self._files[path])
        for path in set(self._files) - seen:
            scenario_id = self._files.pop(path)
            self._practices.pop(scenario_id, None)
            report.removed.append(scenario_id)
        for problem in report.problems:
            log.warning("scenario problem: %s", problem)
        return report

    def _reload_file(self, path: Path, report: ReloadReport) -> None:
        """Load one file into the library; on a problem, its last good version stays."""
        try:
            scenario = parse_scenario(path)
        except ScenarioError as exc:
            report.problems += exc.problems
            if path in self._files:
                report.kept.append(self._files[path])
            return
        other = next((p for p, i in self._files.items() if i == scenario.id and p != path), None)
        if other is not None:
            report.problems.append(
                Problem(str(path), 1, 1, "error",
                        f"scenario id '{scenario.id}' is already used by {other}")
            )
            return
        old = self._practices.get(scenario.id)
        if old is not None and old.scenario.digest == scenario.digest:
            report.unchanged.append(scenario.id)
            self._files[path] = scenario.id
            return
        self._practices[scenario.id] = Practice(scenario, self.make_recognizer(scenario))
        self._files[path] = scenario.id
        report.loaded.append(scenario.id)

    def get(self, scenario_id: str) -> Practice:
        try:
            return self._practices[scenario_id]
        except KeyError:
            raise UnknownScenarioError(scenario_id) from None

    def __contains__(self, scenario_id: object) -> bool:
        return scenario_id in self._practices

    def ids(self) -> list[str]:
        return sorted(self._practices)

    def practices(self) -> list[Practice]:
        return [self._practices[i] for i in self.ids()]


def find_scenario(folder: Path, scenario_id: str) -> Scenario:
    """Load just the scenario with this id (cheaper than a whole library)."""
    known: list[str] = []
    for path in scenario_files([folder]):
        try:
            scenario = parse_scenario(path)
        except ScenarioError:
            continue
        if scenario.id == scenario_id:
            return scenario
        known.append(scenario.id)
    raise UnknownScenarioError(
        f"no scenario '{scenario_id}' in {folder} (known: {', '.join(sorted(known)) or 'none'})"
    )


def list_scenarios(folder: Path) -> list[Scenario]:
    """Every loadable scenario in ``folder``, by id."""
    found: dict[str, Scenario] = {}
    for path in scenario_files([folder]):
        try:
            scenario = parse_scenario(path)
        except ScenarioError as exc:
            log.warning("skipping broken scenario: %s", exc.problems[0])
            continue
        if scenario.id in found:  # as the bot does: the first file keeps the id
            log.warning("skipping %s: scenario id '%s' is already used by %s",
                        path, scenario.id, found[scenario.id].path)
            continue
        found[scenario.id] = scenario
    return sorted(found.values(), key=lambda s: s.id)
