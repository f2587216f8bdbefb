"""Driving a fake that runs in another process: a blocking client and a process launcher.

For end-to-end tests where the bot itself runs as a subprocess: start the fake with
:func:`spawn_fake_telegram`, point the bot at ``fake.base_url``, then play the user with
``fake.send_text(...)`` and read ``fake.messages(chat_id, count=1)``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import selectors
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .server import DEFAULT_TOKEN

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_MARKER = "FAKE_TELEGRAM_READY"
"""First word of the line the fake process prints once it listens."""
STARTUP_TIMEOUT = 15.0
"""Seconds to wait for the fake process to announce itself."""


class ControlError(RuntimeError):
    """The control API refused a request (bad arguments, or a wait that timed out)."""


class RemoteFakeTelegram:
    """Blocking client for the ``/_control`` API of a fake at ``url``."""

    def __init__(self, url: str, token: str = DEFAULT_TOKEN) -> None:
        self.url = url.rstrip("/")
        self.token = token

    @property
    def base_url(self) -> str:
        """PTB's ``base_url`` for this fake."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's ``base_file_url`` for this fake."""
        return f"{self.url}/file/bot"

    def _request(self, path: str, body: dict[str, Any] | None = None, timeout: float = 30) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_control/{path}", data=data,
            headers={"Content-Type": "application/json"}, method="GET" if body is None else "POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                payload = json.load(response)
        except urllib.error.HTTPError as exc:
            payload = json.load(exc)
        if not payload.get("ok"):
            raise ControlError(payload.get("error", payload))
        return payload["result"]

    def _get(self, path: str, http_timeout: float = 30, **query: Any) -> Any:
        params = urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        return self._request(f"{path}?{params}" if params else path, timeout=http_timeout)

    def health(self) -> dict[str, Any]:
        """Token, URLs and bot user of the running fake."""
        result: dict[str, Any] = self._get("health", http_timeout=2)
        return result

    def send_text(self, user_id: int, text: str, **options: Any) -> int:
        """Like ``FakeTelegram.user_sends_text``; returns the update id."""
        return int(self._request("send_text", {"user_id": user_id, "text": text, **options}))

    def send_message(self, user_id: int, content: dict[str, Any], **options: Any) -> int:
        """Like ``FakeTelegram.user_sends_message``."""
        body = {"user_id": user_id, "content": content, **options}
        return int(self._request("send_message", body))

    def send_file(self, user_id: int, kind: str, data: bytes, **options: Any) -> int:
        """Like ``FakeTelegram.user_sends_file``."""
        body = {"user_id": user_id, "kind": kind,
                "data_base64": base64.b64encode(data).decode(), **options}
        return int(self._request("send_file", body))

    def send_update(self, update: dict[str, Any]) -> int:
        """Like ``FakeTelegram.user_sends``."""
        return int(self._request("send_update", {"update": update}))

    def press_button(self, user_id: int, message_id: int, data: str, **options: Any) -> int:
        """Like ``FakeTelegram.user_presses_button``."""
        body = {"user_id": user_id, "message_id": message_id, "data": data, **options}
        return int(self._request("press_button", body))

    def repeat_update(self, update_id: int) -> int:
        """Like ``FakeTelegram.repeat_update``."""
        return int(self._request("repeat_update", {"update_id": update_id}))

    def fail_next(self, method: str, status: int = 429, **options: Any) -> None:
        """Like ``FakeTelegram.fail_next``."""
        self._request("fail_next", {"method": method, "status": status, **options})

    def delay_next(self, method: str, seconds: float, **options: Any) -> None:
        """Like ``FakeTelegram.delay_next``."""
        self._request("delay_next", {"method": method, "seconds": seconds, **options})

    def block_user(self, user_id: int) -> None:
        """Like ``FakeTelegram.block_user``."""
        self._request("block_user", {"user_id": user_id})

    def unblock_user(self, user_id: int) -> None:
        """Like ``FakeTelegram.unblock_user``."""
        self._request("unblock_user", {"user_id": user_id})

    def calls(self, method: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        """Recorded calls (``files`` base64-encoded); ``since`` skips older indexes."""
        result: list[dict[str, Any]] = self._get("calls", method=method, since=since)
        return result

    def wait_calls(self, method: str, count: int = 1, timeout: float = 5) -> list[dict[str, Any]]:
        """Block until ``method`` was called ``count`` times; all its calls."""
        result: list[dict[str, Any]] = self._get(
            "wait_calls", http_timeout=timeout + 5, method=method, count=count, timeout=timeout
        )
        return result

    def messages(
        self, chat_id: int, *, count: int = 0, timeout: float = 5, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        """The bot's messages in a chat, after waiting until there are ``count`` of them."""
        result: list[dict[str, Any]] = self._get(
            "messages", http_timeout=timeout + 5, chat_id=chat_id, count=count,
            timeout=timeout, include_deleted=str(include_deleted).lower(),
        )
        return result


@contextlib.contextmanager
def spawn_fake_telegram(
    *, port: int = 0, token: str = DEFAULT_TOKEN, extra_args: tuple[str, ...] = ()
) -> Iterator[RemoteFakeTelegram]:
    """Run ``python -m tests.fake_telegram`` and yield a client; the process ends on exit."""
    command = [sys.executable, "-m", "tests.fake_telegram", "--port", str(port),
               "--token", token, *extra_args]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True, env=env,
    )
    try:
        url = _await_ready(process)
        yield RemoteFakeTelegram(url, token)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _await_ready(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_TIMEOUT
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=deadline - time.monotonic()):
                break
            line = process.stdout.readline()
            if not line:
                break
            if line.startswith(READY_MARKER):
                return line.split()[1]
    raise RuntimeError(f"fake Telegram did not start (exit code {process.poll()})")
