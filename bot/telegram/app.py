"""The one place the Telegram application is built and every handler registered."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.catalogue import DEFAULT_LANGUAGE, available_languages, t
from bot.library import PracticeLibrary
from bot.settings import Settings
from bot.storage import Store, open_store
from bot.telegram import handlers as h
from bot.telegram.conversation import Conversation
from bot.telegram.ordering import PerChatOrder

log = logging.getLogger(__name__)

#: How often expired update ids of trainees who went quiet are forgotten.
PRUNE_EVERY = 6 * 3600.0

COMMANDS = ["start", "scenarios", "hint", "restart", "end", "feedback", "delete_my_data", "help"]


def build_application(
    settings: Settings,
    library: PracticeLibrary,
    *,
    read_timeout: float | None = None,
    rate_limit: bool = True,
    prune_every: float = PRUNE_EVERY,
) -> Application:  # type: ignore[type-arg]
    """Wire the bot: networking, ordering, rate limits, storage, handlers.

    ``read_timeout`` (seconds; PTB's default is 5) lets tests provoke time-outs
    quickly; ``rate_limit=False`` drops Telegram's 30 messages/s cap so a benchmark
    can measure the bot itself. ``prune_every`` (seconds) paces the forgetting of
    expired update ids. Production uses the defaults.
    """

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        # The store is opened inside the application's event loop, which owns it.
        store = await open_store(settings.database)
        # Each trainee's old update ids go when they send a new one; a trainee who
        # never returns (or deleted their data, then blocked the bot) is pruned here,
        # at start and then every ``prune_every`` seconds for a bot that runs for months.
        await _prune(store)
        application.bot_data["pruner"] = asyncio.create_task(_prune_forever(store, prune_every))
        application.bot_data["conversation"] = Conversation(library, store)
        await application.bot.set_my_commands(
            [BotCommand(name, t(f"command.{name}")) for name in COMMANDS]
        )
        # Telegram shows each user the list in their app's language, if one was set.
        for language in available_languages():
            if language != DEFAULT_LANGUAGE:
                await application.bot.set_my_commands(
                    [BotCommand(name, t(f"command.{name}", language)) for name in COMMANDS],
                    language_code=language,
                )

    async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
        pruner = application.bot_data.pop("pruner", None)
        if pruner is not None:
            pruner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pruner
        conversation = application.bot_data.get("conversation")
        if conversation is not None:
            await conversation.store.close()

    # Without the cap, 429 answers are still retried; only the throttling goes.
    limiter = (AIORateLimiter(max_retries=3) if rate_limit
               else AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3))
    builder = (
        Application.builder()
        .token(settings.token())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .concurrent_updates(PerChatOrder())
        .rate_limiter(limiter)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if read_timeout is not None:
        builder = builder.read_timeout(read_timeout)
    application = builder.build()
    application.bot_data["admin_ids"] = set(settings.admin_ids)

    private = filters.ChatType.PRIVATE
    application.add_handler(TypeHandler(Update, h.skip_repeated), group=-2)
    application.add_handler(TypeHandler(Update, h.private_only), group=-1)
    # First: PTB's CommandHandler also matches edited messages, and an edit must
    # never run a command or change the conversation.
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, h.edited))
    commands = {
        "start": h.start, "scenarios": h.scenarios, "help": h.help_command, "hint": h.hint,
        "restart": h.restart, "end": h.end, "feedback": h.feedback,
        "delete_my_data": h.delete_my_data, "reload": h.reload,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=private))
    application.add_handler(MessageHandler(private & filters.COMMAND, h.unknown_command))
    application.add_handler(MessageHandler(private & filters.TEXT, h.text_message))
    application.add_handler(MessageHandler(private & ~filters.TEXT, h.not_text))
    application.add_handler(CallbackQueryHandler(h.button))
    application.add_handler(TypeHandler(Update, h.mark_processed), group=1)
    application.add_error_handler(h.on_error)
    return application


async def _prune(store: Store) -> None:
    pruned = await store.prune_processed()
    if pruned:
        log.info("forgot %d expired update ids", pruned)


async def _prune_forever(store: Store, every: float) -> None:
    """Prune now and then; a failure is logged and tried again next time."""
    while True:
        await asyncio.sleep(every)
        try:
            await _prune(store)
        except Exception:  # the bot must keep running; the next round retries
            log.exception("pruning expired update ids failed")
