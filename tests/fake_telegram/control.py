"""A small HTTP API under ``/_control/`` so a test in another process can drive the fake.

It mirrors the in-process helpers one to one (``send_text`` is ``user_sends_text``...);
uploaded file bytes come back base64-encoded. See :mod:`.remote` for a client.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import ApiError
from .files import UploadedFile

if TYPE_CHECKING:
    from .server import FakeTelegram, RecordedCall

PREFIX = "/_control"
Route = Callable[[web.Request], Awaitable[web.Response]]


def _jsonable(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        return {
            "part": value.part,
            "filename": value.filename,
            "content_type": value.content_type,
            "size": value.size,
            "data_base64": base64.b64encode(value.data).decode("ascii"),
        }
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _reply(payload: Any, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(payload, default=_jsonable), status=status,
        content_type="application/json",
    )


def call_to_json(index: int, call: RecordedCall) -> dict[str, Any]:
    """A recorded call in a JSON-safe shape; ``index`` allows fetching only newer ones."""
    return {
        "index": index,
        "method": call.method,
        "params": call.params,
        "files": call.files,
        "status": call.status,
        "response": call.response,
    }


def add_control_routes(app: web.Application, fake: FakeTelegram) -> None:
    """Register the control endpoints for ``fake`` on ``app``."""

    def action(handler: Callable[[dict[str, Any]], Any]) -> Route:
        async def route(request: web.Request) -> web.Response:
            try:
                body = await request.json() if request.can_read_body else {}
                return _reply({"ok": True, "result": handler(body)})
            except (ValueError, KeyError, TypeError, ApiError) as exc:
                return _reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, 400)
        return route

    def calls_since(since: int, method: str | None) -> list[dict[str, Any]]:
        return [
            call_to_json(i, c) for i, c in enumerate(fake.calls)
            if i >= since and (method is None or c.method.lower() == method.lower())
        ]

    async def calls(request: web.Request) -> web.Response:
        query = request.query
        return _reply({"ok": True, "result": calls_since(
            int(query.get("since", 0)), query.get("method")
        )})

    async def wait_calls(request: web.Request) -> web.Response:
        query = request.query
        method, count = query["method"], int(query.get("count", 1))
        try:
            await fake.wait_for_calls(method, count, float(query.get("timeout", 5)))
        except TimeoutError as exc:
            return _reply({"ok": False, "error": str(exc)}, 408)
        return _reply({"ok": True, "result": calls_since(0, method)})

    async def messages(request: web.Request) -> web.Response:
        query = request.query
        chat_id = int(query["chat_id"])
        count = int(query.get("count", 0))
        if count:
            try:
                await fake.wait_for(
                    lambda: len(fake.sent_messages(chat_id)) >= count,
                    float(query.get("timeout", 5)), what=f"{count} bot messages in {chat_id}",
                )
            except TimeoutError as exc:
                return _reply({"ok": False, "error": str(exc)}, 408)
        deleted = query.get("include_deleted", "false").lower() == "true"
        return _reply({"ok": True, "result": fake.sent_messages(chat_id, include_deleted=deleted)})

    async def health(request: web.Request) -> web.Response:
        return _reply({"ok": True, "result": {
            "token": fake.token, "base_url": fake.base_url,
            "base_file_url": fake.base_file_url, "bot": fake.bot_user,
        }})

    def send_file(body: dict[str, Any]) -> int:
        data = base64.b64decode(body.pop("data_base64"))
        return fake.user_sends_file(body.pop("user_id"), body.pop("kind"), data, **body)

    def block(body: dict[str, Any]) -> bool:
        fake.block_user(body["user_id"])
        return True

    def unblock(body: dict[str, Any]) -> bool:
        fake.unblock_user(body["user_id"])
        return True

    def clear_calls(body: dict[str, Any]) -> bool:
        fake.calls.clear()
        return True

    def fail_next(body: dict[str, Any]) -> bool:
        fake.fail_next(body.pop("method"), **body)
        return True

    def delay_next(body: dict[str, Any]) -> bool:
        fake.delay_next(body.pop("method"), body.pop("seconds"), **body)
        return True

    posts: dict[str, Callable[[dict[str, Any]], Any]] = {
        "send_text": lambda b: fake.user_sends_text(b.pop("user_id"), b.pop("text"), **b),
        "send_message": lambda b: fake.user_sends_message(
            b.pop("user_id"), b.pop("content"), **b
        ),
        "send_file": send_file,
        "send_update": lambda b: fake.user_sends(b["update"]),
        "press_button": lambda b: fake.user_presses_button(
            b.pop("user_id"), b.pop("message_id"), b.pop("data"), **b
        ),
        "repeat_update": lambda b: fake.repeat_update(b["update_id"]),
        "add_user": lambda b: fake.add_user(b.pop("user_id"), **b),
        "fail_next": fail_next,
        "delay_next": delay_next,
        "block_user": block,
        "unblock_user": unblock,
        "clear_calls": clear_calls,
    }
    for name, handler in posts.items():
        app.router.add_post(f"{PREFIX}/{name}", action(handler))
    app.router.add_get(f"{PREFIX}/health", health)
    app.router.add_get(f"{PREFIX}/calls", calls)
    app.router.add_get(f"{PREFIX}/wait_calls", wait_calls)
    app.router.add_get(f"{PREFIX}/messages", messages)
