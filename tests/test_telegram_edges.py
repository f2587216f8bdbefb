"""Edge cases of Telegram itself: edits into commands, late button answers, long reports.

Each runs the real PTB stack against the fake Bot API, like the journey and fault tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

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
from tests.scenarios import INVITE, REFLECT

EDIT_NOTICE = "edits don't change the conversation"
ERROR_NOTICE = "something went wrong"
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Running]:
    async with mini_bot(tmp_path) as running:
        yield running




# -- an edit never runs a command -----------------------------------------------------
@pytest.mark.parametrize("command", ["/end", "/restart", "/feedback", "/delete_my_data"])
async def test_editing_a_message_into_a_command_does_not_run_it(
    bot: Running, command: str
) -> None:
    await start_mini(bot)
    update_id = await bot.say(REFLECT)
    message_id = bot.tg.update(update_id)["message"]["message_id"]
    store = bot.app.bot_data["conversation"].store
    sessions = [(s.session_id, s.status) for s in await store.trainee_sessions(TRAINEE)]
    settings = (await store.get_trainee(TRAINEE)).settings
    sent = len(bot.texts())
    edit = bot.tg.user_sends({"edited_message": {
        "message_id": message_id,
        "from": {"id": TRAINEE, "is_bot": False, "first_name": "Trainee"},
        "text": command,
    }})
    await bot.settled(edit)
    new = bot.texts()[sent:]
    assert len(new) == 1 and EDIT_NOTICE in new[0], new
    assert [(s.session_id, s.status) for s in await store.trainee_sessions(TRAINEE)] == sessions
    assert (await store.get_trainee(TRAINEE)).settings == settings
    assert await turn_texts(bot, TRAINEE) == [REFLECT]
    assert not bot.tg.uploaded_files()  # no summary photo or transcript


# -- a late button answer does not cancel the press -----------------------------------
@pytest.mark.parametrize(("status", "description"), [(400, TOO_OLD), (500, None)])
async def test_a_refused_button_answer_still_plays_the_option(
    bot: Running, status: int, description: str | None
) -> None:
    """Presses queued while the bot was down arrive too late to answer; they still count."""
    await start_mini(bot)
    message_id, offered = bot.last_buttons()
    option = next(data for data in offered if data.startswith("o:"))
    sent = len(bot.texts())
    bot.tg.fail_next("answerCallbackQuery", status, description=description)
    await bot.press(message_id, option)
    new = bot.texts()[sent:]
    assert [c.status for c in bot.tg.calls_to("answerCallbackQuery")][-1] == status
    assert new and new[0].startswith("Sam:"), new
    assert not any(ERROR_NOTICE in text for text in new), new
    assert len(await turn_texts(bot, TRAINEE)) == 1


async def test_a_refused_button_answer_still_deletes_the_data(bot: Running) -> None:
    await start_mini(bot)
    await bot.say(REFLECT)
    await bot.say("/delete_my_data")
    message_id, offered = bot.last_buttons()
    assert "del:yes" in offered
    sent = len(bot.texts())
    bot.tg.fail_next("answerCallbackQuery", 400, description=TOO_OLD)
    await bot.press(message_id, "del:yes")
    store = bot.app.bot_data["conversation"].store
    assert await store.get_trainee(TRAINEE) is None
    assert await store.trainee_sessions(TRAINEE) == []
    new = bot.texts()[sent:]
    assert new and not any(ERROR_NOTICE in text for text in new), new


# -- a long /reload report reaches the admin --------------------------------------------
async def test_a_reload_report_longer_than_one_message_reaches_the_admin(
    tmp_path: Path,
) -> None:
    """Many broken files (a bad pull) give a report over Telegram's 4096 characters."""
    library = mini_library(tmp_path / "dialogues_of_the_social_work_practice_cohort")
    names = [f"family_conflict_scenario_{i:02d}_with_a_hesitant_partner_&_a_worried_"
             f"grandparent_draft_version.yaml" for i in range(30)]
    for name in names:
        (library.folder / name).write_text("id: x\ntitle: 'unclosed\n", encoding="utf-8")
    async with FakeTelegram() as tg, run_bot(tg, library, tmp_path / "bot.db",
                                             admin_ids=[TRAINEE]) as bot:
        await bot.say("/reload")
        sends = [c for c in bot.tg.calls_to("sendMessage")
                 if str(c.params.get("chat_id")) == str(TRAINEE)]
        assert sends and all(c.ok for c in sends), [c.response for c in sends if not c.ok]
        messages = bot.texts()
        assert len(messages) >= 2  # split, not refused
        assert all(len(text) <= 4096 for text in messages)
        report = "\n".join(messages)
        assert messages[0].startswith("Reloaded.")
        assert not any(ERROR_NOTICE in text for text in messages)
        assert "&_a_worried" in report  # escaped on the way in, read back as typed
        shown = [name for name in names if name in report]
        assert 0 < len(shown) <= 20
        assert report.splitlines()[-1].startswith("… and 10 more problems")


