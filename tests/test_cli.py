"""The command-line verbs, run as a user runs them: ``python -m bot …`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.scenarios import MINI, ROOT

BROKEN = Path(__file__).parent / "fixtures" / "broken"


def bot(*args: str, stdin: str = "", env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, input=stdin, capture_output=True,
        text=True, timeout=120, env={**os.environ, **(env or {})},
    )


def play_mini(script: str) -> str:
    """What ``python -m bot play mini`` prints for this typed input."""
    result = bot("play", "mini", "--dialogues", str(MINI.parent), stdin=script)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_play_scripted_reads_one_message_per_line() -> None:
    script = "\n".join([
        "/hint",
        "it sounds like you're worried about being blamed",
        "would you come to one joint session and then decide",
        "/quit",
    ])
    out = play_mini(script)
    assert "Hint: Find out what worries Sam." in out
    assert "Sam: OK, one session." in out
    assert "Reflection (helpful)" in out
    assert "Outcome: goal reached" in out
    assert "\033[" not in out  # plain output when not a terminal


def test_play_without_scenario_lists_them_and_asks() -> None:
    result = bot("play", "--dialogues", str(MINI.parent), stdin="1\n/quit\n")
    assert result.returncode == 0
    assert "1. mini: Mini practice" in result.stdout
    assert "Sam:" in result.stdout


def test_play_restart_and_guided_option() -> None:
    result = bot("play", "mini", "--dialogues", str(MINI.parent), stdin="/1\n/restart\n/quit\n")
    assert "Or pick a reply:\n  /1  It sounds like" in result.stdout
    # The pick is shown as what was said, not as "/1" (seventeenth play-test).
    assert "You: /1\nYou picked: It sounds like you're worried about being blamed.\n" \
        in result.stdout
    assert "Starting again." in result.stdout


def test_play_unknown_scenario_exits_2() -> None:
    result = bot("play", "nope", "--dialogues", str(MINI.parent))
    assert result.returncode == 2
    assert "Unknown scenario 'nope'" in result.stdout


def test_validate_exit_codes() -> None:
    good = bot("validate", str(MINI))
    assert good.returncode == 0 and "0 error(s)" in good.stdout
    bad = bot("validate", str(BROKEN / "bad_reference.yaml"))
    assert bad.returncode == 1
    assert f"{BROKEN / 'bad_reference.yaml'}:55:16: error:" in bad.stdout
    warn = bot("validate", str(BROKEN / "missing_hint.yaml"))
    assert warn.returncode == 0 and ": warning: " in warn.stdout


def test_classify_writes_json_lines() -> None:
    lines = "\n".join([
        "it sounds like you're worried about being blamed",
        json.dumps({"text": "what time is the shop open", "previous": "Sorry?"}),
        "you have to come, there's no choice",
    ])
    result = bot("classify", "--scenario", "mini", "--dialogues", str(MINI.parent), stdin=lines)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows][1] == "what time is the shop open"
    assert rows[0]["moves"][0]["id"] == "reflect"
    assert rows[1]["moves"] == []
    assert rows[2]["moves"][0]["id"] == "pressure"
    assert all(0 <= m["confidence"] <= 1 for r in rows for m in r["moves"])


def test_every_bundled_scenario_passes_the_exported_schema() -> None:
    """An editor checks files against this schema: a declared question (`say`/`yes`)
    matched both a translation mapping and an answered line, so it was flagged."""
    import jsonschema

    from bot.cli.schema import scenario_schema
    from bot.scenario.yaml_source import load_yaml

    validator = jsonschema.Draft202012Validator(scenario_schema())
    files = [*sorted((ROOT / "dialogues").glob("*.yaml")), MINI]
    for path in files:  # read as YAML 1.2, as editors do ("on:" is a key, not true)
        data, _ = load_yaml(path, path.read_text(encoding="utf-8"))
        errors = [e.message[:200] for e in validator.iter_errors(data)]
        assert errors == [], (path.name, errors[:3])
    answered = {"states": {"s": {"lines": [{"say": "Ok?", "yes_means": "greet"}]}}}
    translated = {"states": {"s": {"lines": [{"en": "Ok?", "de": "Gut?"}]}}}
    line_schema = scenario_schema()
    for part in (answered, translated):
        state = line_schema["$defs"]["State"]  # type: ignore[index]
        jsonschema.Draft202012Validator(
            {**state, "$defs": line_schema["$defs"]}).validate(part["states"]["s"])


def test_schema_is_json_schema_for_the_format() -> None:
    result = bot("schema")
    schema = json.loads(result.stdout)
    assert {"id", "moves", "states", "endings", "unclear"} <= set(schema["properties"])
    assert "moves" in schema["required"]


def test_graph_draws_mermaid() -> None:
    result = bot("graph", str(MINI))
    assert result.stdout.startswith("stateDiagram-v2")
    assert "guarded --> agreed: invite [openness >= 6]" in result.stdout


def test_flagship_transcripts_pass() -> None:
    result = bot("test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 failed" in result.stdout


def _test_one_reflection(tmp_path: Path, expectations: str) -> tuple[Path, str]:
    """Run `bot test` on one mini transcript: a reflection, then ``expectations``."""
    transcript = tmp_path / "t.yaml"
    transcript.write_text(
        "scenario: mini\n"
        "transcripts:\n"
        "  - name: one reflection\n"
        "    turns:\n"
        "      - say: it sounds like you're worried about being blamed\n" + expectations,
        encoding="utf-8",
    )
    result = bot("test", str(transcript), "--dialogues", str(MINI.parent))
    assert result.returncode == 1
    return transcript, result.stdout


def test_broken_transcript_points_at_the_line(tmp_path: Path) -> None:
    transcript, out = _test_one_reflection(tmp_path, "        state: defensive\n")
    assert f"{transcript}:6:16: error: fail: Sam is in 'warming', not 'defensive'" in out


def test_misspelt_names_in_a_transcript_get_a_did_you_mean(tmp_path: Path) -> None:
    transcript, out = _test_one_reflection(
        tmp_path, "        moves: [reflekt]\n        state: warmin\n    ending: agred\n"
    )
    assert f"{transcript}:6:17: error: unknown move 'reflekt' (did you mean 'reflect'?)" in out
    assert f"{transcript}:7:16: error: unknown state or ending 'warmin' (did you mean " \
        "'warming'?)" in out
    assert f"{transcript}:8:13: error: unknown ending 'agred' (did you mean 'agreed'?)" in out
    assert "fail:" not in out  # not run against expectations that cannot be met


def test_play_mistyped_commands_cost_no_turn_and_end_shows_the_summary() -> None:
    script = "/help\n/9\nit sounds like you're worried about being blamed\n/end\nhello?\n/quit\n"
    result = bot("play", "mini", "--dialogues", str(MINI.parent), stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "There is no command /help." in out and "There is no command /9." in out
    assert "You ended the conversation." in out
    assert "Turns: 1" in out  # only the reflection was a turn
    assert "The conversation has ended." in out  # nothing more goes to Sam
    assert "WARNING" not in result.stderr


def test_play_shows_the_transcript_the_debrief_points_to() -> None:
    """A debrief says "the feedback on each turn, in the transcript, says why",
    and the terminal had no transcript (thirtieth play-test)."""
    out = play_mini("it sounds like you're worried about being blamed\n/end\n/transcript\n/quit\n")
    assert "Type /transcript for the whole conversation" in out
    assert "Transcript: Mini practice" in out
    assert "[1] You: it sounds like you're worried about being blamed" in out
    assert "Feedback:\n    • Reflection (helpful)" in out


def test_play_end_on_the_flagship_says_where_the_trainee_stood() -> None:
    """Stopping early showed only figures (twenty-fifth play-test); the flagship's
    stopped-early debrief now says what came next."""
    script = "Hi Sam, thanks for taking my call.\nThat sounds really hard.\n/end\n/quit\n"
    result = bot("play", "hesitant_partner", "--seed", "3", stdin=script)
    assert result.returncode == 0, result.stderr
    assert "You stopped before Sam made a decision." in result.stdout
    assert "You stopped after only a few messages" in result.stdout


def test_classify_survives_other_encodings_and_reports_unusable_json() -> None:
    lines = [
        b"caf\xe9 ok?",  # Windows-1252, not UTF-8
        b'{"text": "What worries you?", ',
        b'{"txt": "hello"}',
        json.dumps({"text": "Hi", "previous": 5}).encode(),
    ]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "classify"], cwd=ROOT, input=b"\n".join(lines),
        capture_output=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr.decode()
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(rows) == 4 and rows[0]["text"] == "caf\ufffd ok?" and rows[3]["text"] == "Hi"
    errors = result.stderr.decode()
    assert "line 2: not valid JSON" in errors
    assert 'line 3: JSON without a "text" string' in errors
    assert 'line 4: "previous" is not a string' in errors


def test_graph_of_a_folder_or_a_broken_file_is_one_clear_line(tmp_path: Path) -> None:
    folder = bot("graph", str(MINI.parent))
    assert folder.returncode == 2
    assert folder.stderr == f"error: {MINI.parent} is a folder; give one scenario file, " \
        f"e.g. {MINI.parent}/<id>.yaml\n"
    broken = bot("graph", str(BROKEN / "syntax_error.yaml"))
    assert broken.returncode == 2
    assert broken.stderr.count("error:") == 1 and "Traceback" not in broken.stderr


def test_play_says_so_while_it_learns_edited_examples_and_not_once_cached(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "dialogues"
    folder.mkdir()
    (folder / "mini.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    env = {"DATA_DIR": str(tmp_path / "data")}
    first = bot("play", "mini", "--dialogues", str(folder), stdin="/quit\n", env=env)
    assert first.returncode == 0, first.stderr
    assert "Learning the example phrases of mini" in first.stderr
    assert "Learned mini from" in first.stderr
    assert "Learning" not in first.stdout
    again = bot("play", "mini", "--dialogues", str(folder), stdin="/quit\n", env=env)
    assert again.returncode == 0, again.stderr
    assert "Learning" not in again.stderr
