"""Thin Telegram handlers: read the update, ask the conversation, deliver the replies."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.catalogue import normalise_language, t
from bot.telegram.conversation import Conversation, Trainee
from bot.telegram.delivery import deliver, notify
from bot.telegram.replies import Reply, esc
from bot.telegram.typing_indicator import typing_while_slow

log = logging.getLogger(__name__)

_OPTION = re.compile(r"^o:(\d{1,4}):(\d{1,2})$")
_SCENARIO = re.compile(r"^(?:s|again):([a-z][a-z0-9_]{0,40})$")


def _conversation(context: ContextTypes.DEFAULT_TYPE) -> Conversation:
    conversation: Conversation = context.bot_data["conversation"]
    return conversation


def _trainee(update: Update) -> Trainee:
    user = update.effective_user
    assert user is not None  # guarded by the filters each handler is registered with
    return Trainee(user.id, normalise_language(user.language_code), user.first_name or "")


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None  # messages and button presses always come from a chat
    return chat.id


def _seed(update: Update) -> int:
    return update.update_id


async def _send(update: Update, context: ContextTypes.DEFAULT_TYPE, replies: list[Reply]) -> None:
    chat = update.effective_chat
    if chat is not None:
        await deliver(context.bot, chat.id, replies)


# -- gatekeeping (group -1) ---------------------------------------------------
async def skip_repeated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A repeated update id is ignored: it was already answered."""
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop
    store = _conversation(context).store
    if await store.was_processed(user.id, update.update_id):
        log.info("ignoring repeated update %s", update.update_id)
        raise ApplicationHandlerStop


async def private_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group, explain that practice happens in a private chat."""
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        if update.message is not None:
            lang = normalise_language(update.effective_user.language_code
                                      if update.effective_user else None)
            await notify(context.bot, chat.id, esc(t("tg.group", lang)))
        raise ApplicationHandlerStop


# -- commands -----------------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets the trainee, says what is kept, and offers the scenarios."""
    await _send(update, context, await _conversation(context).welcome(_trainee(update)))


async def scenarios(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists the scenarios as buttons."""
    await _send(update, context, await _conversation(context).scenarios(_trainee(update)))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explains the commands."""
    await _send(update, context, _conversation(context).help(_trainee(update)))


async def hint(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Gives the hint for where the conversation is now."""
    await _send(update, context, await _conversation(context).hint(_trainee(update)))


async def restart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Starts the same scenario over."""
    replies = await _conversation(context).restart(_trainee(update), _seed(update))
    await _send(update, context, replies)


async def end(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ends the conversation early and shows the summary."""
    await _send(update, context, await _conversation(context).end(_trainee(update)))


async def feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Switches the per-turn feedback on or off."""
    await _send(update, context, await _conversation(context).toggle_feedback(_trainee(update)))


async def delete_my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks for confirmation before deleting everything about the trainee."""
    await _send(update, context, _conversation(context).confirm_delete(_trainee(update)))


async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins only: reload the scenario files without a restart."""
    who = _trainee(update)
    if who.user_id not in context.bot_data.get("admin_ids", ()):
        await _send(update, context, [Reply(esc(t("tg.reload_denied", who.language)))])
        return
    # Refitting an edited scenario takes seconds: off the event loop, so every
    # other chat keeps being answered meanwhile.
    report = await asyncio.to_thread(_conversation(context).library.reload)
    text = t(
        "tg.reloaded", who.language,
        loaded=", ".join(report.loaded) or "-", unchanged=", ".join(report.unchanged) or "-",
        kept=", ".join(report.kept) or "-",
        problems="\n" + "\n".join(str(p) for p in report.problems[:20]) if report.problems else "-",
    )
    await _send(update, context, [Reply(esc(text))])


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Points to /help for commands the bot doesn't have."""
    await _send(update, context, [Reply(esc(t("tg.unknown_command", _trainee(update).language)))])


# -- messages -----------------------------------------------------------------
async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A trainee's line to the partner: one turn, saved before the reply."""
    message = update.message
    if message is None or message.text is None:
        return
    async with typing_while_slow(context.bot, _chat_id(update)):
        replies = await _conversation(context).message(_trainee(update), message.text,
                                                       update.update_id)
    await _send(update, context, replies)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice and files: ask for text instead."""
    await _send(update, context, [Reply(esc(t("tg.not_text", _trainee(update).language)))])


async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Edits don't rewrite history; say so."""
    await _send(update, context, [Reply(esc(t("tg.edited", _trainee(update).language)))])


# -- buttons ------------------------------------------------------------------
async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Scenario choice, guided option, try again, or delete confirmation."""
    query = update.callback_query
    if query is None:
        return
    who = _trainee(update)
    conversation = _conversation(context)
    data = query.data or ""
    await query.answer()
    replies: list[Reply]
    if (match := _SCENARIO.match(data)) is not None:
        replies = await conversation.start_scenario(who, match.group(1), _seed(update))
    elif (match := _OPTION.match(data)) is not None:
        turn, index = int(match.group(1)), int(match.group(2))
        async with typing_while_slow(context.bot, _chat_id(update)):
            replies = await conversation.option(who, turn, index, update.update_id)
    elif data == "pick":
        replies = await conversation.scenarios(who)
    elif data in ("del:yes", "del:no"):
        replies = await conversation.delete(who, data == "del:yes")
    else:
        replies = [Reply(esc(t("tg.stale_button", who.language)))]
    await _send(update, context, replies)


# -- bookkeeping (group 1) ----------------------------------------------------
async def mark_processed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remember handled update ids so a re-delivered update is not handled twice."""
    user = update.effective_user
    query = update.callback_query
    if query is not None and query.data == "del:yes":
        return  # the trainee's data was just deleted; keep nothing, not even this id
    if user is not None:
        await _conversation(context).store.mark_processed(user.id, update.update_id)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error (never the token) and tell the trainee their conversation is safe."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        lang = normalise_language(
            update.effective_user.language_code if update.effective_user else None
        )
        await notify(context.bot, update.effective_chat.id, esc(t("tg.error", lang)))
