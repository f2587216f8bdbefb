"""Webhook mode: Telegram's POSTs are answered only when they carry the shared secret.

The bot registers its webhook with the fake Bot API, listens on a local port through
PTB's own web server, and answers through the fake. Anyone else who finds the URL
gets a 403 and changes nothing.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram.ext import Application

from tests.bot_harness import mini_library, run_bot
from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram
from tests.scenarios import MINI

SECRET = "s3cret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PUBLIC_URL = "https://practice.example.org/telegram-hook"
URL_PATH = "telegram-hook"
USER = 8101


@dataclass
class Hooked:
    tg: FakeTelegram
    app: Application  # type: ignore[type-arg]
    url: str
    done: set[int]

    async def post(self, update: dict[str, Any], secret: str | None) -> httpx.Response:
        """POST ``update`` to the bot as Telegram would (with ``secret`` in the header)."""
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        async with httpx.AsyncClient(timeout=5) as client:
            return await client.post(self.url, json=update, headers=headers)

    async def settled(self, update_id: int) -> None:
        """Wait until every handler is done with ``update_id`` (its replies all sent)."""
        for _ in range(1000):
            if update_id in self.done:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"update {update_id} was not handled within 10 s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _text_update(update_id: int, text: str, user: int = USER) -> dict[str, Any]:
    """A private text message exactly as Telegram would POST it."""
    sender = {"id": user, "is_bot": False, "first_name": "Robin", "language_code": "en"}
    message: dict[str, Any] = {
        "message_id": update_id, "date": int(time.time()), "text": text, "from": sender,
        "chat": {"id": user, "type": "private", "first_name": "Robin"},
    }
    if text.startswith("/"):
        length = len(text.split()[0])
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"update_id": update_id, "message": message}


@pytest.fixture
async def hooked(tmp_path: Path) -> AsyncIterator[Hooked]:
    async with FakeTelegram() as tg:
        library = mini_library(tmp_path / "d")
        port = _free_port()
        webhook = {"listen": "127.0.0.1", "port": port, "url_path": URL_PATH,
                   "webhook_url": PUBLIC_URL, "secret_token": SECRET}
        async with run_bot(tg, library, tmp_path / "bot.db", webhook=webhook) as running:
            tg.add_user(USER, first_name="Robin")  # the user has opened a chat with the bot
            yield Hooked(tg, running.app, f"http://127.0.0.1:{port}/{URL_PATH}", running.done)


async def test_the_webhook_is_registered_with_the_secret(hooked: Hooked) -> None:
    [call] = hooked.tg.calls_to("setWebhook", ok_only=True)
    assert call.params["url"] == PUBLIC_URL
    assert call.params["secret_token"] == SECRET
    assert not hooked.tg.calls_to("getUpdates")  # no polling alongside the webhook


async def test_an_update_with_the_right_secret_is_answered_through_the_api(
    hooked: Hooked,
) -> None:
    response = await hooked.post(_text_update(1, "/start"), SECRET)
    assert response.status_code == 200
    await hooked.settled(1)
    texts = hooked.tg.texts(USER)
    assert texts[0].startswith("Hi Robin!")
    assert "Choose a scenario" in texts[1]
    store = hooked.app.bot_data["conversation"].store
    assert await store.was_processed(USER, 1)


@pytest.mark.parametrize("secret", ["wrong", "", None], ids=["wrong", "empty", "missing"])
async def test_an_update_without_the_right_secret_is_refused_and_ignored(
    hooked: Hooked, secret: str | None,
) -> None:
    response = await hooked.post(_text_update(7, "/start"), secret)
    assert response.status_code == 403
    # Give a wrongly accepted update time to be handled before checking nothing happened.
    await hooked.post(_text_update(8, "/help"), SECRET)
    await hooked.settled(8)
    assert 7 not in hooked.done
    assert not await hooked.app.bot_data["conversation"].store.was_processed(USER, 7)
    texts = hooked.tg.texts(USER)
    assert len(texts) == 1 and "/scenarios" in texts[0], texts  # only the /help answer


# -- settings check of `python -m bot run` ---------------------------------------------
def _run_bot(tmp: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    drop = ("TELEGRAM_", "DATABASE_", "WEBHOOK_", "MODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    dialogues = tmp / "dialogues"
    dialogues.mkdir(exist_ok=True)
    (dialogues / "mini.yaml").write_text(MINI.read_text(encoding="utf-8"), encoding="utf-8")
    env.update(DIALOGUES_DIR=str(dialogues), DATA_DIR=str(tmp / "data"),
               TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, **extra)
    return subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("secret", [None, ""], ids=["unset", "empty"])
def test_webhook_mode_without_a_secret_exits_2_with_one_clear_line(
    tmp_path: Path, secret: str | None,
) -> None:
    extra = {"MODE": "webhook", "WEBHOOK_URL": PUBLIC_URL}
    if secret is not None:
        extra["WEBHOOK_SECRET"] = secret
    result = _run_bot(tmp_path, **extra)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "WEBHOOK_SECRET" in lines[0]
    assert "Traceback" not in result.stderr
    assert DEFAULT_TOKEN.split(":")[1] not in result.stderr + result.stdout
