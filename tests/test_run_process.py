"""``python -m bot run`` as a separate process: settings errors, and SIGKILL mid-session."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.catalogue import available_languages
from tests.fake_telegram import DEFAULT_TOKEN, RemoteFakeTelegram, spawn_fake_telegram
from tests.scenarios import MINI, ROOT

TRAINEE = 7007
#: setMyCommands calls per start: the default list, then one per translation.
COMMAND_LISTS = len(available_languages())


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    dialogues = tmp / "dialogues"
    dialogues.mkdir(exist_ok=True)
    (dialogues / "mini.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    env.update(
        DIALOGUES_DIR=str(dialogues),
        DATA_DIR=str(tmp / "data"),
        DATABASE_URL=f"sqlite:///{tmp / 'data' / 'bot.db'}",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def _bot(tmp: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp, env=_env(tmp, **extra),
                          capture_output=True, text=True, timeout=60)


def test_missing_token_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    result = _bot(tmp_path)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_token_is_rejected_without_echoing_it(tmp_path: Path) -> None:
    result = _bot(tmp_path, TELEGRAM_BOT_TOKEN="not-a-token-secret123")
    assert result.returncode == 2
    assert "malformed" in result.stderr and "secret123" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def fake() -> Iterator[RemoteFakeTelegram]:
    with spawn_fake_telegram() as remote:
        yield remote


def _start(tmp: Path, fake: RemoteFakeTelegram, log: Path) -> subprocess.Popen[str]:
    env = _env(tmp, TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_BASE_URL=fake.base_url,
               TELEGRAM_BASE_FILE_URL=fake.base_file_url, LOG_LEVEL="INFO")
    handle = log.open("a", encoding="utf-8")
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                            stdout=handle, stderr=subprocess.STDOUT, text=True)


def _wait_texts(fake: RemoteFakeTelegram, count: int, timeout: float = 60) -> list[dict[str, Any]]:
    messages = fake.messages(TRAINEE, count=count, timeout=timeout)
    assert len(messages) >= count, [m.get("text") for m in messages]
    return messages


def test_sigkill_mid_session_then_restart_continues(
    tmp_path: Path, fake: RemoteFakeTelegram
) -> None:
    log = tmp_path / "bot.log"
    bot = _start(tmp_path, fake, log)
    try:
        fake.wait_calls("setMyCommands", COMMAND_LISTS, timeout=60)
        fake.send_text(TRAINEE, "/start")
        messages = _wait_texts(fake, 2)
        fake.press_button(TRAINEE, messages[-1]["message_id"], "s:mini")
        _wait_texts(fake, 4)  # brief and Sam's opening line
        fake.send_text(TRAINEE, "it sounds like you're worried about being blamed")
        messages = _wait_texts(fake, 6)  # Sam's reply and the feedback
        assert messages[-2]["text"].startswith("Sam:")
        time.sleep(0.3)  # let the polling loop confirm the update
    finally:
        bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=10)

    bot = _start(tmp_path, fake, log)
    try:
        fake.wait_calls("setMyCommands", 2 * COMMAND_LISTS, timeout=60)
        fake.send_text(TRAINEE, "would you come to one joint session and then decide")
        messages = _wait_texts(fake, 8)
        # Openness was 5 after the reflection, so the invitation now succeeds: the
        # session continued exactly where it was, not from the start.
        assert messages[6]["text"] == "<b>Sam</b>: OK, one session." or \
            messages[6]["text"] == "Sam: OK, one session."
        assert not [c for c in fake.calls() if not c.get("ok", True)]
    finally:
        bot.terminate()
        bot.wait(timeout=20)
    output = log.read_text(encoding="utf-8")
    assert DEFAULT_TOKEN not in output
    assert DEFAULT_TOKEN.split(":")[1] not in output


def test_token_is_redacted_from_tracebacks_too() -> None:
    import logging

    from bot.telegram.run import RedactingFormatter

    formatter = RedactingFormatter(DEFAULT_TOKEN, "%(message)s")
    try:
        raise RuntimeError(f"GET https://api.telegram.org/bot{DEFAULT_TOKEN}/getMe failed")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom %s", (DEFAULT_TOKEN,),
                                   sys.exc_info())
    text = formatter.format(record)
    assert DEFAULT_TOKEN not in text and text.count("<token>") == 2
