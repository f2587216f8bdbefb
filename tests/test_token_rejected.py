"""``python -m bot run`` against the fake Telegram when the token is refused or startup fails.

A mistyped or revoked token is usually one character away from the real one, so it must
never reach stderr (journald keeps it): one clear line and exit 2, like other settings errors.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_telegram import DEFAULT_TOKEN, RemoteFakeTelegram, spawn_fake_telegram
from tests.scenarios import MINI, ROOT

#: Well-formed, so it passes the settings check, but not the fake's token.
WRONG_TOKEN = "987654321:AAWrongButWellFormedToken_abcdefgh"


@pytest.fixture(scope="module")
def fake() -> Iterator[RemoteFakeTelegram]:
    with spawn_fake_telegram() as remote:
        yield remote


def _run(tmp: Path, fake: RemoteFakeTelegram, token: str, **extra: str
         ) -> subprocess.CompletedProcess[str]:
    drop = ("TELEGRAM_", "DATABASE_", "WEBHOOK_", "MODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    dialogues = tmp / "dialogues"
    dialogues.mkdir(exist_ok=True)
    (dialogues / "mini.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    env.update(
        DIALOGUES_DIR=str(dialogues), DATA_DIR=str(tmp / "data"),
        DATABASE_URL=f"sqlite:///{tmp / 'data' / 'bot.db'}", PYTHONUNBUFFERED="1",
        TELEGRAM_BOT_TOKEN=token, TELEGRAM_BASE_URL=fake.base_url,
        TELEGRAM_BASE_FILE_URL=fake.base_file_url, LOG_LEVEL="DEBUG", **extra,
    )
    return subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=90)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _assert_no_token(result: subprocess.CompletedProcess[str], token: str) -> None:
    output = result.stdout + result.stderr
    assert token not in output
    assert token.split(":")[1] not in output


def test_rejected_token_is_one_clear_line_and_exit_2(
    tmp_path: Path, fake: RemoteFakeTelegram
) -> None:
    result = _run(tmp_path, fake, WRONG_TOKEN)
    _assert_no_token(result, WRONG_TOKEN)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last == "error: Telegram rejected the bot token; check TELEGRAM_BOT_TOKEN"


def test_rejected_token_in_webhook_mode_too(tmp_path: Path, fake: RemoteFakeTelegram) -> None:
    result = _run(tmp_path, fake, WRONG_TOKEN, MODE="webhook",
                  WEBHOOK_URL="https://example.invalid/hook", WEBHOOK_SECRET="s3cret-value",
                  WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(_free_port()))
    _assert_no_token(result, WRONG_TOKEN)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "Telegram rejected the bot token" in result.stderr


def test_unexpected_startup_error_naming_the_url_is_redacted(
    tmp_path: Path, fake: RemoteFakeTelegram
) -> None:
    # A proxy in front of Telegram that echoes the failing URL, token and all.
    fake.fail_next("getMe", 500, description=f"upstream failed for /bot{DEFAULT_TOKEN}/getMe")
    result = _run(tmp_path, fake, DEFAULT_TOKEN)
    _assert_no_token(result, DEFAULT_TOKEN)
    assert result.returncode == 1, result.stderr
    assert "/bot<token>/getMe" in result.stderr  # still useful for whoever reads the log
