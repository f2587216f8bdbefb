"""The libyaml fast path reads scenarios exactly as PyYAML's own parser does.

Scenarios are read with libyaml's parser (the pure-Python scanner took about a
second of the bot's start-up on the flagship), but educators' error positions
come from the same source map either way, and a file libyaml rejects is read
again by the pure-Python parser for PyYAML's wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ScenarioError
from bot.scenario import yaml_source
from bot.scenario.yaml_source import SourceMap, load_yaml
from tests.scenarios import ROOT

BUNDLED = sorted((ROOT / "dialogues").glob("*.yaml"))


def _read(loader: type, text: str) -> tuple[object, SourceMap]:
    source = SourceMap("x.yaml")
    data, _walker = yaml_source._compose(loader, text, source)
    return data, source


def test_libyaml_is_used_where_pyyaml_has_it() -> None:
    import yaml

    assert (yaml_source._FastLoader is not None) == bool(yaml.__with_libyaml__)


@pytest.mark.skipif(yaml_source._FastLoader is None, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
@pytest.mark.parametrize("variant", ["as written", "CRLF", "emoji and CJK"])
def test_both_parsers_give_the_same_values_and_positions(path: Path, variant: str) -> None:
    text = path.read_text(encoding="utf-8")
    if variant == "CRLF":
        text = text.replace("\n", "\r\n")
    elif variant == "emoji and CJK":
        text = text.replace("Sam", "Sam 😀 山姆")
    fast_data, fast = _read(yaml_source._FastLoader, text)  # type: ignore[arg-type]
    slow_data, slow = _read(yaml_source._ScenarioLoader, text)
    assert fast_data == slow_data
    assert fast.values == slow.values
    assert fast.keys == slow.keys
    assert len(fast.values) > 1000


def test_yaml_1_1_booleans_stay_text_on_the_fast_path(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text("on: yes\nanswer: No\nflag: true\n", encoding="utf-8")
    data, _ = load_yaml(path)
    assert data == {"on": "yes", "answer": "No", "flag": True}


def test_a_syntax_error_keeps_pyyaml_wording_and_position(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nmoves:\n  greet:\n\tlabel: Hi\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_yaml(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (4, 1)
    assert "indent with spaces, not tabs" in problem.message


def test_without_libyaml_the_pure_python_parser_reads_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flagship = ROOT / "dialogues" / "hesitant_partner.yaml"
    expected = load_yaml(flagship)
    monkeypatch.setattr(yaml_source, "_FastLoader", None)
    data, source = load_yaml(flagship)
    assert data == expected[0]
    assert source.values == expected[1].values


def test_data_files_read_the_same_through_libyaml() -> None:
    import yaml

    text = (ROOT / "bot" / "recognition" / "data" / "background.yaml").read_text(encoding="utf-8")
    assert yaml_source.safe_load(text) == yaml.load(text, Loader=yaml_source.StrictBoolLoader)
    assert yaml_source.safe_load("on: yes\nanswer: No\n") == {"on": "yes", "answer": "No"}
