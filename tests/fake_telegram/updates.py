"""The update queue behind ``getUpdates`` long polling, and the signal tests wait on.

Semantics follow the Bot API: an update stays queued until a ``getUpdates`` call passes an
``offset`` above its id; a call with nothing queued waits up to ``timeout`` seconds and
returns as soon as an update arrives; a second concurrent ``getUpdates`` ends the first
with 409 Conflict, as when two bot instances poll one token.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .errors import ApiError

JSON = dict[str, Any]

DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
"""Update kinds Telegram leaves out unless ``allowed_updates`` names them."""
CONFLICT = ApiError(
    409,
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running",
)


class Notifier:
    """Wakes every waiter whenever something changes; waiters re-check their condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake all current waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """Wait for the next change, at most ``timeout`` seconds; False on timeout."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        return True


@dataclass(eq=False)
class _Queued:
    update: JSON
    redelivery: bool = False


def update_kind(update: JSON) -> str:
    """The field that carries an update's payload, e.g. ``message`` or ``callback_query``."""
    return next((key for key in update if key != "update_id"), "")


class UpdateQueue:
    """Updates waiting for the bot, plus every update ever made (for re-delivery)."""

    def __init__(self, first_update_id: int = 10001) -> None:
        self._ids = itertools.count(first_update_id)
        self._pending: list[_Queued] = []
        self.history: dict[int, JSON] = {}
        self.allowed: frozenset[str] | None = None
        self.changed = Notifier()
        self._poll_generation = 0

    def push(self, payload: JSON) -> int:
        """Queue ``payload`` (an Update without ``update_id``) and return its new id."""
        update_id = next(self._ids)
        update = {"update_id": update_id, **payload}
        self.history[update_id] = update
        self._pending.append(_Queued(update))
        self.changed.notify()
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Queue an old update again with its original id, as after a lost confirmation.

        It is delivered once even if the bot's ``offset`` has already passed it.
        """
        self._pending.append(_Queued(self.history[update_id], redelivery=True))
        self.changed.notify()

    @property
    def pending(self) -> list[JSON]:
        """Updates not yet confirmed by the bot."""
        return [queued.update for queued in self._pending]

    def drop_pending(self) -> None:
        """Forget every queued update (``deleteWebhook(drop_pending_updates=True)``)."""
        self._pending.clear()

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            keep = self._pending[offset:]
            self._pending = [q for q in self._pending if q.redelivery or q in keep]
            return
        self._pending = [
            q for q in self._pending if q.redelivery or q.update["update_id"] >= offset
        ]

    def _take(self, limit: int) -> list[JSON]:
        allowed = self.allowed
        kept: list[_Queued] = []
        for queued in self._pending:
            kind = update_kind(queued.update)
            visible = kind in allowed if allowed else kind not in DEFAULT_EXCLUDED
            if visible:
                kept.append(queued)
        self._pending = kept  # Telegram never delivers filtered-out updates later.
        first = [q for q in kept if q.redelivery] + [q for q in kept if not q.redelivery]
        chosen = first[:limit]
        self._pending = [q for q in kept if not (q.redelivery and q in chosen)]
        return [q.update for q in chosen]

    async def get_updates(
        self,
        *,
        offset: int | None,
        limit: int | None,
        timeout: int | None,
        allowed_updates: Iterable[str] | None,
    ) -> list[JSON]:
        """Answer one ``getUpdates`` call, waiting for updates up to ``timeout`` seconds."""
        if allowed_updates is not None:
            self.allowed = frozenset(allowed_updates) or None
        limit = min(max(limit or 100, 1), 100)
        self._poll_generation += 1
        generation = self._poll_generation
        self.changed.notify()  # lets an older long poll notice it was superseded
        self._confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(timeout or 0, 0)
        while True:
            if generation != self._poll_generation:
                raise CONFLICT
            updates = self._take(limit)
            remaining = deadline - loop.time()
            if updates or remaining <= 0:
                return updates
            await self.changed.wait(remaining)
