"""Reloading scenarios without a restart; a broken edit keeps the last good version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.errors import UnknownScenarioError
from bot.library import PracticeLibrary
from bot.recognition.recognizer import ScenarioRecognizer
from bot.scenario.model import Scenario
from tests.scenarios import MINI


def _lexical(scenario: Scenario) -> ScenarioRecognizer:
    return ScenarioRecognizer(scenario, with_skills=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(MINI, tmp_path / "mini.yaml")
    return tmp_path


def test_broken_edit_keeps_the_last_good_version(folder: Path) -> None:
    library = PracticeLibrary(folder, _lexical)
    assert library.reload().loaded == ["mini"]
    good = library.get("mini")
    path = folder / "mini.yaml"
    path.write_text(path.read_text().replace("reflect: warming", "reflect: warmin", 1))
    report = library.reload()
    assert report.kept == ["mini"] and not report.ok
    assert str(report.problems[0]).startswith(f"{path}:")
    assert "did you mean 'warming'" in report.problems[0].message
    assert library.get("mini") is good


def test_a_fixed_file_is_picked_up_and_unchanged_files_are_not_refitted(folder: Path) -> None:
    library = PracticeLibrary(folder, _lexical)
    library.reload()
    first = library.get("mini")
    assert library.reload().unchanged == ["mini"]
    assert library.get("mini") is first
    path = folder / "mini.yaml"
    path.write_text(path.read_text().replace("title: Mini practice", "title: Mini practice 2"))
    assert library.reload().loaded == ["mini"]
    assert library.get("mini") is not first


def test_removed_file_removes_the_scenario(folder: Path) -> None:
    library = PracticeLibrary(folder, _lexical)
    library.reload()
    (folder / "mini.yaml").unlink()
    assert library.reload().removed == ["mini"]
    with pytest.raises(UnknownScenarioError):
        library.get("mini")


def test_two_files_with_one_id_are_refused(folder: Path) -> None:
    shutil.copy(MINI, folder / "copy.yaml")
    library = PracticeLibrary(folder, _lexical)
    report = library.reload()
    assert library.ids() == ["mini"]
    assert any("already used" in p.message for p in report.problems)
