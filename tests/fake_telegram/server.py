"""The fake Bot API server: HTTP routing, recording, fault injection and waiting helpers.

Point PTB at it with ``base_url=server.base_url`` and ``base_file_url=server.base_file_url``;
drive users with ``server.user_sends_text(...)`` and assert on ``server.calls`` or
``server.sent_messages(chat_id)``.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import re
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from .errors import (
    METHOD_NOT_FOUND,
    NOT_FOUND,
    STATUS_DESCRIPTIONS,
    UNAUTHORIZED,
    ApiError,
    too_many_requests,
)
from .files import UploadedFile
from .inspection import Inspection
from .methods import BotApi
from .objects import JSON, user_object
from .rules import check_call, violation_error
from .spec import ApiSpec, MethodSpec, Violation, load_spec
from .updates import UpdateQueue
from .users import UserActions
from .wire import WireCall, decode_params, read_call
from .world import World

if TYPE_CHECKING:
    from telegram import Bot
    from telegram.ext import ApplicationBuilder

T = TypeVar("T")
DEFAULT_TOKEN = "123456789:AAFakeTelegramTokenForTests-0123456789"
_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
MAX_UPLOAD_BYTES = 60 * 1024 * 1024
"""Above Telegram's 50 MB bot upload limit, so oversize files reach the fake's checks."""
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordedCall:
    """One Bot API call as the fake saw and answered it.

    Unpacks as ``method, params, files``. ``params`` are decoded (JSON fields as objects,
    uploaded files as :class:`UploadedFile`); ``method`` is the spec's camelCase name.
    """

    method: str
    params: JSON
    files: dict[str, UploadedFile]
    status: int = 200
    response: JSON = field(default_factory=dict)
    at: float = 0.0

    def __iter__(self) -> Any:
        return iter((self.method, self.params, self.files))

    @property
    def ok(self) -> bool:
        """Whether Telegram would have accepted the call."""
        return self.status == 200

    @property
    def result(self) -> Any:
        """The ``result`` returned to the bot (``None`` for refused calls)."""
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        """The error description of a refused call."""
        return self.response.get("description")


@dataclass
class _Fault:
    status: int | None
    description: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    deliver: bool = True

    def error(self) -> ApiError:
        assert self.status is not None
        if self.status == 429:
            return too_many_requests(self.retry_after or 1)
        description = self.description or STATUS_DESCRIPTIONS.get(self.status, "Error")
        return ApiError(self.status, description)


class FakeTelegram(UserActions, Inspection):
    """An in-process Telegram Bot API for tests; use as ``async with FakeTelegram() as tg``."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "fake_test_bot",
        bot_first_name: str = "Fake Bot",
        strict_chats: bool = True,
        spec: ApiSpec | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``strict_chats``: sending to a chat no user has opened answers ``chat not found``."""
        self.token = token
        self.host = host
        self.port = port
        self.spec = spec or load_spec()
        bot_id = int(token.split(":", 1)[0])
        self.bot_user = user_object(bot_id, bot_first_name, is_bot=True, username=bot_username)
        self.world = World(self.bot_user, strict_chats=strict_chats, clock=clock)
        self.queue = UpdateQueue()
        self.api = BotApi(self.spec, self.world, self.queue)
        self.calls: list[RecordedCall] = []
        self.reply_marks: dict[int, tuple[int, int]] = {}
        self.internal_errors: list[str] = []
        self._faults: dict[str, collections.deque[_Fault]] = collections.defaultdict(
            collections.deque
        )
        self._runner: web.AppRunner | None = None
        self.app = self._build_app()

    # ----------------------------------------------------------------- lifecycle

    def _build_app(self) -> web.Application:
        from .control import add_control_routes

        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        add_control_routes(app, self)
        return app

    async def start(self) -> FakeTelegram:
        """Listen on ``host:port`` (port 0 picks a free one, stored in :attr:`port`)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(
            self.app, handler_cancellation=True, access_log=None, shutdown_timeout=0.5
        )
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        """Close the server; pending long polls are cut off."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:43817``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What to pass as PTB's ``base_url`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """What to pass as PTB's ``base_file_url``."""
        return f"{self.url}/file/bot"

    def make_bot(self, **kwargs: Any) -> Bot:
        """A ``telegram.Bot`` wired to this server (not yet initialised)."""
        from telegram import Bot

        return Bot(self.token, base_url=self.base_url, base_file_url=self.base_file_url, **kwargs)

    def application_builder(self) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
        """An ``ApplicationBuilder`` with token and URLs set; add handlers, then ``build()``."""
        from telegram.ext import Application

        return (
            Application.builder().token(self.token)
            .base_url(self.base_url).base_file_url(self.base_file_url)
        )

    # ----------------------------------------------------------------- HTTP handlers

    async def _handle_api(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        token = request.match_info["token"]
        method = self.spec.method(name)
        params: JSON = {}
        files: dict[str, UploadedFile] = {}
        fault: _Fault | None = None
        try:
            if token != self.token:
                raise UNAUTHORIZED if _TOKEN_RE.fullmatch(token) else NOT_FOUND
            if method is None:
                raise METHOD_NOT_FOUND
            wire = await read_call(request)
            params, files = dict(wire.raw), wire.files
            fault = self._take_fault(method.name)
            if fault is not None and (fault.status is not None or not fault.deliver):
                await asyncio.sleep(fault.delay)
                if fault.status is not None:
                    raise fault.error()
            params = self._decode(method, wire)
            result = await self._execute(method, params, files)
            response: JSON = {"ok": True, "result": result}
            status = 200
        except ApiError as exc:
            response, status = exc.payload(), exc.status
        except Exception as exc:  # a bug in the fake must surface, not hang the bot
            self.internal_errors.append(traceback.format_exc())
            _LOG.exception("fake Telegram failed on %s", name)
            response = {"ok": False, "error_code": 500,
                        "description": f"Internal Server Error: fake bug: {exc!r}"}
            status = 500
        self._record(method.name if method else name, params, files, status, response)
        if status == 200 and fault is not None and fault.status is None and fault.deliver:
            await asyncio.sleep(fault.delay)
        return web.json_response(response, status=status)

    def _decode(self, method: MethodSpec, wire: WireCall) -> JSON:
        try:
            return decode_params(self.spec, method, wire)
        except Violation as violation:
            raise violation_error(violation) from violation

    async def _execute(
        self, method: MethodSpec, params: JSON, files: dict[str, UploadedFile]
    ) -> Any:
        texts = check_call(method, params)
        if method.name == "getUpdates":
            if self.world.webhook is not None:
                raise ApiError(409, "Conflict: can't use getUpdates method while webhook is "
                                    "active; use deleteWebhook to delete the webhook first")
            return await self.queue.get_updates(
                offset=params.get("offset"), limit=params.get("limit"),
                timeout=params.get("timeout"), allowed_updates=params.get("allowed_updates"),
            )
        result = self.api.call(method, params, texts, files)
        try:
            self.spec.check(result, method.returns, "result")
        except Violation as violation:
            raise RuntimeError(f"{method.name} result breaks the spec: {violation}") from None
        return result

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(UNAUTHORIZED.payload(), status=401)
        stored = self.world.files.by_path(request.match_info["path"])
        if stored is None:
            return web.json_response(NOT_FOUND.payload(), status=404)
        return web.Response(body=stored.data, content_type=stored.mime_type)

    def _record(
        self, method: str, params: JSON, files: dict[str, UploadedFile], status: int,
        response: JSON,
    ) -> None:
        self.calls.append(RecordedCall(method, params, files, status, response, time.time()))
        self.queue.changed.notify()

    # ----------------------------------------------------------------- fault injection

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method.lower())
        return queue.popleft() if queue else None

    def fail_next(
        self,
        method: str,
        status: int = 429,
        *,
        retry_after: int = 1,
        description: str | None = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error instead of running them.

        429 carries ``parameters.retry_after`` (PTB raises ``RetryAfter``); other statuses
        use ``description`` or the standard phrase (``500`` -> ``Internal Server Error``).
        """
        for _ in range(times):
            self._faults[method.lower()].append(
                _Fault(status, description, retry_after, delay=delay)
            )

    def delay_next(
        self, method: str, seconds: float, *, times: int = 1, deliver: bool = True
    ) -> None:
        """Answer the next calls of ``method`` only after ``seconds``, to provoke timeouts.

        With ``deliver`` the call takes effect at once and only the answer is late, the
        case that makes a retrying bot send twice; without it nothing happens until the
        delay is over (and nothing at all if the bot hangs up first).
        """
        for _ in range(times):
            self._faults[method.lower()].append(_Fault(None, delay=seconds, deliver=deliver))

    def block_user(self, user_id: int) -> None:
        """From now on, sends to this user answer 403 ``bot was blocked by the user``."""
        self.world.blocked.add(user_id)

    def unblock_user(self, user_id: int) -> None:
        """The user restarted the bot."""
        self.world.blocked.discard(user_id)
