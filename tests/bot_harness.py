"""Running the real bot in-process against the fake Bot API, shared by the Telegram tests.

A test can shorten PTB's read time-out (to provoke ``TimedOut`` quickly), name
admin ids, and wait on the handling of many updates. ``Running.say`` and
``press`` act as :data:`TRAINEE` unless given ``user``.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.library import PracticeLibrary
from bot.settings import Settings
from bot.telegram.app import build_application
from tests.fake_telegram import DEFAULT_TOKEN, FakeTelegram
from tests.scenarios import MINI

TRAINEE = 5001


@dataclass
class Running:
    """A started bot and the fake it talks to, with helpers that act as a trainee."""

    tg: FakeTelegram
    app: Application  # type: ignore[type-arg]
    settings: Settings
    done: set[int]

    async def say(self, text: str, user: int = TRAINEE, **kw: Any) -> int:
        """Send ``text`` and wait until the bot has answered it completely."""
        update_id = self.tg.user_sends_text(user, text, **kw)
        await self.settled(update_id)
        return update_id

    async def press(self, message_id: int, data: str, user: int = TRAINEE,
                    check: bool = True) -> int:
        update_id = self.tg.user_presses_button(user, message_id, data, check_button=check)
        await self.settled(update_id)
        return update_id

    async def settled(self, update_id: int) -> None:
        """Wait until every handler has finished with the update (replies all sent)."""
        for _ in range(1500):
            if update_id in self.done:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"update {update_id} was not handled within 15 s")

    def texts(self, user: int = TRAINEE) -> list[str]:
        return self.tg.texts(user)

    def last_buttons(self, user: int = TRAINEE) -> tuple[int, list[str]]:
        for message in reversed(self.tg.sent_messages(user)):
            markup = message.get("reply_markup")
            if markup:
                data = [b["callback_data"] for row in markup["inline_keyboard"] for b in row]
                return message["message_id"], data
        raise AssertionError("no buttons sent")


__all__ = [
    "TRAINEE", "Running", "mini_library", "run_bot", "settings_for", "settled_all", "started",
    "turn_texts",
]


def mini_library(folder: Path) -> PracticeLibrary:
    """A library holding only the mini fixture: loads in milliseconds."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(MINI, folder)
    library = PracticeLibrary(folder)
    library.reload()
    return library


def settings_for(
    tg: FakeTelegram, library: PracticeLibrary, db: Path, admin_ids: list[int] | None = None
) -> Settings:
    """Settings pointing the bot at the fake and an SQLite file, ignoring any ``.env``."""
    return Settings(
        admin_ids=admin_ids or [],
        telegram_bot_token=DEFAULT_TOKEN,
        telegram_base_url=tg.base_url,
        telegram_base_file_url=tg.base_file_url,
        database_url=f"sqlite:///{db}",
        dialogues_dir=library.folder,
        _env_file=None,
    )


@asynccontextmanager
async def run_bot(
    tg: FakeTelegram, library: PracticeLibrary, db: Path, *,
    admin_ids: list[int] | None = None, webhook: dict[str, Any] | None = None, **build: Any
) -> AsyncIterator[Running]:
    """Start the bot (long polling, or ``start_webhook(**webhook)``); ``build`` configures it."""
    settings = settings_for(tg, library, db, admin_ids)
    app: Application = build_application(settings, library, **build)  # type: ignore[type-arg]
    done: set[int] = set()

    async def finished(update: object, _: object) -> None:
        if isinstance(update, Update):
            done.add(update.update_id)

    app.add_handler(TypeHandler(Update, finished), group=99)
    async with started(app, webhook):
        yield Running(tg, app, settings, done)


@asynccontextmanager
async def started(
    app: Application, webhook: dict[str, Any] | None = None  # type: ignore[type-arg]
) -> AsyncIterator[None]:
    """What ``run_polling`` does around its loop, step by step so a test can act in between.

    Long polling, or ``start_webhook(**webhook)``; the bot always shuts down in order.
    """
    await app.initialize()
    assert app.updater is not None
    if app.post_init is not None:
        await app.post_init(app)
    if webhook is None:
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
    else:
        await app.updater.start_webhook(**webhook)
    await app.start()
    try:
        yield
    finally:
        await app.updater.stop()
        await app.stop()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        await app.shutdown()


@asynccontextmanager
async def mini_bot(tmp_path: Path, **build: Any) -> AsyncIterator[Running]:
    """The bot as deployed, mini scenario only, on its own fake Bot API and database."""
    async with FakeTelegram() as tg, run_bot(tg, mini_library(tmp_path / "d"),
                                             tmp_path / "bot.db", **build) as running:
        yield running


async def start_mini(bot: Running, user: int = TRAINEE) -> None:
    """Pick the mini scenario from the /start menu, as a trainee taps it."""
    await bot.say("/start", user=user)
    message_id, _ = bot.last_buttons(user)
    await bot.press(message_id, "s:mini", user=user)
    assert bot.texts(user)[-1].startswith("Sam:")


async def turn_texts(running: Running, user: int) -> list[str]:
    """The trainee texts of the active session's turns, in stored order."""
    active = await running.app.bot_data["conversation"].store.active_session(user)
    assert active is not None, "no active session"
    return [turn["text"] for turn in active.snapshot["turns"]]


async def settled_all(running: Running, update_ids: list[int], timeout: float = 15) -> None:
    """Wait until every update in ``update_ids`` has been handled."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not set(update_ids) <= running.done:
        if loop.time() > deadline:
            missing = sorted(set(update_ids) - running.done)
            raise AssertionError(f"updates {missing} not handled within {timeout}s")
        await asyncio.sleep(0.01)