def test_an_over_long_report_line_is_cut_outside_any_entity() -> None:
    from bot.telegram.handlers import _html_chunks

    [chunk] = _html_chunks("&" * 5000)
    assert len(chunk) <= 4096
    assert chunk.endswith("&amp;…")  # whole entities only, then the ellipsis
    assert chunk[:-1].replace("&amp;", "") == ""


async def test_deleting_data_also_forgets_the_texts_the_recogniser_cached(bot: Running) -> None:
    """The sentence model's in-memory cache is keyed by the trainee's own words."""
    from bot.recognition.embedding import get_embedder

    embedder = get_embedder()
    if embedder is None:
        pytest.skip("sentence model not installed")
    words = "it sounds like you worry the sessions would be two against one, Robin"
    await start_mini(bot)
    await bot.say(words)
    assert embedder.cache.get(words) is not None
    await bot.say("/delete_my_data")
    message_id, _ = bot.last_buttons()
    await bot.press(message_id, "del:yes")
    assert embedder.cache.get(words) is None


# -- a transition's note is shown under its move, escaped -------------------------------
async def test_a_refused_good_move_shows_why_under_its_feedback(bot: Running) -> None:
    await start_mini(bot)
    await bot.say(INVITE)
    feedback = bot.texts()[-1]
    assert "⏱ In this moment: Sam barely knows you yet (openness < 6): listen first." in feedback


# -- the turn limit is counted down, with feedback on or off -------------------------
async def test_the_last_messages_are_counted_down_even_with_feedback_off(bot: Running) -> None:
    """The countdown is about the call, so switching feedback off must not hide it."""
    await start_mini(bot)
    for _ in range(6):
        await bot.say("qwerty")
    assert bot.texts()[-1].endswith("⏳ 2 more messages before Sam has to go.")
    await bot.say("/feedback")
    await bot.say("qwerty")
    assert bot.texts()[-1] == "⏳ One more message before Sam has to go."
    assert not any("Not understood" in t for t in bot.texts()[-2:])


# -- a question for the bot is no turn ------------------------------------------------
async def test_a_question_for_the_bot_gets_the_hint_and_saves_no_turn(bot: Running) -> None:
    """Thirty-first play-test: three such questions brought the call's end nearer;
    through Telegram the first one, with no turn before it, must not fail either."""
    await start_mini(bot)
    await bot.say("what am i supposed to do here?")
    assert "That looked like a question for the bot, not for Sam." in bot.texts()[-1]
    assert "For this moment: Find out what worries Sam." in bot.texts()[-1]
    for _ in range(6):
        await bot.say("qwerty")
    # Six messages to Sam, not seven: two left, as without the question.
    assert bot.texts()[-1].endswith("⏳ 2 more messages before Sam has to go.")
    await bot.say(REFLECT)
    assert "✅ Reflection:" in bot.texts()[-1]
