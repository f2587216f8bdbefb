"""What tests ask the fake afterwards: which calls came in, what the bot sent, and waiting for it.

Waits wake on every recorded call or queued update instead of polling, so a test that
waits for the bot's reply returns the moment the reply arrives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .files import UploadedFile
from .objects import JSON
from .updates import UpdateQueue
from .world import World

if TYPE_CHECKING:
    from .server import RecordedCall

T = TypeVar("T")
DEFAULT_WAIT = 5.0
"""Seconds a wait gives the bot before failing the test."""


class Inspection:
    """Queries over the recorded calls and the chats; mixed into the server."""

    calls: list[RecordedCall]
    world: World
    queue: UpdateQueue
    reply_marks: dict[int, tuple[int, int]]

    def calls_to(self, method: str, *, ok_only: bool = False) -> list[RecordedCall]:
        """Calls of ``method`` (any letter case), oldest first."""
        wanted = method.lower()
        return [
            c for c in self.calls if c.method.lower() == wanted and (c.ok or not ok_only)
        ]

    @property
    def failed_calls(self) -> list[RecordedCall]:
        """Calls Telegram would have refused (or that hit an injected fault)."""
        return [c for c in self.calls if not c.ok]

    def sent_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[JSON]:
        """The bot's messages in ``chat_id`` as they look now (edits applied), oldest first."""
        return self.world.bot_messages(chat_id, include_deleted=include_deleted)

    def texts(self, chat_id: int) -> list[str]:
        """Text or caption of each message the bot has in ``chat_id``, a readable transcript."""
        return [str(m.get("text", m.get("caption", ""))) for m in self.sent_messages(chat_id)]

    def last_message(self, chat_id: int) -> JSON | None:
        """The bot's latest live message in ``chat_id``."""
        messages = self.sent_messages(chat_id)
        return messages[-1] if messages else None

    def uploaded_files(self, method: str | None = None) -> list[UploadedFile]:
        """Files the bot uploaded in accepted calls, optionally only those of ``method``."""
        calls = self.calls_to(method, ok_only=True) if method else [c for c in self.calls if c.ok]
        return [upload for call in calls for upload in call.files.values()]

    def commands(
        self, *, scope: JSON | None = None, language_code: str | None = None
    ) -> list[JSON]:
        """The command list set by ``setMyCommands`` for this scope and language."""
        return list(self.world.commands.get(self.world.commands_key(scope, language_code), []))

    def callback_answer(self, query_id: str) -> JSON | None:
        """The ``answerCallbackQuery`` parameters for a query, ``None`` while unanswered."""
        state = self.world.callback_queries.get(query_id)
        return state.answer if state else None

    async def wait_for(
        self, predicate: Callable[[], T], timeout: float = DEFAULT_WAIT, *, what: str = ""
    ) -> T:
        """Wait until ``predicate()`` is truthy and return its value.

        Raises ``TimeoutError`` naming ``what`` and the last calls, which is usually
        enough to see why the bot did not do what the test expected.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [
                    f"{c.method}({c.status}) {c.description or ''}".strip()
                    for c in self.calls[-8:] if c.method != "getUpdates"
                ]
                raise TimeoutError(
                    f"{what or 'condition'} not met within {timeout}s; recent calls: {recent}"
                )
            await self.queue.changed.wait(remaining)

    async def wait_for_calls(
        self, method: str, count: int = 1, timeout: float = DEFAULT_WAIT, *, ok_only: bool = False
    ) -> list[RecordedCall]:
        """Wait until ``method`` was called ``count`` times; returns all its calls."""
        def enough() -> list[RecordedCall]:
            found = self.calls_to(method, ok_only=ok_only)
            return found if len(found) >= count else []

        return await self.wait_for(enough, timeout, what=f"{count} call(s) of {method}")

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[JSON], Any] | None = None,
        timeout: float = DEFAULT_WAIT,
        *,
        after: int = 0,
    ) -> JSON:
        """Wait for a bot message in ``chat_id`` (with ``message_id > after``) and return it.

        ``predicate`` narrows the match, e.g. ``lambda m: "Welcome" in m.get("text", "")``.
        """
        def find() -> JSON | None:
            for message in self.sent_messages(chat_id):
                if message["message_id"] > after and (predicate is None or predicate(message)):
                    return message
            return None

        found = await self.wait_for(find, timeout, what=f"a bot message in chat {chat_id}")
        assert found is not None
        return found

    async def wait_for_reply(
        self,
        update_id: int,
        predicate: Callable[[JSON], Any] | None = None,
        timeout: float = DEFAULT_WAIT,
    ) -> JSON:
        """Wait for the bot's first new message in the chat of a simulated update.

        "New" means sent after the update was queued, so earlier bot messages never match.
        """
        chat_id, last_id = self.reply_marks[update_id]
        return await self.wait_for_message(chat_id, predicate, timeout, after=last_id)

    def update(self, update_id: int) -> JSON:
        """A queued update by id, e.g. to read the ``message_id`` a user message got."""
        return self.queue.history[update_id]
