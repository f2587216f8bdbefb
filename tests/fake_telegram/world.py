"""The simulated side of Telegram: users, chats, the messages in them, files and settings.

Pure state with no HTTP or asyncio, so both the API methods and the user simulation work
on one consistent picture (a button press finds the message the bot really sent).
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import bad_request, forbidden
from .files import FileStore
from .objects import JSON, group_chat, private_chat, user_object


@dataclass
class ChatLog:
    """One chat and its messages by id, in the order they were sent."""

    chat: JSON
    messages: dict[int, JSON] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    next_id: Callable[[], int] = field(default_factory=lambda: itertools.count(1).__next__)


@dataclass
class CallbackQueryState:
    """A button press the bot has to answer; Telegram accepts one answer per query."""

    query: JSON
    answered: bool = False
    answer: JSON | None = None


class World:
    """Everything Telegram would remember between calls."""

    def __init__(
        self, bot_user: JSON, *, strict_chats: bool = True, clock: Callable[[], float] = time.time
    ) -> None:
        self.bot_user = bot_user
        self.strict_chats = strict_chats
        self.clock = clock
        self.users: dict[int, JSON] = {}
        self.chats: dict[int, ChatLog] = {}
        self.blocked: set[int] = set()
        self.files = FileStore()
        self.callback_queries: dict[str, CallbackQueryState] = {}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.webhook: JSON | None = None
        self._callback_ids = itertools.count(1)

    def now(self) -> int:
        """Unix time in whole seconds, as in ``Message.date``."""
        return int(self.clock())

    # ----------------------------------------------------------------- users and chats

    def add_user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> JSON:
        """Register (or update) a user and their private chat with the bot.

        Details not given keep their earlier value; a new user speaks ``en`` by default.
        """
        known = self.users.get(user_id, {})
        user = user_object(
            user_id,
            first_name or known.get("first_name") or f"User{user_id}",
            last_name=last_name or known.get("last_name"),
            username=username or known.get("username"),
            language_code=language_code or known.get("language_code", "en"),
        )
        self.users[user_id] = user
        log = self.chats.get(user_id)
        if log is None:
            self.chats[user_id] = ChatLog(private_chat(user))
        else:
            log.chat = private_chat(user)
        return user

    def add_group(
        self, chat_id: int, *, title: str = "Test group", chat_type: str = "group"
    ) -> JSON:
        """Register a group/supergroup/channel (``chat_id`` must be negative, as on Telegram)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative on Telegram")
        log = self.chats.get(chat_id)
        if log is None:
            log = self.chats[chat_id] = ChatLog(group_chat(chat_id, title, chat_type))
        return log.chat

    def chat_log(self, chat_id: int | str) -> ChatLog:
        """The chat ``chat_id`` names (id or ``@username``), or 400 ``chat not found``."""
        if isinstance(chat_id, str):
            if not chat_id.startswith("@"):
                raise bad_request("chat not found")
            for log in self.chats.values():
                if log.chat.get("username", "").lower() == chat_id[1:].lower():
                    return log
            raise bad_request("chat not found")
        if chat_id not in self.chats:
            if self.strict_chats:
                raise bad_request("chat not found")
            if chat_id > 0:
                self.add_user(chat_id)
            else:
                self.add_group(chat_id)
        return self.chats[chat_id]

    def writable_chat(self, chat_id: int | str) -> ChatLog:
        """Like :meth:`chat_log`, but 403 when the user has blocked the bot."""
        log = self.chat_log(chat_id)
        if log.chat["type"] == "private" and log.chat["id"] in self.blocked:
            raise forbidden("bot was blocked by the user")
        return log

    # ----------------------------------------------------------------- messages

    def new_message(
        self, log: ChatLog, sender: JSON, content: JSON, *, store: bool = True
    ) -> JSON:
        """A message with the chat's next id; ``content`` holds text, photo, etc.

        ``store=False`` leaves storing to the caller, who may still reject the message.
        """
        message: JSON = {
            "message_id": log.next_id(),
            "from": sender,
            "chat": log.chat,
            "date": self.now(),
        }
        message.update(content)
        if store:
            log.messages[message["message_id"]] = message
        return message

    def message(self, log: ChatLog, message_id: int, missing: str) -> JSON:
        """A live message, or 400 with Telegram's ``missing`` wording."""
        found = log.messages.get(message_id)
        if found is None or message_id in log.deleted:
            raise bad_request(missing)
        return found

    def is_from_bot(self, message: JSON) -> bool:
        """Whether the bot sent ``message`` (only those can be edited)."""
        return bool(message.get("from", {}).get("id") == self.bot_user["id"])

    def bot_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[JSON]:
        """The bot's messages in a chat as they look now, oldest first."""
        log = self.chats.get(chat_id)
        if log is None:
            return []
        return [
            message for message_id, message in log.messages.items()
            if self.is_from_bot(message) and (include_deleted or message_id not in log.deleted)
        ]

    # ----------------------------------------------------------------- callback queries

    def new_callback_query(self, user: JSON, message: JSON, data: str) -> JSON:
        """A ``CallbackQuery`` for pressing a button under ``message``."""
        return self.register_callback_query({
            "from": user,
            "message": message,
            "chat_instance": str(abs(hash((self.bot_user["id"], message["chat"]["id"])))),
            "data": data,
        })

    def register_callback_query(self, query: JSON) -> JSON:
        """Give ``query`` an id (unless it has one) and expect the bot to answer it."""
        query.setdefault("id", f"{next(self._callback_ids)}{query['from']['id']}")
        self.callback_queries[query["id"]] = CallbackQueryState(query)
        return query

    # ----------------------------------------------------------------- bot settings

    @staticmethod
    def commands_key(scope: JSON | None, language_code: str | None) -> tuple[str, str]:
        """Commands are stored per scope and language, as ``setMyCommands`` defines."""
        return json.dumps(scope or {"type": "default"}, sort_keys=True), language_code or ""
