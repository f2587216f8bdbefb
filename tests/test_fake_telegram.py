"""The fake Telegram Bot API works with real PTB and refuses what real Telegram refuses."""

from __future__ import annotations

import asyncio
import html
import json
import struct
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot, InputMediaDocument, InputMediaPhoto, Update
from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup as Keyboard
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

from tests.fake_telegram import FakeTelegram, InvalidUpdate, spawn_fake_telegram
from tests.fake_telegram.formatting import EntityParseError
from tests.fake_telegram.html_markup import parse_html
from tests.fake_telegram.markdown_markup import parse_markdown_v2
from tests.fake_telegram.spec import find_spec_file

USER = 42
RAW_SPEC: dict[str, Any] = json.loads(find_spec_file().read_text(encoding="utf-8"))


def png(width: int = 3, height: int = 2) -> bytes:
    """A real, minimal RGB PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    pixels = zlib.compress(b"".join(b"\x00" + b"\x00" * 3 * width for _ in range(height)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def missing_required(value: Any, types: list[str], path: str = "result") -> list[str]:
    """Required fields absent anywhere in ``value``, read straight from ``api.json``.

    Independent of the fake's own checker, so a bug there cannot hide a bad answer.
    """
    raw = RAW_SPEC["types"]
    candidates = []
    for type_name in types:
        if type_name.startswith("Array of ") and isinstance(value, list):
            inner = [type_name.removeprefix("Array of ")]
            candidates.append([m for i, item in enumerate(value)
                               for m in missing_required(item, inner, f"{path}[{i}]")])
        elif type_name in raw and isinstance(value, dict):
            spec_type = raw[type_name]
            if "subtypes" in spec_type:
                candidates.append(missing_required(value, spec_type["subtypes"], path))
                continue
            fields = spec_type.get("fields", [])
            found = [f"{path}.{f['name']}" for f in fields
                     if f["required"] and f["name"] not in value]
            for f in fields:
                if f["name"] in value:
                    found += missing_required(value[f["name"]], f["types"], f"{path}.{f['name']}")
            candidates.append(found)
    return min(candidates, key=len) if candidates else []


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """A running fake; afterwards every accepted answer must have all required fields."""
    async with FakeTelegram() as server:
        yield server
    assert server.internal_errors == []
    for call in server.calls:
        if call.ok:
            returns = RAW_SPEC["methods"][call.method]["returns"]
            assert missing_required(call.result, returns) == [], call.method


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    """A real PTB Bot pointed at the fake."""
    async with tg.make_bot() as real_bot:
        yield real_bot


async def raw_call(
    tg: FakeTelegram, method: str, data: dict[str, Any] | None = None, *, token: str | None = None
) -> tuple[int, dict[str, Any]]:
    """POST form fields as PTB encodes them (strings raw, everything else JSON)."""
    async with aiohttp.ClientSession() as session, session.post(
        f"{tg.url}/bot{token or tg.token}/{method}", data=data or {}
    ) as response:
        body: dict[str, Any] = await response.json()
        return response.status, body


# --------------------------------------------------------------------- PTB Bot end to end


async def test_bot_round_trip(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot and me.username == "fake_test_bot"
    tg.user_sends_text(USER, "hello")
    first = await bot.send_message(USER, "<b>Hi</b> &amp; welcome", parse_mode="HTML")
    second = await bot.send_message(USER, "again")
    assert first.text == "Hi & welcome"
    assert first.entities[0].type == "bold" and first.entities[0].length == 2
    assert first.chat.id == USER and first.from_user is not None and first.from_user.is_bot
    assert second.message_id == first.message_id + 1 == 3  # the user's message was 1
    assert tg.texts(USER) == ["Hi & welcome", "again"]
    assert await bot.send_chat_action(USER, "typing") is True
    assert await bot.delete_message(USER, second.message_id) is True
    assert tg.texts(USER) == ["Hi & welcome"]


async def test_uploads_are_recorded_and_downloadable(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    photo = await bot.send_photo(USER, png(30, 20), caption="chart")
    assert (photo.photo[-1].width, photo.photo[-1].height) == (30, 20)
    assert photo.caption == "chart"
    doc = await bot.send_document(USER, b"Alice: hi\nBob: hello\n", filename="transcript.txt")
    assert doc.document is not None and doc.document.file_name == "transcript.txt"
    [sent_png] = tg.uploaded_files("sendPhoto")
    assert sent_png.is_png
    [transcript] = tg.uploaded_files("sendDocument")
    assert transcript.filename == "transcript.txt"
    assert "Bob: hello" in transcript.text()
    file = await bot.get_file(doc.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"Alice: hi\nBob: hello\n"
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(USER, b"not an image at all")


async def test_edits_and_keyboards(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    keyboard = Keyboard([[Button("Hint", callback_data="hint:1")]])
    sent = await bot.send_message(USER, "Question?", reply_markup=keyboard)
    edited = await bot.edit_message_text("Question (edited)", USER, sent.message_id,
                                         reply_markup=keyboard)
    assert not isinstance(edited, bool) and edited.text == "Question (edited)"
    assert tg.texts(USER) == ["Question (edited)"]
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Question (edited)", USER, sent.message_id,
                                    reply_markup=keyboard)
    await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=None)
    assert "reply_markup" not in (tg.last_message(USER) or {})
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", USER, 999)
    await bot.set_my_commands([("start", "Begin"), ("hint", "Get a hint")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "hint"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Start", "Begin")])


async def test_application_with_handlers(tg: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = Keyboard([[Button("Hint", callback_data="hint")]])
        await update.effective_message.reply_text(
            f"Welcome! args={context.args}", reply_markup=keyboard
        )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        await update.effective_message.reply_text(update.effective_message.text.upper())

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("ok")
        await query.edit_message_text(f"You pressed {query.data}")

    app = tg.application_builder().build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(press))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        welcome = await tg.wait_for_reply(tg.user_sends_text(USER, "/start now"))
        assert welcome["text"] == "Welcome! args=['now']"
        echo_reply = await tg.wait_for_reply(tg.user_sends_text(USER, "hello"))
        assert echo_reply["text"] == "HELLO"
        tg.user_presses_button(USER, welcome["message_id"], "hint")
        await tg.wait_for(
            lambda: tg.sent_messages(USER)[0]["text"] == "You pressed hint", what="edit"
        )
        [answer] = tg.calls_to("answerCallbackQuery")
        assert answer.ok and answer.params["text"] == "ok"
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert not [c for c in tg.failed_calls if c.method != "getUpdates"]


# --------------------------------------------------------------------- refusals


async def test_unknown_method_and_token(tg: FakeTelegram, bot: Bot) -> None:
    assert await raw_call(tg, "sendMessagez") == (404, {
        "ok": False, "error_code": 404, "description": "Not Found: method not found",
    })
    status, body = await raw_call(tg, "getMe", token="123:wrong")
    assert (status, body["description"]) == (401, "Unauthorized")
    assert (await raw_call(tg, "getMe", token="not-a-token"))[0] == 404
    with pytest.raises(InvalidToken):
        async with Bot("123:wrong", base_url=tg.base_url):
            pass
    assert (await raw_call(tg, "GETME"))[0] == 200  # method names are case-insensitive


@pytest.mark.parametrize(
    ("fields", "description"),
    [
        ({"text": "hi"}, "Bad Request: chat_id is empty"),
        ({"chat_id": "42"}, "Bad Request: message text is empty"),
        ({"chat_id": "42", "text": "  "}, "Bad Request: message text is empty"),
        ({"chat_id": "42", "text": "hi", "colour": "red"},
         'Bad Request: unknown parameter "colour"'),
        ({"chat_id": "42", "text": "hi", "disable_notification": "maybe"},
         'Bad Request: parameter "disable_notification" must be of type Boolean'),
        ({"chat_id": "42", "text": "hi", "message_thread_id": "x"},
         'Bad Request: parameter "message_thread_id" must be of type Integer'),
        ({"chat_id": "42", "text": "hi", "reply_markup": '{"inline_keyboard": [{"text": "x"}]}'},
         "Bad Request: can't parse reply_markup"),
        ({"chat_id": "42", "text": "hi",
          "reply_markup": '{"inline_keyboard": [[{"text": "x", "callback_data": 5}]]}'},
         'field "inline_keyboard[0][0].callback_data" must be of type String'),
        ({"chat_id": "42", "text": "hi", "reply_markup": '{"inline_keyboard": [[{"text": "x"}]]}'},
         "Text buttons are unallowed in the inline keyboard"),
        ({"chat_id": "42", "text": "x" * 4097}, "Bad Request: message is too long"),
        ({"chat_id": "42", "text": "<b>unclosed", "parse_mode": "HTML"},
         'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"'),
        ({"chat_id": "42", "text": "<foo>x</foo>", "parse_mode": "HTML"},
         'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0'),
        ({"chat_id": "42", "text": "a < b & c", "parse_mode": "HTML"},
         'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2'),
        ({"chat_id": "42", "text": "AT&T", "parse_mode": "HTML"}, 'Character "&" at byte offset 2'),
        ({"chat_id": "42", "text": "<b>x</i>", "parse_mode": "HTML"}, "Unmatched end tag"),
        ({"chat_id": "42", "text": "Hi.", "parse_mode": "MarkdownV2"},
         "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ({"chat_id": "42", "text": "hi", "parse_mode": "Textile"}, "unsupported parse_mode"),
        ({"chat_id": "7", "text": "hi"}, "Bad Request: chat not found"),
    ],
)
async def test_send_message_refusals(
    tg: FakeTelegram, fields: dict[str, str], description: str
) -> None:
    tg.add_user(USER)
    status, body = await raw_call(tg, "sendMessage", fields)
    assert status == 400 and body["error_code"] == 400 and body["ok"] is False
    assert description in body["description"]
    assert tg.sent_messages(USER) == []


async def test_ptb_sees_refusals_as_bad_request(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    with pytest.raises(BadRequest, match="Unknown parameter"):
        await bot.send_message(USER, "hi", api_kwargs={"colour": "red"})
    forged = Keyboard([[Button("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(USER, "pick", reply_markup=forged)
    ok = Keyboard([[Button("x", callback_data="é" * 32)]])
    await bot.send_message(USER, "pick", reply_markup=ok)  # 64 bytes exactly
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(USER, "<b>" + "x" * 4097 + "</b>", parse_mode="HTML")
    await bot.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(USER, png(), caption="x" * 1025)
    album: list[InputMediaPhoto | InputMediaDocument] = [
        InputMediaPhoto(png()), InputMediaDocument(b"notes", filename="n.txt"),
    ]
    with pytest.raises(BadRequest, match="Document can't be grouped"):
        await bot.send_media_group(USER, album)
    sent = await bot.send_media_group(USER, [InputMediaPhoto(png()), InputMediaPhoto(png(5, 5))])
    assert len({m.media_group_id for m in sent}) == 1


async def test_escaped_html_and_markdown_are_accepted(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    tricky = 'a < b & c > d "quoted" \'single\''
    sent = await bot.send_message(USER, f"<i>{html.escape(tricky)}</i>", parse_mode="HTML")
    assert sent.text == tricky
    mdv2 = await bot.send_message(USER, r"*Bold* and \. escaped\!", parse_mode="MarkdownV2")
    assert mdv2.text == "Bold and . escaped!" and mdv2.entities[0].type == "bold"


def test_required_field_oracle_catches_gaps() -> None:
    assert missing_required({"message_id": 1, "date": 0}, ["Message"]) == ["result.chat"]
    message = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}
    assert missing_required([message], ["Array of Message"]) == []


def test_markup_parsers_match_tdlib() -> None:
    parsed = parse_html('<a href="https://x.org/?a=1&b=2">link</a> &#128512; <pre><code '
                        'class="language-python">x = 1</code></pre>')
    assert parsed.text == "link 😀 x = 1"
    kinds = [(e["type"], e["offset"], e["length"]) for e in parsed.entities]
    assert kinds == [("text_link", 0, 4), ("pre", 8, 5)]  # the emoji counts 2 UTF-16 units
    assert parsed.entities[1]["language"] == "python"
    for bad in ("<b>x", "</b>", "<span>x</span>", "<a href=>x</a>"):
        with pytest.raises(EntityParseError):
            parse_html(bad)
    v2 = parse_markdown_v2("__u__ ||s|| [t](https://e\\.org) `a.b`")
    assert v2.text == "u s t a.b"
    assert [e["type"] for e in v2.entities] == ["underline", "spoiler", "text_link", "code"]
    with pytest.raises(EntityParseError, match="Can't find end of Bold entity"):
        parse_markdown_v2("*open")


# --------------------------------------------------------------------- faults


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # retry_after
async def test_fault_injection(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    tg.fail_next("sendMessage", status=429, retry_after=1)
    assert await raw_call(tg, "sendMessage", {"chat_id": "42", "text": "x"}) == (429, {
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    })
    tg.fail_next("sendmessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter, match="Retry in 3"):
        await bot.send_message(USER, "x")
    tg.fail_next("sendMessage", status=500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(USER, "x")
    assert tg.sent_messages(USER) == []
    tg.block_user(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "x")
    tg.unblock_user(USER)
    await bot.send_message(USER, "back")


async def test_delay_causes_timeout_but_message_is_sent(tg: FakeTelegram) -> None:
    tg.add_user(USER)
    tg.delay_next("sendMessage", 1.0)
    request = HTTPXRequest(read_timeout=0.2)
    async with Bot(tg.token, base_url=tg.base_url, request=request) as slow_bot:
        with pytest.raises(TimedOut):
            await slow_bot.send_message(USER, "late")
    assert tg.texts(USER) == ["late"]  # delivered, only the answer was late


# --------------------------------------------------------------------- updates


async def test_get_updates_long_polling(tg: FakeTelegram, bot: Bot) -> None:
    first = tg.user_sends_text(USER, "one")
    second = tg.user_sends_text(USER, "two")
    assert [u.update_id for u in await bot.get_updates(limit=1)] == [first]
    assert [u.update_id for u in await bot.get_updates()] == [first, second]
    assert [u.update_id for u in await bot.get_updates(offset=second)] == [second]
    started = time.monotonic()
    assert await bot.get_updates(offset=second + 1, timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3

    async def later() -> int:
        await asyncio.sleep(0.2)
        return tg.user_sends_text(USER, "three")

    started = time.monotonic()
    pending = asyncio.create_task(later())
    updates = await bot.get_updates(offset=second + 1, timeout=5)
    third = await pending
    assert [u.update_id for u in updates] == [third]
    assert time.monotonic() - started < 2.5  # well before the 5 s timeout
    assert tg.repeat_update(first) == first
    repeated = await bot.get_updates(offset=third + 1)
    assert [u.update_id for u in repeated] == [first]
    assert repeated[0].message is not None and repeated[0].message.text == "one"


async def test_simulated_updates(tg: FakeTelegram, bot: Bot) -> None:
    command = tg.user_sends_text(USER, "/hint first", first_name="Ann", language_code="de")
    group = tg.user_sends_text(7, "/start@fake_test_bot", chat_type="group")
    sticker = tg.user_sends({"message": {
        "from": {"id": USER, "is_bot": False, "first_name": "Ann"},
        "sticker": {"file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512,
                    "height": 512, "is_animated": False, "is_video": False},
    }})
    edited = tg.user_sends({"edited_message": {
        "message_id": 1, "from": {"id": USER, "is_bot": False, "first_name": "Ann"},
        "text": "/hint second",
    }})
    voice = tg.user_sends_file(USER, "voice", b"OggS fake", filename="v.ogg",
                               extra={"duration": 2})
    updates = {u.update_id: u for u in await bot.get_updates()}
    message = updates[command].message
    assert message is not None and message.from_user is not None
    assert message.from_user.language_code == "de" and message.chat.type == "private"
    assert message.entities[0].type == "bot_command" and message.entities[0].length == 5
    group_chat = updates[group].effective_chat
    assert group_chat is not None and group_chat.id == -1007 and group_chat.type == "group"
    sticker_message = updates[sticker].message
    assert sticker_message is not None and sticker_message.sticker is not None
    assert updates[edited].edited_message is not None
    voice_message = updates[voice].message
    assert voice_message is not None and voice_message.voice is not None
    file = await bot.get_file(voice_message.voice.file_id)
    assert bytes(await file.download_as_bytearray()) == b"OggS fake"
    with pytest.raises(InvalidUpdate):
        tg.user_sends({"message": {"from": {"id": 1, "is_bot": False, "first_name": "X"},
                                   "colour": "red"}})
    with pytest.raises(InvalidUpdate, match="no button"):
        tg.user_presses_button(USER, 1, "nothing")


async def test_callback_query_answers(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_user(USER)
    keyboard = Keyboard([[Button("A", callback_data="a")]])
    sent = await bot.send_message(USER, "choose", reply_markup=keyboard)
    update_id = tg.user_presses_button(USER, sent.message_id, "a")
    [update] = await bot.get_updates()
    assert update.update_id == update_id and update.callback_query is not None
    assert update.callback_query.data == "a"
    assert await update.callback_query.answer("done") is True
    assert tg.callback_answer(update.callback_query.id) is not None
    with pytest.raises(BadRequest, match="Query is too old"):
        await update.callback_query.answer("again")


def test_standalone_process_with_control_api() -> None:
    async def drive_bot(base_url: str, token: str, send_first: bool = False) -> str:
        async with Bot(token, base_url=base_url) as remote_bot:
            if send_first:
                await remote_bot.send_message(USER, "are you there?")
            [update] = await remote_bot.get_updates(timeout=1)
            assert update.message is not None and update.message.text == "/start"
            await update.message.reply_text("hi from a bot")
            return str(update.message.text)

    with spawn_fake_telegram() as remote:
        assert remote.health()["bot"]["username"] == "fake_test_bot"
        remote.send_text(USER, "/start")
        asyncio.run(drive_bot(remote.base_url, remote.token))
        [reply] = remote.messages(USER, count=1, timeout=2)
        assert reply["text"] == "hi from a bot"
        sends = remote.wait_calls("sendMessage", 1, timeout=2)
        assert sends[0]["params"]["chat_id"] == USER and sends[0]["status"] == 200
        remote.block_user(USER)
        with pytest.raises(Forbidden):
            asyncio.run(drive_bot(remote.base_url, remote.token, send_first=True))
