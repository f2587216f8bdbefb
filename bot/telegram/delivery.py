"""Delivering replies so that a flaky network or a busy Telegram never drops one.

429 answers are retried by PTB's rate limiter (honouring retry_after); here we
also retry server errors and time-outs with a short back-off, and treat a
trainee who blocked the bot as gone rather than as an error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.telegram.replies import Button, Reply

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Attempts per API call before giving up on a reply.
ATTEMPTS = 4
#: First back-off in seconds; doubled after each failed attempt.
BACKOFF = 0.5


async def with_retries(call: Callable[[], Awaitable[T]]) -> T | None:
    """Run ``call``; retry server errors, time-outs and 429s (Forbidden is re-raised)."""
    delay = BACKOFF
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await call()
        except Forbidden:
            raise  # the chat is gone: retrying cannot help, and deliver() stops
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
            await asyncio.sleep(seconds)
        except BadRequest:
            raise
        except NetworkError as exc:  # includes TimedOut and 5xx answers
            if attempt == ATTEMPTS:
                raise
            log.warning("Telegram call failed (%s); retrying in %.1fs", type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay *= 2
    return None


def keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


async def _send_one(bot: Bot, chat_id: int, reply: Reply) -> None:
    kwargs: dict[str, Any] = {"chat_id": chat_id, "parse_mode": ParseMode.HTML}
    markup = keyboard(reply.buttons)
    if markup is not None:
        kwargs["reply_markup"] = markup
    if reply.photo is not None:
        photo = InputFile(reply.photo, filename="openness.png")
        await bot.send_photo(photo=photo, caption=reply.html or None, **kwargs)
    elif reply.document is not None:
        document = InputFile(reply.document, filename=reply.filename or "transcript.txt")
        await bot.send_document(document=document, caption=reply.html or None, **kwargs)
    elif reply.html:
        await bot.send_message(text=reply.html, **kwargs)


async def deliver(bot: Bot, chat_id: int, replies: list[Reply]) -> None:
    """Send each reply in order (text, photo or document)."""
    try:
        for reply in replies:
            await with_retries(partial(_send_one, bot, chat_id, reply))
    except Forbidden:
        log.info("the trainee blocked the bot or left the chat; replies dropped")


async def notify(bot: Bot, chat_id: int, html: str) -> None:
    """Send one short HTML message, swallowing delivery failures (used on error paths)."""
    try:
        await with_retries(partial(bot.send_message, chat_id, html, parse_mode=ParseMode.HTML))
    except Forbidden:
        log.info("the trainee blocked the bot; notice dropped")
    except Exception:  # an error path must not raise again
        log.warning("could not deliver a notice", exc_info=True)
