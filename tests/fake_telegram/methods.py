"""Dispatching a validated Bot API call to its implementation.

Methods a bot commonly uses have real behaviour; every other method in the spec still
answers, with ``True`` or a minimal object that satisfies the spec, so a bot using a rarer
method is not broken by the fake (only ``getUpdates`` lives in the server, being async).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import bad_request
from .files import UploadedFile
from .formatting import FormattedText
from .messages import MEDIA_KINDS, MessageMethods
from .objects import JSON, synthesize
from .spec import ApiSpec, MethodSpec
from .updates import UpdateQueue
from .world import World

Texts = dict[str, FormattedText]
Handler = Callable[[JSON, Texts, dict[str, UploadedFile]], Any]

GET_ME_EXTRAS: JSON = {
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}
"""Fields of ``User`` that Telegram returns only from ``getMe``."""


class BotApi:
    """Implementations of Bot API methods over the simulated :class:`World`."""

    def __init__(self, spec: ApiSpec, world: World, queue: UpdateQueue) -> None:
        self.spec = spec
        self.world = world
        self.queue = queue
        self.messages = MessageMethods(spec, world)
        m = self.messages
        self._handlers: dict[str, Handler] = {
            "getMe": lambda p, t, f: {**world.bot_user, **GET_ME_EXTRAS},
            "sendMessage": lambda p, t, f: m.send_message(p, t),
            "sendMediaGroup": lambda p, t, f: m.send_media_group(p, t, f),
            "editMessageText": lambda p, t, f: m.edit_text(p, t),
            "editMessageCaption": lambda p, t, f: m.edit_caption(p, t),
            "editMessageReplyMarkup": lambda p, t, f: m.edit_reply_markup(p),
            "deleteMessage": lambda p, t, f: m.delete(p),
            "deleteMessages": lambda p, t, f: m.delete_many(p),
            "forwardMessage": lambda p, t, f: m.forward(p),
            "copyMessage": lambda p, t, f: m.copy(p, t),
            "sendChatAction": lambda p, t, f: bool(world.writable_chat(p["chat_id"])),
            "answerCallbackQuery": lambda p, t, f: self.answer_callback_query(p),
            "setMyCommands": lambda p, t, f: self.set_my_commands(p),
            "getMyCommands": lambda p, t, f: self.get_my_commands(p),
            "deleteMyCommands": lambda p, t, f: self.delete_my_commands(p),
            "setWebhook": lambda p, t, f: self.set_webhook(p),
            "deleteWebhook": lambda p, t, f: self.delete_webhook(p),
            "getWebhookInfo": lambda p, t, f: self.webhook_info(),
            "getChat": lambda p, t, f: self.get_chat(p),
            "getChatMember": lambda p, t, f: self.get_chat_member(p),
            "getFile": lambda p, t, f: self.get_file(p),
        }
        for method in MEDIA_KINDS:
            self._handlers[method] = self._media_handler(method)

    def _media_handler(self, method: str) -> Handler:
        return lambda p, t, f: self.messages.send_media(method, p, t)

    def call(
        self, method: MethodSpec, params: JSON, texts: Texts, files: dict[str, UploadedFile]
    ) -> Any:
        """Run ``method`` and return its ``result``; raises ApiError for refusals."""
        handler = self._handlers.get(method.name)
        if handler is not None:
            return handler(params, texts, files)
        return self._generic(method, params)

    def _generic(self, method: MethodSpec, params: JSON) -> Any:
        returns = method.returns
        if "Message" in returns and params.get("chat_id") is not None:
            if params.get("message_id") is not None:
                log = self.world.writable_chat(params["chat_id"])
                return self.world.message(log, params["message_id"], "message to edit not found")
            log = self.world.writable_chat(params["chat_id"])
            return self.world.new_message(log, self.messages.sender, self._content(method, params))
        if "Boolean" in returns:
            return True
        return synthesize(self.spec, returns[0]) if returns else True

    def _content(self, method: MethodSpec, params: JSON) -> JSON:
        """For ``sendLocation``-like methods, the ``location``-like Message field.

        Built from the parameters where they fit the object, else from neutral values.
        """
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", method.name.removeprefix("send")).lower()
        field = self.spec.types["Message"].fields.get(name)
        if field is None or field.types[0] not in self.spec.types:
            return {}
        value = synthesize(self.spec, field.types[0], params)
        if self.spec.problems(value, field.types[0]):
            value = synthesize(self.spec, field.types[0])
        if name == "dice":
            value.update(emoji=params.get("emoji", "🎲"), value=1)
        return {name: value}

    # ----------------------------------------------------------------- callback queries

    def answer_callback_query(self, params: JSON) -> bool:
        """One answer per query, and only for queries a simulated user made."""
        state = self.world.callback_queries.get(params["callback_query_id"])
        if state is None or state.answered:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        state.answered = True
        state.answer = dict(params)
        return True

    # ----------------------------------------------------------------- commands

    def set_my_commands(self, params: JSON) -> bool:
        """Store the command list for its scope and language."""
        key = self.world.commands_key(params.get("scope"), params.get("language_code"))
        self.world.commands[key] = list(params["commands"])
        return True

    def get_my_commands(self, params: JSON) -> list[JSON]:
        """The list stored for exactly this scope and language (empty if none)."""
        key = self.world.commands_key(params.get("scope"), params.get("language_code"))
        return list(self.world.commands.get(key, []))

    def delete_my_commands(self, params: JSON) -> bool:
        """Forget the list for this scope and language."""
        key = self.world.commands_key(params.get("scope"), params.get("language_code"))
        self.world.commands.pop(key, None)
        return True

    # ----------------------------------------------------------------- webhook

    def set_webhook(self, params: JSON) -> bool:
        """Remember the webhook; while set, ``getUpdates`` answers 409 as on Telegram."""
        url = params["url"]
        if not url:
            self.world.webhook = None
            return True
        if not url.lower().startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.world.webhook = {k: v for k, v in params.items() if k != "certificate"}
        if params.get("drop_pending_updates"):
            self.queue.drop_pending()
        if params.get("allowed_updates") is not None:
            self.queue.allowed = frozenset(params["allowed_updates"]) or None
        return True

    def delete_webhook(self, params: JSON) -> bool:
        """Remove the webhook, optionally dropping queued updates."""
        self.world.webhook = None
        if params.get("drop_pending_updates"):
            self.queue.drop_pending()
        return True

    def webhook_info(self) -> JSON:
        """``WebhookInfo`` with the queue length the bot would see."""
        hook = self.world.webhook or {}
        info: JSON = {
            "url": hook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue.pending),
        }
        for key in ("max_connections", "allowed_updates", "ip_address"):
            if key in hook:
                info[key] = hook[key]
        return info

    # ----------------------------------------------------------------- chats and files

    def get_chat(self, params: JSON) -> JSON:
        """``ChatFullInfo`` for a known chat, required fields filled neutrally."""
        chat = self.world.chat_log(params["chat_id"]).chat
        info = synthesize(self.spec, "ChatFullInfo", {**chat, "max_reaction_count": 11})
        assert isinstance(info, dict)
        return info

    def get_chat_member(self, params: JSON) -> JSON:
        """Known users (and the bot) are plain members of every known chat."""
        self.world.chat_log(params["chat_id"])
        user_id = params["user_id"]
        if user_id == self.world.bot_user["id"]:
            user = self.messages.sender
        elif user_id in self.world.users:
            user = self.world.users[user_id]
        else:
            raise bad_request("user not found")
        member = synthesize(self.spec, "ChatMemberMember", {"user": user})
        assert isinstance(member, dict)
        return member

    def get_file(self, params: JSON) -> JSON:
        """``File`` with a ``file_path`` the bot can download from ``base_file_url``."""
        stored = self.world.files.get(params["file_id"])
        if stored is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        return stored.as_file()
