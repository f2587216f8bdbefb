"""Thin Telegram handlers: read the update, ask the conversation, deliver the replies."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import CallbackQuery, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.catalogue import normalise_language, t
from bot.scenario.format import MAX_SCENARIO_ID
from bot.telegram.conversation import Conversation, Trainee
from bot.telegram.delivery import deliver, notify
from bot.telegram.replies import MAX_MESSAGE, Reply, esc, split_html_lines
from bot.telegram.typing_indicator import typing_while_slow

log = logging.getLogger(__name__)

#: ``o:<session>:<turn>:<index>`` as built by ``conversation.option_data``.
_OPTION = re.compile(r"^o:(\d{1,18}):(\d{1,4}):(\d{1,2})$")
#: Every valid scenario id (the format caps its length so ``again:<id>`` fits 64 bytes).
_SCENARIO = re.compile(rf"^(?:s|again):([a-z][a-z0-9_]{{0,{MAX_SCENARIO_ID - 1}}})$")


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
    """A repeated update id is ignored, unless it saved a turn (see ``already_handled``)."""
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop
    if await _conversation(context).already_handled(user.id, update.update_id):
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


#: Problems listed one per line in a /reload report; the rest are only counted.
_REPORTED_PROBLEMS = 20


def _html_chunks(text: str) -> list[str]:
    """Escape plain ``text`` into messages within Telegram's 4096-character limit.

    Long admin reports would otherwise be refused ("message is too long"). Lines are
    cut before escaping, so no chunk ends inside an entity such as ``&amp;``.
    """
    lines: list[str] = []
    for line in text.splitlines():
        html = esc(line)
        if len(html) > MAX_MESSAGE:
            pieces = [esc(char) for char in line]
            while len(html) > MAX_MESSAGE - 1:
                html = html[: -len(pieces.pop())]  # whole entities only
            html += "…"
        lines.append(html)
    return [chunk for chunk in split_html_lines(lines) if chunk.strip()]


async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins only: reload the scenario files without a restart."""
    who = _trainee(update)
    if who.user_id not in context.bot_data.get("admin_ids", ()):
        await _send(update, context, [Reply(esc(t("tg.reload_denied", who.language)))])
        return
    # Refitting an edited scenario takes seconds: off the event loop, so every
    # other chat keeps being answered meanwhile.
    report = await asyncio.to_thread(_conversation(context).library.reload)
    shown = [str(p) for p in report.problems[:_REPORTED_PROBLEMS]]
    hidden = len(report.problems) - len(shown)
    if hidden:
        shown.append(t("tg.reload_more", who.language, count=hidden))
    text = t(
        "tg.reloaded", who.language,
        loaded=", ".join(report.loaded) or "-", unchanged=", ".join(report.unchanged) or "-",
        kept=", ".join(report.kept) or "-",
        problems="\n" + "\n".join(shown) if shown else "-",
    )
    await _send(update, context, [Reply(chunk) for chunk in _html_chunks(text)])


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
async def _answer(query: CallbackQuery) -> None:
    """Stop the button's spinner; a refused or lost answer must not stop the action.

    Telegram refuses late answers ("query is too old") for presses queued while the
    bot was down or busy; the press itself is still valid and is acted on.
    """
    try:
        await query.answer()
    except (BadRequest, NetworkError) as exc:  # BadRequest is a NetworkError; named for clarity
        log.info("could not answer a button press (%s); acting on it anyway", exc)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Scenario choice, guided option, try again, or delete confirmation."""
    query = update.callback_query
    if query is None:
        return
    who = _trainee(update)
    conversation = _conversation(context)
    data = query.data or ""
    await _answer(query)
    replies: list[Reply]
    if (match := _SCENARIO.match(data)) is not None:
        replies = await conversation.start_scenario(who, match.group(1), _seed(update))
    elif (match := _OPTION.match(data)) is not None:
        session, turn, index = (int(g) for g in match.groups())
        async with typing_while_slow(context.bot, _chat_id(update)):
            replies = await conversation.option(who, session, turn, index, update.update_id)
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
