"""A fake Telegram Bot API server for tests, honest to the official spec.

Public surface:

- :class:`FakeTelegram` — the server (async context manager), its user simulation,
  fault injection and inspection helpers;
- :class:`RecordedCall`, :class:`UploadedFile` — what ``server.calls`` holds;
- :class:`RemoteFakeTelegram`, :func:`spawn_fake_telegram` — the same fake in another process;
- :func:`load_spec` — the parsed ``api.json`` the fake validates against.

Everything else is internal.

In-process use::

    async with FakeTelegram() as tg:
        app = tg.application_builder().build()   # token, base_url, base_file_url set
        ...add handlers, initialize, start, app.updater.start_polling(poll_interval=0.0)...
        reply = await tg.wait_for_reply(tg.user_sends_text(42, "/start"))
        assert "Welcome" in reply["text"]

Another process: ``python -m tests.fake_telegram --port 8081`` prints
``FAKE_TELEGRAM_READY http://127.0.0.1:8081``; drive it over ``/_control/...`` with
:class:`RemoteFakeTelegram`, or let :func:`spawn_fake_telegram` do both.
"""

from .files import UploadedFile
from .remote import RemoteFakeTelegram, spawn_fake_telegram
from .server import DEFAULT_TOKEN, FakeTelegram, RecordedCall
from .spec import ApiSpec, load_spec
from .users import InvalidUpdate

__all__ = [
    "DEFAULT_TOKEN",
    "ApiSpec",
    "FakeTelegram",
    "InvalidUpdate",
    "RecordedCall",
    "RemoteFakeTelegram",
    "UploadedFile",
    "load_spec",
    "spawn_fake_telegram",
]
