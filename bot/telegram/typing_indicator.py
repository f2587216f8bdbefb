""""Sam is typing…" only while a turn is actually slow.

Sent before every reply, the indicator was replaced by the message a few
milliseconds later, so nobody saw it, yet it cost one of every three API
calls against Telegram's 30-a-second limit. Now it appears only when the
trainee would otherwise stare at a silent chat: a first load that fits a
model, a busy server, a slow database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

log = logging.getLogger(__name__)

#: Show the indicator once a turn has taken this long (seconds).
AFTER = 1.0
#: Telegram shows it for about five seconds; renew it before it fades.
RENEW = 4.0


@contextlib.asynccontextmanager
async def typing_while_slow(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" in ``chat_id`` from ``AFTER`` seconds on until the block ends."""

    async def show() -> None:
        await asyncio.sleep(AFTER)
        while True:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError as exc:  # cosmetic: never worth a retry or an error
                log.debug("typing indicator not shown: %s", exc)
            await asyncio.sleep(RENEW)

    task = asyncio.create_task(show())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
