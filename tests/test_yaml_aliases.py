"""YAML aliases that never end or explode in size are located problems, not crashes.

Real files on disk, loaded the way the bot, ``/reload`` and ``python -m bot validate`` do.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.errors import ScenarioError
from bot.library import PracticeLibrary
from bot.recognition.recognizer import ScenarioRecognizer
from bot.scenario.loader import parse_scenario
from bot.scenario.model import Scenario
from bot.scenario.yaml_source import load_yaml
from tests.scenarios import MINI, ROOT

RECURSIVE = "id: &a [*a]\n"
#: Seven levels of ten aliases: 10 million values once expanded ("billion laughs").
BOMB = "".join(
    "a{0}: &a{0} [{1}]\n".format(i, ", ".join([f"*a{i - 1}" if i else "x"] * 10))
    for i in range(7)
) + "id: bomb\n"


def _lexical(scenario: Scenario) -> ScenarioRecognizer:
    return ScenarioRecognizer(scenario, with_skills=False)


def _problem(path: Path) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(path)
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def test_an_alias_inside_its_own_value_is_a_located_problem(tmp_path: Path) -> None:
    path = tmp_path / "recursive.yaml"
    path.write_text(RECURSIVE, encoding="utf-8")
    problem = _problem(path)
    assert problem.startswith(f"{path}:1:9: error: ")  # the '*a'
    assert "refers to itself" in problem


def test_a_merge_key_inside_its_own_mapping_is_caught_too(tmp_path: Path) -> None:
    path = tmp_path / "merge.yaml"
    path.write_text("id: x\npersona: &p\n  name: Sam\n  <<: *p\n", encoding="utf-8")
    assert path.name + ":4:7: error: " in _problem(path)


def test_exploding_aliases_are_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    started = time.monotonic()
    problem = _problem(path)
    assert time.monotonic() - started < 2
    assert "too many aliases" in problem
    assert f"{path}:4:45: error: " in problem  # the alias that goes over the limit


def test_modest_aliases_still_work(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    path.write_text(
        "base: &b {name: Sam, lines: [a, b]}\none: *b\ntwo:\n  <<: *b\n  age: 3\n",
        encoding="utf-8",
    )
    data, source = load_yaml(path)
    assert data["one"] == {"name": "Sam", "lines": ["a", "b"]}
    assert data["two"] == {"name": "Sam", "lines": ["a", "b"], "age": 3}
    assert source.locate(("one", "lines", 1)).line == 1


def test_nesting_too_deep_for_python_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("id: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    assert "nested too deeply" in _problem(path)


def test_reload_keeps_the_last_good_version_and_loads_the_rest(tmp_path: Path) -> None:
    shutil.copy(MINI, tmp_path / "mini.yaml")
    other = tmp_path / "other.yaml"
    other.write_text(MINI.read_text(encoding="utf-8").replace("id: mini", "id: other", 1),
                     encoding="utf-8")
    (tmp_path / "aa_bomb.yaml").write_text(BOMB, encoding="utf-8")
    library = PracticeLibrary(tmp_path, _lexical)
    report = library.reload()
    assert sorted(report.loaded) == ["mini", "other"]
    assert [p.file for p in report.problems] == [str(tmp_path / "aa_bomb.yaml")]
    good = library.get("other")
    other.write_text(RECURSIVE, encoding="utf-8")
    report = library.reload()
    assert report.kept == ["other"] and library.get("other") is good
    assert "refers to itself" in str(report.problems[-1])


def test_an_unexpected_error_in_one_file_does_not_stop_the_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.copy(MINI, tmp_path / "mini.yaml")
    other = tmp_path / "other.yaml"
    other.write_text(MINI.read_text(encoding="utf-8").replace("id: mini", "id: other", 1),
                     encoding="utf-8")
    failing = {"mini"}

    def flaky(scenario: Scenario) -> ScenarioRecognizer:
        if scenario.id in failing:
            raise RuntimeError("model file vanished")
        return _lexical(scenario)

    library = PracticeLibrary(tmp_path, flaky)
    with caplog.at_level(logging.ERROR, logger="bot.library"):
        report = library.reload()
    assert report.loaded == ["other"] and library.ids() == ["other"]
    assert [p.file for p in report.problems] == [str(tmp_path / "mini.yaml")]
    assert str(tmp_path / "mini.yaml") in caplog.text and "model file vanished" in caplog.text

    failing.clear()
    library.reload()
    good = library.get("mini")
    failing.add("mini")
    path = tmp_path / "mini.yaml"
    path.write_text(path.read_text().replace("title: Mini practice", "title: Mini 2"))
    report = library.reload()
    assert report.kept == ["mini"] and library.get("mini") is good


def test_validate_reports_it_like_any_other_problem(tmp_path: Path) -> None:
    shutil.copy(MINI, tmp_path / "mini.yaml")
    (tmp_path / "recursive.yaml").write_text(RECURSIVE, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "validate", str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{tmp_path / 'recursive.yaml'}:1:9: error: " in result.stdout
    assert "1 error(s)" in result.stdout
