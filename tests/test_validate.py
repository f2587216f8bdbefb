"""Each validation check has a broken fixture; the exact line and column are asserted."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import Problem
from bot.scenario.validate import validate_paths

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"
THIN = "example(s): write at least"


def problems(paths: list[Path]) -> list[Problem]:
    """Everything but the warnings about the mini fixture's deliberately few examples."""
    return [p for p in validate_paths(paths) if THIN not in p.message]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad_reference.yaml",
         "55:16: error: unknown state or ending 'warmin' (did you mean 'warming'?)"),
        ("unknown_move.yaml", "80:7: error: unknown move 'reflekt' (did you mean 'reflect'?)"),
        ("duplicate_key.yaml", "68:5: error: duplicate key 'hint' (first written at line 67)"),
        ("unreachable_state.yaml", "81:3: warning: state 'lonely' can't be reached"),
        ("dead_end.yaml", "76:3: error: state 'defensive' has no way out"),
        ("no_ending.yaml", "81:3: error: no ending can be reached from 'stuck'"),
        ("unreachable_ending.yaml", "82:3: warning: ending 'never' can't be reached"),
        ("unused_move.yaml", "46:3: warning: move 'greet' is never used"),
        ("duplicate_example.yaml",
         "44:9: error: example 'how about trying a single session together' "
         "is also an example of 'invite'"),
        ("missing_feedback.yaml", "34:5: error: move 'invite' has no feedback"),
        ("missing_hint.yaml", "76:3: warning: state 'defensive' has no hint"),
        ("syntax_error.yaml", "12:6: error: YAML syntax: expected ',' or ']', but got ':'"),
        ("unknown_key.yaml", "52:5: error: unknown key 'hnit' (did you mean 'hint'?)"),
        ("bad_condition.yaml",
         "58:15: error: unknown name 'openess' in condition (did you mean 'openness'?): "
         "use openness, turn, unhelpful, reflections, questions or a move id"),
        ("missing_key.yaml", "88:5: error: missing required key 'debrief'"),
    ],
)
def test_each_check_names_file_line_and_column(name: str, expected: str) -> None:
    path = BROKEN / name
    found = [str(p) for p in validate_paths([path])]
    assert f"{path}:{expected}" in found, found


def test_valid_fixture_has_no_problems() -> None:
    assert problems([FIXTURES / "valid" / "mini.yaml"]) == []


def test_a_move_with_few_examples_is_a_warning(tmp_path: Path) -> None:
    path = FIXTURES / "valid" / "mini.yaml"
    thin = [str(p) for p in validate_paths([path])]
    assert f"{path}:19:5: warning: move 'reflect' has only 4 example(s): write at least 20, " \
        "worded differently, so trainees' own words are recognised" in thin
    assert len(thin) == 3  # one per move
    text = path.read_text(encoding="utf-8")
    line = "      - it sounds like you're worried about being blamed\n"
    more = "".join(line.replace("blamed", f"blamed, take {i}") for i in range(16))
    (tmp_path / "mini.yaml").write_text(text.replace(line, line + more, 1), encoding="utf-8")
    assert "'reflect'" not in " ".join(str(p) for p in validate_paths([tmp_path]))


def test_flagship_has_no_errors() -> None:
    found = validate_paths([Path(__file__).parent.parent / "dialogues"])
    assert [p for p in found if p.severity == "error"] == []


def test_missing_file_is_reported() -> None:
    [problem] = validate_paths([BROKEN / "nope.yaml"])
    assert problem.severity == "error" and "no such file" in problem.message


