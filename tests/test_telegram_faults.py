"""A flaky or hostile Telegram must never drop a reply, corrupt a session or stall others.

The bot runs through PTB's real networking stack against the fake Bot API, whose
fault injection answers 429/500, answers late, or refuses a user who blocked the bot.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot_harness import (
    TRAINEE,
    Running,
    mini_bot,
    mini_library,
    run_bot,
    settled_all,
    start_mini,
    turn_texts,
)
from tests.fake_telegram import FakeTelegram, RecordedCall
from tests.scenarios import REFLECT

OTHER = TRAINEE + 1
REFLECT_2 = "you seem unsure whether this is worth your time"
#: PTB's read time-out in the time-out tests; the fake answers later than this.
SHORT_TIMEOUT = 0.5


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Running]:
    """The bot as deployed (default time-outs, rate limiter on), mini scenario only."""
    async with mini_bot(tmp_path) as running:
        yield running


@pytest.fixture
async def impatient_bot(tmp_path: Path) -> AsyncIterator[Running]:
    """The same bot with a short read time-out, so a late answer becomes ``TimedOut``."""
    async with FakeTelegram() as tg, run_bot(tg, mini_library(tmp_path / "d"),
                                             tmp_path / "bot.db",
                                             read_timeout=SHORT_TIMEOUT) as running:
        yield running




def _sends(bot: Running, user: int) -> list[RecordedCall]:
    """sendMessage calls to ``user``'s chat (refused ones too), oldest first."""
    return [c for c in bot.tg.calls_to("sendMessage")
            if str(c.params.get("chat_id")) == str(user)]


def _sam_lines(bot: Running, user: int = TRAINEE) -> list[str]:
    return [t for t in bot.texts(user) if t.startswith("Sam:")]


