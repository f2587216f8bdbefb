"""The whole trainee journey through PTB's real networking stack and the fake Bot API."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.library import PracticeLibrary
from tests.bot_harness import TRAINEE, Running, run_bot
from tests.fake_telegram import FakeTelegram
from tests.scenarios import FLAGSHIP, MINI


def _library(folder: Path) -> PracticeLibrary:
    library = PracticeLibrary(folder)
    library.reload()
    return library


@pytest.fixture(scope="module")
def flagship_library(tmp_path_factory: pytest.TempPathFactory) -> PracticeLibrary:
    folder = tmp_path_factory.mktemp("dialogues")
    shutil.copy(FLAGSHIP, folder)
    shutil.copy(MINI, folder)
    return _library(folder)


@pytest.fixture
async def bot(flagship_library: PracticeLibrary, tmp_path: Path) -> AsyncIterator[Running]:
    async with FakeTelegram() as tg, run_bot(tg, flagship_library, tmp_path / "bot.db",
                       admin_ids=[TRAINEE]) as running:
        yield running


async def test_commands_are_registered(bot: Running) -> None:
    [call] = [c for c in bot.tg.calls_to("setMyCommands") if not c.params.get("language_code")]
    names = [c["command"] for c in call.params["commands"]]
    assert {"start", "hint", "restart", "end", "feedback", "delete_my_data", "help"} <= set(names)


async def test_full_journey_to_an_ending_then_delete(bot: Running) -> None:
    await bot.say("/start")
    assert "what data is kept" in bot.texts()[0] or "/delete_my_data" in bot.texts()[0]
    message_id, data = bot.last_buttons()
    assert "s:hesitant_partner" in data
    await bot.press(message_id, "s:hesitant_partner")
    assert any("Sam" in t for t in bot.texts()[-2:])

    before = len(bot.texts())
    await bot.say("Hi Sam, thanks for coming in today, I appreciate it.")
    new = bot.texts()[before:]
    assert len(new) == 2, new  # Sam's reply, then the feedback
    assert new[0].startswith("Sam:")
    assert "Openness" in new[1]
    assert not bot.tg.calls_to("sendChatAction")  # a quick turn needs no "typing…"

    # A careless trainee: pressure and blame until Sam walks away.
    for text in [
        "You have to come to the joint sessions, there is no other option.",
        "Honestly, you are the reason Alex is struggling.",
        "If you don't come, the relationship is over, full stop.",
        "You need to be there on Monday, no excuses.",
        "It's your fault things got this bad.",
        "You must come. I won't take no for an answer.",
    ]:
        await bot.say(text)
        if bot.tg.uploaded_files("sendDocument"):
            break
    [photo] = bot.tg.uploaded_files("sendPhoto")
    assert photo.is_png
    [document] = bot.tg.uploaded_files("sendDocument")
    transcript = document.text()
    assert "Hi Sam, thanks for coming in today, I appreciate it." in transcript
    assert "Feedback" in transcript
    message_id, data = bot.last_buttons()
    assert "again:hesitant_partner" in data and "pick" in data

    store = bot.app.bot_data["conversation"].store
    assert await store.get_trainee(TRAINEE) is not None
    await bot.say("/delete_my_data")
    message_id, data = bot.last_buttons()
    assert data == ["del:yes", "del:no"]
    await bot.tg.wait_for_calls("sendMessage", 1)
    update_id = bot.tg.user_presses_button(TRAINEE, message_id, "del:yes")
    await bot.tg.wait_for(lambda: any("deleted" in t for t in bot.texts()[-1:]),
                          what=f"deletion reply to {update_id}")
    assert await store.get_trainee(TRAINEE) is None
    assert await store.active_session(TRAINEE) is None


async def test_end_before_an_ending_says_where_the_trainee_stood(bot: Running) -> None:
    """/end gave figures and no debrief (twenty-seventh play-test)."""
    await bot.say("/start")
    message_id, _ = bot.last_buttons()
    await bot.press(message_id, "s:hesitant_partner")
    await bot.say("Hi Sam, thanks for taking my call.")
    await bot.say("/end")
    text = "\n".join(bot.texts())
    assert "You stopped before Sam made a decision." in text
    assert "You stopped after only a few messages" in text
    assert not bot.tg.failed_calls


async def test_how_you_said_it_says_why_a_slip_is_not_rated(bot: Running) -> None:
    """The line vanished on turns with a breach (thirty-sixth play-test)."""
    await bot.say("/start")
    message_id, _ = bot.last_buttons()
    await bot.press(message_id, "s:hesitant_partner")
    before = len(bot.texts())
    await bot.say("Alex told me in our last session that you never listen to them.")
    feedback = bot.texts()[before:][-1]
    assert "Breaking Alex's confidentiality" in feedback, feedback
    assert "How you said it: not rated beside an unhelpful move" in feedback
    assert not bot.tg.failed_calls


async def test_html_in_trainee_text_is_escaped_and_kept_verbatim(bot: Running) -> None:
    await bot.say("/start")
    message_id, _ = bot.last_buttons()
    await bot.press(message_id, "s:mini")
    text = "<b>hello</b> & <script>x</script> it sounds like you're worried about being blamed"
    await bot.say(text)
    assert not bot.tg.failed_calls
    await bot.say("/end")
    [document] = bot.tg.uploaded_files("sendDocument")
    assert text in document.text()


async def test_guided_option_button_plays_a_turn(bot: Running) -> None:
    await bot.say("/start")
    message_id, _ = bot.last_buttons()
    await bot.press(message_id, "s:mini")
    message_id, data = bot.last_buttons()
    # o:<session>:<turn>:<option>, so a button from another session is refused.
    assert re.fullmatch(r"o:\d+:0:0", data[0])
    await bot.press(message_id, data[0])
    assert bot.texts()[-2].startswith("Sam:")
    # The same button again is stale now: refused politely, no new turn.
    await bot.press(message_id, data[0])
    assert "no longer works" in bot.texts()[-1]
    session = await bot.app.bot_data["conversation"].store.active_session(TRAINEE)
    assert len(session.snapshot["turns"]) == 1


async def test_forged_callback_data_is_refused(bot: Running) -> None:
    await bot.say("/start")
    message_id, _ = bot.last_buttons()
    for forged in ["s:../../etc", "o:99:99", "del:maybe", "x" * 64, "s:nonexistent"]:
        await bot.press(message_id, forged, check=False)
    assert not bot.tg.failed_calls
    assert not bot.tg.internal_errors


async def test_bad_input_gets_friendly_replies(bot: Running) -> None:
    await bot.say("/start")
    message_id, _ = bot.last_buttons()
    await bot.press(message_id, "s:mini")
    turns_before = 0
    for content in [{"sticker": None}]:
        del content
    checks: list[tuple[int, str]] = []
    checks.append((bot.tg.user_sends_file(TRAINEE, "photo", _png()), "only read text"))
    checks.append((bot.tg.user_sends_file(TRAINEE, "voice", b"OggS-fake"), "only read text"))
    checks.append((bot.tg.user_sends_file(TRAINEE, "document", b"file"), "only read text"))
    for update_id, expected in checks:
        await bot.settled(update_id)
        assert expected in bot.texts()[-1]
    await bot.say("/hint please")
    assert bot.texts()[-1].startswith("Hint")
    await bot.say("/frobnicate")
    assert "/help" in bot.texts()[-1]
    await bot.say("😀😀😀")
    await bot.say("a" * 4096)
    session = await bot.app.bot_data["conversation"].store.active_session(TRAINEE)
    assert len(session.snapshot["turns"]) == turns_before + 2
    assert not bot.tg.failed_calls


async def test_repeated_update_is_handled_once(bot: Running) -> None:
    await bot.say("/start")
    message_id, _ = bot.last_buttons()
    await bot.press(message_id, "s:mini")
    update_id = await bot.say("it sounds like you're worried about being blamed")
    count = len(bot.texts())
    bot.tg.repeat_update(update_id)
    await bot.say("/hint")
    assert len(bot.texts()) == count + 1
    session = await bot.app.bot_data["conversation"].store.active_session(TRAINEE)
    assert len(session.snapshot["turns"]) == 1


async def test_group_chat_is_told_to_use_a_private_chat(bot: Running) -> None:
    update_id = bot.tg.user_sends_text(TRAINEE, "hello", chat_type="group")
    await bot.tg.wait_for(lambda: any("private" in m.get("text", "")
                                      for m in bot.tg.sent_messages(-1000 - TRAINEE)),
                          what=f"group reply to {update_id}")


def _png() -> bytes:
    from bot.report.plot import openness_plot

    return openness_plot([3, 4], low=0, high=10, title="t", label="l", outcome=None)


async def test_reload_is_for_admins_only(bot: Running) -> None:
    outsider = 6006
    update_id = bot.tg.user_sends_text(outsider, "/reload")
    await bot.settled(update_id)
    assert "Only administrators" in bot.tg.texts(outsider)[-1]
    await bot.say("/reload")
    assert bot.texts()[-1].startswith("Reloaded.")


def test_feedback_is_shortened_for_the_phone_but_whole_in_the_transcript() -> None:
    from bot.telegram.replies import brief

    long = "First point here. Second point follows. Third is only in the transcript."
    assert brief(long) == "First point here. Second point follows."
    assert brief("word " * 100).endswith("…") and len(brief("word " * 100)) <= 240


async def test_a_slow_reload_does_not_hold_up_other_trainees(tmp_path: Path) -> None:
    """Refitting an edited scenario takes seconds; the other chats keep being answered."""
    import threading
    import time

    from bot.recognition.recognizer import ScenarioRecognizer
    from bot.scenario.model import Scenario

    slow = threading.Event()

    def recognizer(scenario: Scenario) -> ScenarioRecognizer:
        if slow.is_set():
            time.sleep(2.5)  # stands in for fitting a large scenario
        return ScenarioRecognizer(scenario, with_skills=False)

    folder = tmp_path / "dialogues"
    folder.mkdir()
    shutil.copy(MINI, folder)
    library = PracticeLibrary(folder, recognizer)
    library.reload()
    async with FakeTelegram() as tg, run_bot(tg, library, tmp_path / "bot.db",
                                             admin_ids=[TRAINEE]) as bot:
        edited = folder / MINI.name
        edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        slow.set()
        reload_id = bot.tg.user_sends_text(TRAINEE, "/reload")
        other = 6006
        start = time.perf_counter()
        await bot.settled(bot.tg.user_sends_text(other, "/help"))
        assert time.perf_counter() - start < 1.5
        assert bot.tg.texts(other)
        assert reload_id not in bot.done  # still refitting
        await bot.settled(reload_id)
        assert bot.texts()[-1].startswith("Reloaded.") and "mini" in bot.texts()[-1]
