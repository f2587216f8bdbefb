"""Redelivered updates, buttons of earlier sessions, and long scenario ids.

A redelivered update whose turn was saved is answered from what was saved; a
button from another session is refused; every valid scenario id can be started.
Driven through the real Conversation with a real SQLite store, or the real PTB
stack against the fake Bot API.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.library import PracticeLibrary
from bot.scenario.format import MAX_SCENARIO_ID
from bot.scenario.validate import validate_paths
from bot.storage import open_store
from bot.storage.models import SessionStatus
from bot.telegram.conversation import Conversation, Trainee
from bot.telegram.replies import Reply
from tests.bot_harness import (
    TRAINEE,
    Running,
    mini_bot,
    mini_library,
    run_bot,
    start_mini,
    turn_texts,
)
from tests.fake_telegram import FakeTelegram
from tests.scenarios import INVITE, MINI, REFLECT

STALE = "That button is from an earlier moment and no longer works."
WHO = Trainee(TRAINEE, "en", "Robin")




async def _redeliver(bot: Running, update_id: int) -> None:
    """Telegram delivers the update again (same id) and the bot finishes with it."""
    bot.done.discard(update_id)
    bot.tg.repeat_update(update_id)
    await bot.settled(update_id)


def _html(replies: list[Reply]) -> list[str]:
    return [r.html for r in replies]


# -- defect 3: a redelivered update whose turn was saved --------------------------------
async def test_a_turn_saved_before_a_crash_is_answered_from_what_was_saved(
    tmp_path: Path,
) -> None:
    """The process dies after saving the turn, before replying; Telegram redelivers."""
    library = mini_library(tmp_path / "d")
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    async with await open_store(url) as store:
        conversation = Conversation(library, store)
        await conversation.start_scenario(WHO, "mini", 1)
        first = await conversation.message(WHO, REFLECT, 777)  # saved, never delivered
    for _ in range(2):  # answered after every restart, played after none
        async with await open_store(url) as store:
            conversation = Conversation(library, store)
            again = await conversation.message(WHO, REFLECT, 777)
            assert len(again) == 2, _html(again)
            assert again[0] == first[0]  # Sam's line, with the same live buttons
            assert "Reflection" in again[1].html and "Putting Sam's worry" in again[1].html
            active = await store.active_session(TRAINEE)
            assert active is not None and len(active.snapshot["turns"]) == 1
            assert len(await store.session_turns(active.session_id)) == 1
    async with await open_store(url) as store:
        conversation = Conversation(library, store)
        assert not await conversation.already_handled(TRAINEE, 777)  # saved, not answered here
        await conversation.message(WHO, REFLECT, 777)
        assert await conversation.already_handled(TRAINEE, 777)  # answered by this process
        await store.mark_processed(TRAINEE, 778)  # an update that saved no turn
        assert await conversation.already_handled(TRAINEE, 778)


async def test_a_final_turn_saved_before_the_session_was_closed_ends_it_on_redelivery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    library = mini_library(tmp_path / "d")
    async with await open_store(f"sqlite:///{tmp_path / 'bot.db'}") as store:
        conversation = Conversation(library, store)
        await conversation.start_scenario(WHO, "mini", 1)
        await conversation.message(WHO, REFLECT, 801)

        async def crash(*_: object) -> bool:
            raise RuntimeError("process killed")

        with monkeypatch.context() as patch:
            patch.setattr(store, "end_session", crash)
            with pytest.raises(RuntimeError):
                await conversation.message(WHO, INVITE, 802)  # turn saved, session not closed
        again = await conversation.message(WHO, INVITE, 802)
        assert again[0].html.startswith("<b>Sam</b>:") and not again[0].buttons
        assert any(r.photo for r in again) and any(r.document for r in again)  # the summary
        [info] = await store.trainee_sessions(TRAINEE)
        assert info.status is SessionStatus.ENDED and info.outcome == "success"
        assert len(await store.session_turns(info.session_id)) == 2


async def test_a_redelivered_turn_reaches_the_trainee_after_a_restart(tmp_path: Path) -> None:
    library = mini_library(tmp_path / "d")
    async with FakeTelegram() as tg:
        async with run_bot(tg, library, tmp_path / "bot.db") as bot:
            await start_mini(bot)
            message_id, offered = bot.last_buttons()
            # The process saves these turns, then dies before replying (no reply arrives).
            bot.tg.block_user(TRAINEE)
            pressed = await bot.press(message_id, offered[0])
            said = await bot.say(REFLECT)
            bot.tg.unblock_user(TRAINEE)
        async with run_bot(tg, library, tmp_path / "bot.db") as bot:  # restarted
            shown = len(bot.texts())
            await _redeliver(bot, pressed)  # an option: answered, not refused as stale
            await _redeliver(bot, said)
            new = bot.texts()[shown:]
            assert len(new) == 4 and STALE not in new, new
            assert new[0].startswith("Sam:") and new[2].startswith("Sam:"), new
            assert "Reflection" in new[1] and "Reflection" in new[3], new
            assert len(await turn_texts(bot, TRAINEE)) == 2
            # Repeated once more, now that this process answered them: not answered twice.
            shown = len(bot.texts())
            bot.tg.repeat_update(said)  # ignored: it never reaches the harness's last handler
            await bot.say("/help")  # handled after it, in order
            assert len(bot.texts()) == shown + 1, bot.texts()[shown:]
            assert len(await turn_texts(bot, TRAINEE)) == 2


# -- defect 5: a button from an earlier session -------------------------------------------
def _library_with_a_warming_option(folder: Path) -> PracticeLibrary:
    """The mini scenario with a guided option in 'warming', which ends it when played."""
    folder.mkdir()
    text = MINI.read_text(encoding="utf-8").replace(
        "  defensive:\n",
        "    options:\n      - text: Would you come to one joint session with Alex?\n"
        "        move: invite\n  defensive:\n", 1)
    (folder / "mini.yaml").write_text(text, encoding="utf-8")
    library = PracticeLibrary(folder)
    library.reload()
    assert library.ids() == ["mini"]
    return library


async def test_a_button_from_an_earlier_session_is_refused(tmp_path: Path) -> None:
    library = _library_with_a_warming_option(tmp_path / "dl")
    async with FakeTelegram() as tg, run_bot(tg, library, tmp_path / "bot.db") as bot:
        await start_mini(bot)
        await bot.say("lovely weather")  # session A: not understood, still guarded at turn 1
        old_message, old_data = bot.last_buttons()
        await bot.say("/restart")  # session B
        await bot.say(REFLECT)  # B: turn 1, warming, whose option 0 would end B
        new_message, new_data = bot.last_buttons()
        assert len(old_data) == 2 and len(new_data) == 1
        await bot.press(old_message, old_data[0])
        assert bot.texts()[-1] == STALE
        assert old_data[0] != new_data[0]  # the session is part of the data
        store = bot.app.bot_data["conversation"].store
        sessions = await store.trainee_sessions(TRAINEE)
        assert [s.status for s in sessions] == [SessionStatus.ABANDONED, SessionStatus.ACTIVE]
        assert await turn_texts(bot, TRAINEE) == [REFLECT]
        # Old-style data without a session, and another session's id, are refused too.
        session_id = sessions[-1].session_id
        for forged in ["o:1:0", f"o:{session_id - 1}:1:0", f"o:{session_id}:0:0",
                       f"o:{session_id}:1:5", f"o:{session_id}:1:0:0"]:
            await bot.press(new_message, forged, check=False)
            assert bot.texts()[-1] == STALE, forged
        assert await turn_texts(bot, TRAINEE) == [REFLECT]
        # The new session's own button still plays.
        await bot.press(new_message, new_data[0])
        assert bot.texts()[-1] != STALE
        assert (await store.trainee_sessions(TRAINEE))[-1].outcome == "success"


# -- defect 6: every valid scenario id can be started --------------------------------------
def _library_with_id(folder: Path, scenario_id: str) -> PracticeLibrary:
    folder.mkdir()
    text = MINI.read_text(encoding="utf-8").replace("id: mini", f"id: {scenario_id}", 1)
    (folder / "s.yaml").write_text(text, encoding="utf-8")
    library = PracticeLibrary(folder)
    library.reload()
    return library


async def test_the_longest_valid_scenario_id_can_be_started_and_tried_again(
    tmp_path: Path,
) -> None:
    long_id = ("family_conflict_with_a_hesitant_partner_" + "x" * 64)[:MAX_SCENARIO_ID]
    library = _library_with_id(tmp_path / "dl", long_id)
    assert library.ids() == [long_id]
    async with FakeTelegram() as tg, run_bot(tg, library, tmp_path / "bot.db") as bot:
        await bot.say("/start")
        message_id, data = bot.last_buttons()
        assert data == [f"s:{long_id}"]
        await bot.press(message_id, data[0])
        assert bot.texts()[-1].startswith("Sam:"), bot.texts()[-1]
        await bot.say("/end")
        message_id, data = bot.last_buttons()
        assert f"again:{long_id}" in data
        await bot.press(message_id, f"again:{long_id}")
        assert bot.texts()[-1].startswith("Sam:"), bot.texts()[-1]
        assert not bot.tg.failed_calls
    assert len(f"again:{long_id}".encode()) <= 64


def test_a_scenario_id_too_long_for_telegram_is_explained(tmp_path: Path) -> None:
    too_long = "a" * (MAX_SCENARIO_ID + 1)
    path = tmp_path / "s.yaml"
    path.write_text(MINI.read_text(encoding="utf-8").replace("id: mini", f"id: {too_long}", 1),
                    encoding="utf-8")
    errors = [p for p in validate_paths([path]) if p.severity == "error"]
    assert [p.message for p in errors] == [
        f"id: scenario ids can be at most {MAX_SCENARIO_ID} characters "
        f"(this one has {MAX_SCENARIO_ID + 1}), so the bot's buttons fit Telegram's limit"
    ], errors
    assert str(errors[0]).startswith(f"{path}:2:")


async def test_expired_update_ids_are_pruned_when_the_bot_starts(tmp_path: Path) -> None:
    """A trainee who never writes again (say, deleted their data, then blocked the
    bot) kept their last update ids for ever: only their own next update pruned them."""
    from datetime import UTC, datetime, timedelta

    url = f"sqlite:///{tmp_path / 'bot.db'}"
    long_ago = datetime.now(UTC) - timedelta(days=30)
    async with await open_store(url, clock=lambda: long_ago) as store:
        await store.mark_processed(TRAINEE, 41)
    async with mini_bot(tmp_path) as bot:
        store = bot.app.bot_data["conversation"].store
        assert not await store.was_processed(TRAINEE, 41)


async def test_expired_update_ids_are_also_pruned_while_the_bot_runs(tmp_path: Path) -> None:
    """Pruning only at start-up left a bot that runs for months holding the last ids
    of every trainee who went quiet since; the bot now prunes on a timer too."""
    import asyncio
    from datetime import UTC, datetime, timedelta

    url = f"sqlite:///{tmp_path / 'bot.db'}"
    long_ago = datetime.now(UTC) - timedelta(days=30)
    async with mini_bot(tmp_path, prune_every=0.05) as bot:
        async with await open_store(url, clock=lambda: long_ago) as old:
            await old.mark_processed(TRAINEE, 42)  # written after start-up's prune
        store = bot.app.bot_data["conversation"].store
        for _ in range(200):
            if not await store.was_processed(TRAINEE, 42):
                break
            await asyncio.sleep(0.02)
        assert not await store.was_processed(TRAINEE, 42)
    assert "pruner" not in bot.app.bot_data  # stopped with the bot
