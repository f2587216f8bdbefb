"""Simulated users: turning "Alice types /start" into the Update Telegram would deliver.

Every update is checked against the spec's ``Update`` type before it is queued, so a test
cannot feed the bot something real Telegram would never send.
"""

from __future__ import annotations

import copy
import mimetypes
from typing import Any

from .errors import ApiError
from .files import image_size
from .formatting import detect_entities
from .objects import JSON, media_object, photo_sizes
from .spec import ApiSpec
from .updates import UpdateQueue
from .world import World

MESSAGE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post",
                 "business_message", "edited_business_message")
FILE_KINDS = {
    # kind: (storage folder, spec type)
    "document": ("documents", "Document"),
    "photo": ("photos", "PhotoSize"),
    "voice": ("voice", "Voice"),
    "audio": ("music", "Audio"),
    "video": ("videos", "Video"),
    "video_note": ("video_notes", "VideoNote"),
    "animation": ("animations", "Animation"),
    "sticker": ("stickers", "Sticker"),
}


class InvalidUpdate(ValueError):
    """A simulated update that real Telegram could not have sent."""


class UserActions:
    """What simulated users do; mixed into the server, each action returns the update id."""

    spec: ApiSpec
    world: World
    queue: UpdateQueue
    reply_marks: dict[int, tuple[int, int]]

    def add_user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> JSON:
        """Make a user known (they "started" the bot) without sending anything."""
        return self.world.add_user(
            user_id, first_name=first_name, last_name=last_name, username=username,
            language_code=language_code,
        )

    def add_group(
        self, chat_id: int, *, title: str = "Test group", chat_type: str = "group"
    ) -> JSON:
        """Make a group known (the bot was added to it); ``chat_id`` must be negative."""
        return self.world.add_group(chat_id, title=title, chat_type=chat_type)

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates the bot has not confirmed yet."""
        return self.queue.pending

    def user_sends_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_type: str = "private",
        chat_id: int | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "en",
        reply_to_message_id: int | None = None,
    ) -> int:
        """A user types ``text``; commands like ``/hint arg`` get their ``bot_command`` entity.

        Groups (``chat_type="group"`` or ``"supergroup"``) default to chat id
        ``-1000 - user_id``.
        """
        return self.user_sends_message(
            user_id, {"text": text}, chat_type=chat_type, chat_id=chat_id,
            reply_to_message_id=reply_to_message_id, first_name=first_name,
            last_name=last_name, username=username, language_code=language_code,
        )

    def _chat_for(self, user: JSON, chat_type: str, chat_id: int | None) -> int:
        if chat_type == "private":
            return int(user["id"])
        chat_id = chat_id if chat_id is not None else -1000 - int(user["id"])
        self.world.add_group(chat_id, chat_type=chat_type)
        return chat_id

    def user_sends_message(
        self,
        user_id: int,
        content: JSON,
        *,
        chat_type: str = "private",
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
        **profile: Any,
    ) -> int:
        """A user's message with ``content`` (``text``, ``sticker``, ``location``...).

        ``profile`` takes ``first_name``, ``last_name``, ``username``, ``language_code``.
        """
        user = self.world.add_user(user_id, **profile)
        log = self.world.chat_log(self._chat_for(user, chat_type, chat_id))
        content = dict(content)
        for text_key, entities_key in (("text", "entities"), ("caption", "caption_entities")):
            if text_key in content and entities_key not in content:
                found = detect_entities(content[text_key])
                if found:
                    content[entities_key] = found
        if reply_to_message_id is not None:
            original = log.messages.get(reply_to_message_id)
            if original is None:
                raise InvalidUpdate(f"no message {reply_to_message_id} to reply to")
            content["reply_to_message"] = {
                k: v for k, v in original.items() if k != "reply_to_message"
            }
        message = self.world.new_message(log, user, content, store=False)
        return self._push({"message": message})

    def user_sends_file(
        self,
        user_id: int,
        kind: str,
        data: bytes,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
        caption: str | None = None,
        extra: JSON | None = None,
        **options: Any,
    ) -> int:
        """A user's ``document``, ``photo``, ``voice``... stored so the bot can download it.

        ``kind`` is the Message field; ``extra`` adds fields such as ``duration``;
        ``options`` are those of :meth:`user_sends_message`.
        """
        folder, type_name = FILE_KINDS[kind]
        filename = filename or f"{kind}.bin"
        mime_type = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self.world.files.add(data, filename=filename, mime_type=mime_type, folder=folder)
        details = dict(extra or {})
        size = image_size(data)
        if kind == "photo":
            width, height = size or (800, 600)
            media: Any = photo_sizes(stored, width, height)
        else:
            if kind == "sticker":
                width, height = size or (512, 512)
                details = {"type": "regular", "width": width, "height": height,
                           "is_animated": False, "is_video": False, **details}
            media = media_object(self.spec, type_name, stored, details)
        content: JSON = {kind: media}
        if caption is not None:
            content["caption"] = caption
        return self.user_sends_message(user_id, content, **options)

    def user_presses_button(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        chat_id: int | None = None,
        check_button: bool = True,
    ) -> int:
        """A ``callback_query`` for pressing the button with ``data`` under a bot message.

        ``check_button=False`` allows data no button carries, to simulate a stale or
        tampered client.
        """
        user = self.world.add_user(user_id)
        try:
            log = self.world.chat_log(chat_id if chat_id is not None else user_id)
            message = self.world.message(log, message_id, "message not found")
        except ApiError as exc:
            raise InvalidUpdate(f"cannot press a button under message {message_id}: {exc}") from exc
        if check_button:
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            offered = [b.get("callback_data") for row in rows for b in row]
            if data not in offered:
                raise InvalidUpdate(
                    f"message {message_id} has no button with callback_data {data!r} "
                    f"(buttons: {offered})"
                )
        query = self.world.new_callback_query(user, message, data)
        return self._push({"callback_query": query})

    def user_sends(self, payload: JSON) -> int:
        """Queue an arbitrary update, filling what Telegram always sets.

        Message-like payloads get ``message_id``, ``date`` and a private ``chat`` from
        ``from`` when missing, and entities for commands, URLs and mentions.
        """
        payload = copy.deepcopy(payload)
        payload.pop("update_id", None)
        for kind in MESSAGE_KINDS:
            if isinstance(payload.get(kind), dict):
                edited = kind.startswith("edited")
                payload[kind] = self._complete_message(payload[kind], edited=edited)
        query = payload.get("callback_query")
        if isinstance(query, dict):
            sender = query.get("from")
            if not isinstance(sender, dict) or "id" not in sender:
                raise InvalidUpdate("a callback_query needs 'from'")
            query["from"] = {**self.world.add_user(sender["id"]), **sender}
            query.setdefault("chat_instance", "1")
            self.world.register_callback_query(query)
        return self._push(payload)

    def _complete_message(self, message: JSON, *, edited: bool) -> JSON:
        sender = message.get("from")
        if isinstance(sender, dict) and "id" in sender:
            known = self.world.add_user(
                sender["id"], first_name=sender.get("first_name"),
                last_name=sender.get("last_name"), username=sender.get("username"),
                language_code=sender.get("language_code"),
            )
            message["from"] = {**known, **sender}
        if "chat" not in message:
            if not isinstance(sender, dict):
                raise InvalidUpdate("a message needs 'chat' or 'from'")
            message["chat"] = self.world.chat_log(sender["id"]).chat
        chat = message["chat"]
        if not isinstance(chat.get("id"), int):
            raise InvalidUpdate("a message chat needs an integer 'id'")
        if chat["id"] not in self.world.chats:
            if chat["id"] < 0:
                self.world.add_group(chat["id"], title=chat.get("title", "Test group"),
                                     chat_type=chat.get("type", "group"))
            else:
                self.world.add_user(chat["id"], first_name=chat.get("first_name"))
        log = self.world.chat_log(chat["id"])
        if "message_id" not in message:
            if edited:
                raise InvalidUpdate("an edited message needs the message_id it edits")
            message["message_id"] = log.next_id()
        message.setdefault("date", self.world.now())
        if edited:
            message.setdefault("edit_date", self.world.now())
        for text_key, entities_key in (("text", "entities"), ("caption", "caption_entities")):
            if text_key in message and entities_key not in message:
                found = detect_entities(message[text_key])
                if found:
                    message[entities_key] = found
        return message

    def repeat_update(self, update_id: int) -> int:
        """Deliver an already delivered update again, with the same ``update_id``."""
        if update_id not in self.queue.history:
            raise KeyError(f"no update {update_id} was ever queued")
        self.queue.redeliver(update_id)
        return update_id

    def _push(self, payload: JSON) -> int:
        """Check ``payload`` against the spec's ``Update``, then store its message and queue it."""
        problems = self.spec.problems({"update_id": 1, **payload}, "Update")
        if problems:
            raise InvalidUpdate(f"not a valid Update: {problems}")
        for kind in MESSAGE_KINDS:
            message = payload.get(kind)
            if isinstance(message, dict):
                self.world.chats[message["chat"]["id"]].messages[message["message_id"]] = message
        update_id = self.queue.push(payload)
        chat_id = _chat_of(payload)
        if chat_id is not None:
            log = self.world.chats.get(chat_id)
            last = max(log.messages, default=0) if log else 0
            self.reply_marks[update_id] = (chat_id, last)
        return update_id


def _chat_of(payload: JSON) -> int | None:
    """The chat an update happens in, where the bot's reply would go."""
    for value in payload.values():
        if isinstance(value, dict):
            chat = value.get("chat") or value.get("message", {}).get("chat")
            if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                return int(chat["id"])
    return None