# -- 429, 500 -------------------------------------------------------------------
async def test_429_is_waited_out_and_the_reply_still_arrives(bot: Running) -> None:
    await start_mini(bot)
    before = len(bot.texts(TRAINEE))
    bot.tg.fail_next("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    await bot.say(REFLECT)
    assert time.monotonic() - started >= 1.0
    new = bot.texts(TRAINEE)[before:]
    assert len(new) == 2 and new[0].startswith("Sam:"), new  # reply and feedback, once each
    [refused] = [c for c in _sends(bot, TRAINEE) if c.status == 429]
    retried = next(c for c in _sends(bot, TRAINEE) if c.ok and c.at > refused.at)
    assert retried.params["text"] == refused.params["text"]
    assert retried.at - refused.at >= 1.0  # retry_after was honoured, not ignored
    assert await turn_texts(bot, TRAINEE) == [REFLECT]


async def test_429_beyond_the_rate_limiters_retries_is_retried_by_delivery(
    bot: Running,
) -> None:
    """AIORateLimiter gives up after 3 retries; ``with_retries`` waits once more."""
    await start_mini(bot)
    before = len(bot.texts(TRAINEE))
    bot.tg.fail_next("sendMessage", 429, retry_after=1, times=4)
    await bot.say(REFLECT)
    assert len([c for c in _sends(bot, TRAINEE) if c.status == 429]) == 4
    new = bot.texts(TRAINEE)[before:]
    assert len(new) == 2 and new[0].startswith("Sam:"), new


async def test_a_500_is_retried_and_the_reply_still_arrives(bot: Running) -> None:
    await start_mini(bot)
    before = len(bot.texts(TRAINEE))
    bot.tg.fail_next("sendMessage", 500)
    await bot.say(REFLECT)
    assert [c.status for c in _sends(bot, TRAINEE)][-3:] == [500, 200, 200]
    new = bot.texts(TRAINEE)[before:]
    assert len(new) == 2 and new[0].startswith("Sam:"), new
    assert await turn_texts(bot, TRAINEE) == [REFLECT]


# -- time-outs --------------------------------------------------------------------
async def test_a_lost_call_times_out_is_resent_once_and_the_session_goes_on(
    impatient_bot: Running,
) -> None:
    """Telegram never ran the call (no answer in time): the retry delivers it exactly once."""
    bot = impatient_bot
    await start_mini(bot)
    bot.tg.delay_next("sendMessage", SHORT_TIMEOUT * 4, deliver=False)
    await bot.say(REFLECT)
    await asyncio.sleep(SHORT_TIMEOUT * 4)  # the late original must not turn up after all
    assert len(_sam_lines(bot)) == 2  # opening line and this reply, no duplicate
    assert "Openness" in bot.texts(TRAINEE)[-1]
    await bot.say(REFLECT_2)
    assert len(_sam_lines(bot)) == 3
    assert await turn_texts(bot, TRAINEE) == [REFLECT, REFLECT_2]


async def test_a_late_answer_may_duplicate_a_message_but_never_a_turn(
    impatient_bot: Running,
) -> None:
    """Telegram ran the call but answered late: the bot cannot know, so it may send twice.

    What must hold is the conversation: one turn saved, and the next message continues.
    """
    bot = impatient_bot
    await start_mini(bot)
    bot.tg.delay_next("sendMessage", SHORT_TIMEOUT * 3, deliver=True)
    await bot.say(REFLECT)
    assert await turn_texts(bot, TRAINEE) == [REFLECT]
    assert 2 <= len(_sam_lines(bot)) <= 3
    await bot.say(REFLECT_2)
    assert await turn_texts(bot, TRAINEE) == [REFLECT, REFLECT_2]
    assert bot.texts(TRAINEE)[-2].startswith("Sam:")


async def test_when_every_attempt_times_out_the_trainee_is_told_and_can_continue(
    impatient_bot: Running, caplog: pytest.LogCaptureFixture,
) -> None:
    bot = impatient_bot
    await start_mini(bot)
    sam_before = len(_sam_lines(bot))
    bot.tg.delay_next("sendMessage", SHORT_TIMEOUT * 3, deliver=False, times=4)
    with caplog.at_level(logging.ERROR):
        await bot.say(REFLECT)
    assert "something went wrong" in bot.texts(TRAINEE)[-1]
    assert "saved" in bot.texts(TRAINEE)[-1]
    assert len(_sam_lines(bot)) == sam_before  # that reply was lost...
    assert await turn_texts(bot, TRAINEE) == [REFLECT]  # ...but the turn was kept
    await bot.say(REFLECT_2)
    assert bot.texts(TRAINEE)[-2].startswith("Sam:")
    assert await turn_texts(bot, TRAINEE) == [REFLECT, REFLECT_2]


# -- a trainee who blocked the bot -------------------------------------------------
async def test_a_blocked_bot_keeps_running_and_still_saves_the_turn(
    bot: Running, caplog: pytest.LogCaptureFixture,
) -> None:
    await start_mini(bot, TRAINEE)
    await start_mini(bot, OTHER)
    bot.tg.block_user(TRAINEE)
    shown = len(bot.texts(TRAINEE))
    with caplog.at_level(logging.INFO):
        await bot.say(REFLECT, user=TRAINEE)
        await bot.say("/hint", user=TRAINEE)
    assert len(bot.texts(TRAINEE)) == shown  # nothing reached the blocked chat
    assert {c.status for c in bot.tg.failed_calls} == {403}
    assert await turn_texts(bot, TRAINEE) == [REFLECT]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # A 403 is final: no retries hammering Telegram for a chat that is gone.
    assert len(bot.tg.failed_calls) == 2  # the turn's delivery stops at its first 403; the hint
    before = len(bot.texts(OTHER))
    await bot.say(REFLECT, user=OTHER)
    assert bot.texts(OTHER)[before].startswith("Sam:")
    assert await turn_texts(bot, OTHER) == [REFLECT]


# -- concurrency and order ------------------------------------------------------------
async def test_a_slow_chat_does_not_hold_up_another_trainee(bot: Running) -> None:
    await start_mini(bot, TRAINEE)
    await start_mini(bot, OTHER)
    stall = 3.0
    calls = len(bot.tg.calls)
    bot.tg.delay_next("sendMessage", stall)  # the slow trainee's next reply hangs
    slow = bot.tg.user_sends_text(TRAINEE, REFLECT)
    await bot.tg.wait_for(
        lambda: any(c.method == "sendMessage" for c in bot.tg.calls[calls:]),
        what="the slow trainee's reply",
    )
    started = time.monotonic()
    fast = bot.tg.user_sends_text(OTHER, REFLECT)
    await bot.settled(fast)
    assert time.monotonic() - started < stall / 2
    assert slow not in bot.done  # still stuck behind the late answer
    assert bot.texts(OTHER)[-2].startswith("Sam:")
    await bot.settled(slow)
    assert bot.texts(TRAINEE)[-2].startswith("Sam:")


async def test_typing_shows_only_while_a_turn_is_slow(
    bot: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.telegram import conversation

    await start_mini(bot, TRAINEE)
    calls = len(bot.tg.calls)
    await bot.say(REFLECT)  # a turn takes milliseconds: no indicator, one call fewer
    assert not [c for c in bot.tg.calls[calls:] if c.method == "sendChatAction"]

    message = conversation.Conversation.message

    async def slow_message(self: conversation.Conversation, *args: Any) -> Any:
        await asyncio.sleep(1.5)  # a first load, a busy database…
        return await message(self, *args)

    monkeypatch.setattr(conversation.Conversation, "message", slow_message)
    calls = len(bot.tg.calls)
    await bot.say(REFLECT_2)
    sent = [c for c in bot.tg.calls[calls:] if c.method.startswith("send")]
    assert [c.method for c in sent[:2]] == ["sendChatAction", "sendMessage"]
    assert sent[0].params["action"] == "typing"
    assert [c.method for c in sent].count("sendChatAction") == 1  # renewed after 4 s
    assert bot.texts()[-2].startswith("Sam:")  # then the turn is answered as usual


async def test_rapid_messages_of_one_trainee_are_played_strictly_in_order(
    bot: Running,
) -> None:
    await start_mini(bot, TRAINEE)
    await start_mini(bot, OTHER)
    texts = [REFLECT, "lovely weather", REFLECT_2, "what's for lunch",
             "so you feel like you're being dragged into this", "hmm"]
    ids: list[int] = []
    for index, text in enumerate(texts):  # all queued before the bot reads any of them
        ids.append(bot.tg.user_sends_text(TRAINEE, text))
        ids.append(bot.tg.user_sends_text(OTHER, texts[-1 - index]))
    await settled_all(bot, ids)
    assert await turn_texts(bot, TRAINEE) == texts
    assert await turn_texts(bot, OTHER) == texts[::-1]
    # Replies came back in the same order: Sam's line, then its feedback, per turn.
    for user in (TRAINEE, OTHER):
        new = bot.texts(user)[-2 * len(texts):]
        assert [t.startswith("Sam:") for t in new] == [True, False] * len(texts), new


# -- edits and stickers ---------------------------------------------------------------
async def test_an_edit_is_answered_kindly_and_adds_no_turn(bot: Running) -> None:
    await start_mini(bot)
    update_id = await bot.say(REFLECT)
    message_id = bot.tg.update(update_id)["message"]["message_id"]
    edit = bot.tg.user_sends({"edited_message": {
        "message_id": message_id,
        "from": {"id": TRAINEE, "is_bot": False, "first_name": "Trainee"},
        "text": "you have to come, there's no choice",
    }})
    await bot.settled(edit)
    assert "edits don't change the conversation" in bot.texts(TRAINEE)[-1]
    assert await turn_texts(bot, TRAINEE) == [REFLECT]


async def test_a_sticker_mid_session_asks_for_text_and_adds_no_turn(bot: Running) -> None:
    await start_mini(bot)
    await bot.say(REFLECT)
    sticker = {
        "file_id": "CAACAgIAAxkBAAIBQ2Zfake", "file_unique_id": "AgADfake",
        "type": "regular", "width": 512, "height": 512,
        "is_animated": False, "is_video": False, "emoji": "👍",
    }
    update_id = bot.tg.user_sends_message(TRAINEE, {"sticker": sticker})
    await bot.settled(update_id)
    assert "only read text" in bot.texts(TRAINEE)[-1]
    assert await turn_texts(bot, TRAINEE) == [REFLECT]
    await bot.say(REFLECT_2)  # and the conversation simply goes on
    assert await turn_texts(bot, TRAINEE) == [REFLECT, REFLECT_2]