def test_a_copied_scenario_keeping_its_id_is_an_error(tmp_path: Path) -> None:
    text = (FIXTURES / "valid" / "mini.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b_copy.yaml").write_text(text, encoding="utf-8")
    [problem] = problems([tmp_path])
    assert str(problem).startswith(f"{tmp_path / 'b_copy.yaml'}:2:1: error: scenario id 'mini'")
    assert f"already used by {tmp_path / 'a.yaml'}" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    label: Reflection", "\tlabel: Reflection", "indent with spaces, not tabs"),
        ("      - you seem unsure whether this is worth your time",
         "      - Note: you seem unsure", "put the whole text in double quotes"),
        ("    label: Reflection", "  label: Reflection", "check the indentation"),
    ],
    ids=["tab", "unquoted-colon", "dedent"],
)
def test_common_yaml_slips_are_explained_in_plain_words(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = (FIXTURES / "valid" / "mini.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "mini.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    [problem] = problems([path])
    assert problem.severity == "error" and expected in problem.message, problem


def test_an_example_written_twice_in_one_move_is_a_warning(tmp_path: Path) -> None:
    text = (FIXTURES / "valid" / "mini.yaml").read_text(encoding="utf-8")
    line = "      - you seem unsure whether this is worth your time\n"
    assert line in text
    path = tmp_path / "mini.yaml"
    path.write_text(text.replace(line, line + line.replace("you seem", "You seem"), 1),
                    encoding="utf-8")
    [problem] = problems([path])
    assert problem.severity == "warning" and "written twice in 'reflect'" in problem.message


def test_the_benchmarks_second_scenario_stays_valid() -> None:
    """bench/other_scenario.py reads it; a format change must not break it unnoticed."""
    path = Path(__file__).parent.parent / "bench" / "data" / "scenario2"
    assert validate_paths([path]) == []


def _mini_after(tmp_path: Path, old: str, added: str) -> tuple[Path, int]:
    """The mini fixture with ``added`` written after ``old``, and the line ``added`` starts on."""
    text = (FIXTURES / "valid" / "mini.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "mini.yaml"
    path.write_text(text.replace(old, old + added, 1), encoding="utf-8")
    return path, text[: text.index(old) + len(old)].count("\n") + 1


def test_a_tip_for_a_skill_the_bot_cannot_read_names_its_line(tmp_path: Path) -> None:
    path, line = _mini_after(tmp_path, "    feedback: Putting Sam's worry into words lowers "
                             "the guard.\n", "    skill_notes:\n      closed_questoin: Ask.\n")
    [problem] = problems([path])
    assert problem.severity == "error" and (problem.line, problem.column) == (line + 1, 7)
    assert "closed_questoin" in problem.message and "closed_question" in problem.message


def test_a_move_id_with_a_capital_is_explained_at_the_id(tmp_path: Path) -> None:
    """The check for skill typos in ``skill_notes`` first caught bad ids too, and
    said "can't be used here" instead of what a valid id looks like (review)."""
    text = (FIXTURES / "valid" / "mini.yaml").read_text(encoding="utf-8")
    path = tmp_path / "mini.yaml"
    path.write_text(text.replace("  reflect:\n    label:", "  Reflect:\n    label:", 1),
                    encoding="utf-8")
    found = [p for p in problems([path]) if "'Reflect'" in p.message]
    assert found and "is not a valid id" in found[0].message, found
    assert (found[0].line, found[0].column) == (15, 3)


def test_a_stopped_early_note_with_a_misspelt_move_names_its_line(tmp_path: Path) -> None:
    path, line = _mini_after(tmp_path, "    debrief: Pressure closed the door.\n",
                             "stopped_early:\n  debrief: Stopped.\n  debrief_notes:\n"
                             "    - if: reflekt >= 1\n      text: Ok.\n")
    [problem] = problems([path])
    assert problem.severity == "error" and "did you mean 'reflect'" in problem.message, problem
    assert (problem.line, problem.column) == (line + 3, 11), problem


def test_a_debrief_note_with_a_misspelt_move_names_its_line(tmp_path: Path) -> None:
    path, line = _mini_after(tmp_path, "    debrief: You listened first, then invited.\n",
                             "    debrief_notes:\n      - if: reflekt >= 2\n        text: Ok.\n")
    [problem] = problems([path])
    assert problem.severity == "error" and "'reflekt'" in problem.message, problem
    assert "did you mean 'reflect'" in problem.message
    assert (problem.line, problem.column) == (line + 1, 13), problem
