"""Bot API methods that create, change or remove messages.

Each returns what Telegram returns (usually the ``Message`` as stored) and refuses what
Telegram refuses: replies to missing messages, edits that change nothing, uploads that are
not images where a photo is due.
"""

from __future__ import annotations

import mimetypes
import uuid
from typing import Any

from .errors import bad_request
from .files import StoredFile, UploadedFile, image_size
from .formatting import FormattedText
from .objects import JSON, media_object, photo_sizes
from .spec import ApiSpec
from .wire import resolve_attachment
from .world import ChatLog, World

PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDES = 10000
"""Telegram's limit on width + height of a photo, in pixels."""
PHOTO_MAX_RATIO = 20
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
MEDIA_KINDS: dict[str, tuple[str, str, str]] = {
    # method: (parameter and Message field, storage folder, spec type)
    "sendPhoto": ("photo", "photos", "PhotoSize"),
    "sendDocument": ("document", "documents", "Document"),
    "sendAudio": ("audio", "music", "Audio"),
    "sendVoice": ("voice", "voice", "Voice"),
    "sendVideo": ("video", "videos", "Video"),
    "sendAnimation": ("animation", "animations", "Animation"),
    "sendVideoNote": ("video_note", "video_notes", "VideoNote"),
    "sendSticker": ("sticker", "stickers", "Sticker"),
}
_MEDIA_EXTRA = ("duration", "width", "height", "performer", "title", "length", "emoji")
_NOT_COPIED = frozenset({
    "message_id", "from", "chat", "date", "edit_date", "reply_to_message", "forward_origin",
    "media_group_id", "reply_markup", "has_protected_content",
})


class MessageMethods:
    """Sending, editing, copying and deleting messages in the simulated chats."""

    def __init__(self, spec: ApiSpec, world: World) -> None:
        self.spec = spec
        self.world = world

    @property
    def sender(self) -> JSON:
        """The bot as ``Message.from``: the plain User, without getMe-only fields."""
        keys = ("id", "is_bot", "first_name", "username")
        return {k: self.world.bot_user[k] for k in keys if k in self.world.bot_user}

    # ----------------------------------------------------------------- sending

    def send_message(self, params: JSON, texts: dict[str, FormattedText]) -> JSON:
        """``sendMessage``: the text as parsed, with its entities."""
        log = self.world.writable_chat(params["chat_id"])
        content = self._text_content("text", "entities", texts["text"])
        if params.get("link_preview_options"):
            content["link_preview_options"] = params["link_preview_options"]
        return self._send(log, params, content)

    def send_media(self, method: str, params: JSON, texts: dict[str, FormattedText]) -> JSON:
        """``sendPhoto``, ``sendDocument`` and the other single-file sends."""
        kind, folder, type_name = MEDIA_KINDS[method]
        log = self.world.writable_chat(params["chat_id"])
        extra = {k: params[k] for k in _MEDIA_EXTRA if k in params}
        content = {kind: self._media(kind, folder, type_name, params[kind], extra)}
        if "caption" in texts and texts["caption"].text:
            content.update(self._text_content("caption", "caption_entities", texts["caption"]))
        if params.get("has_spoiler"):
            content["has_media_spoiler"] = True
        if params.get("show_caption_above_media"):
            content["show_caption_above_media"] = True
        return self._send(log, params, content)

    def send_media_group(
        self, params: JSON, texts: dict[str, FormattedText], files: dict[str, UploadedFile]
    ) -> list[JSON]:
        """``sendMediaGroup``: one message per item, sharing a ``media_group_id``."""
        log = self.world.writable_chat(params["chat_id"])
        group_id = uuid.uuid4().hex[:16]
        messages = []
        for index, item in enumerate(params["media"]):
            kind = item["type"]
            folder, type_name = next(
                ((f, t) for k, f, t in MEDIA_KINDS.values() if k == kind),
                (f"{kind}s", "Document"),
            )
            media = resolve_attachment(item["media"], files)
            content: JSON = {
                kind: self._media(kind, folder, type_name, media, dict(item)),
                "media_group_id": group_id,
            }
            caption = texts.get(f"media[{index}].caption")
            if caption is not None and caption.text:
                content.update(self._text_content("caption", "caption_entities", caption))
            messages.append(self._send(log, params, content))
        return messages

    def _send(self, log: ChatLog, params: JSON, content: JSON) -> JSON:
        content = {**content, **self._reply_and_markup(log, params)}
        return self.world.new_message(log, self.sender, content)

    def _reply_and_markup(self, log: ChatLog, params: JSON) -> JSON:
        out: JSON = {}
        reply = params.get("reply_parameters")
        if reply:
            target = self.world.chat_log(reply.get("chat_id", log.chat["id"]))
            original = target.messages.get(reply["message_id"])
            if original is None or reply["message_id"] in target.deleted:
                if not reply.get("allow_sending_without_reply"):
                    raise bad_request("message to be replied not found")
            else:
                out["reply_to_message"] = {
                    k: v for k, v in original.items() if k != "reply_to_message"
                }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            out["reply_markup"] = markup
        if params.get("protect_content"):
            out["has_protected_content"] = True
        return out

    @staticmethod
    def _text_content(text_key: str, entities_key: str, parsed: FormattedText) -> JSON:
        content: JSON = {text_key: parsed.text}
        if parsed.entities:
            content[entities_key] = parsed.entities
        return content

    def _media(self, kind: str, folder: str, type_name: str, value: Any, extra: JSON) -> Any:
        stored = self.store_input(value, folder, photo=kind == "photo")
        size = image_size(stored.data)
        if kind == "photo":
            width, height = size or (800, 600)
            return photo_sizes(stored, width, height)
        details = {k: extra[k] for k in _MEDIA_EXTRA if k in extra}
        if kind == "sticker":
            width, height = size or (512, 512)
            details.update(type="regular", width=width, height=height,
                           is_animated=stored.mime_type == "application/x-tgsticker",
                           is_video=stored.mime_type == "video/webm")
        elif size and kind in ("video", "animation"):
            details.setdefault("width", size[0])
            details.setdefault("height", size[1])
        return media_object(self.spec, type_name, stored, details)

    def store_input(self, value: Any, folder: str, *, photo: bool = False) -> StoredFile:
        """Keep an uploaded file, or find the one a ``file_id``/URL refers to."""
        if isinstance(value, UploadedFile):
            if not value.data:
                raise bad_request("file must be non-empty")
            if photo:
                self._check_photo(value.data)
            return self.world.files.add(
                value.data, filename=value.filename, mime_type=value.content_type, folder=folder
            )
        if isinstance(value, str):
            known = self.world.files.get(value)
            if known is not None:
                return known
            if value.startswith(("http://", "https://")):
                name = value.rstrip("/").rsplit("/", 1)[-1] or "file"
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return self.world.files.add(b"", filename=name, mime_type=mime, folder=folder)
        raise bad_request("wrong file identifier/HTTP URL specified")

    @staticmethod
    def _check_photo(data: bytes) -> None:
        size = image_size(data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        if len(data) > PHOTO_MAX_BYTES:
            raise bad_request("PHOTO_TOO_BIG")
        width, height = size
        if (
            width + height > PHOTO_MAX_SIDES or min(width, height) == 0
            or max(width, height) / min(width, height) > PHOTO_MAX_RATIO
        ):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")

    # ----------------------------------------------------------------- editing

    def _editable(self, params: JSON) -> tuple[ChatLog, JSON]:
        if params.get("chat_id") is None or params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        log = self.world.writable_chat(params["chat_id"])
        message = self.world.message(log, params["message_id"], "message to edit not found")
        if not self.world.is_from_bot(message):
            raise bad_request("message can't be edited")
        return log, message

    def _store_edit(self, log: ChatLog, old: JSON, new: JSON, params: JSON) -> JSON:
        markup = params.get("reply_markup")
        new.pop("reply_markup", None)
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            new["reply_markup"] = markup
        new.pop("edit_date", None)
        if new == {k: v for k, v in old.items() if k != "edit_date"}:
            raise bad_request(NOT_MODIFIED)
        new["edit_date"] = self.world.now()
        log.messages[old["message_id"]] = new
        return new

    def edit_text(self, params: JSON, texts: dict[str, FormattedText]) -> JSON | bool:
        """``editMessageText``; dropping ``reply_markup`` removes the keyboard, as on Telegram."""
        if params.get("inline_message_id"):
            return True
        if "text" not in texts:
            raise bad_request("message text is empty")
        log, message = self._editable(params)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        new = {k: v for k, v in message.items() if k != "entities"}
        new.update(self._text_content("text", "entities", texts["text"]))
        return self._store_edit(log, message, new, params)

    def edit_caption(self, params: JSON, texts: dict[str, FormattedText]) -> JSON | bool:
        """``editMessageCaption``; an absent caption removes it."""
        if params.get("inline_message_id"):
            return True
        log, message = self._editable(params)
        if not any(kind in message for kind, _, _ in MEDIA_KINDS.values()):
            raise bad_request("there is no caption in the message to edit")
        new = {k: v for k, v in message.items() if k not in ("caption", "caption_entities")}
        if "caption" in texts and texts["caption"].text:
            new.update(self._text_content("caption", "caption_entities", texts["caption"]))
        return self._store_edit(log, message, new, params)

    def edit_reply_markup(self, params: JSON) -> JSON | bool:
        """``editMessageReplyMarkup``; an absent markup removes the keyboard."""
        if params.get("inline_message_id"):
            return True
        log, message = self._editable(params)
        return self._store_edit(log, message, dict(message), params)

    # ----------------------------------------------------------------- other changes

    def delete(self, params: JSON) -> bool:
        """``deleteMessage``: a message can be deleted once."""
        log = self.world.chat_log(params["chat_id"])
        self.world.message(log, params["message_id"], "message to delete not found")
        log.deleted.add(params["message_id"])
        return True

    def delete_many(self, params: JSON) -> bool:
        """``deleteMessages``: missing ids are skipped, as Telegram does."""
        log = self.world.chat_log(params["chat_id"])
        log.deleted.update(i for i in params["message_ids"] if i in log.messages)
        return True

    def _source(self, params: JSON, missing: str) -> JSON:
        source = self.world.chat_log(params["from_chat_id"])
        return self.world.message(source, params["message_id"], missing)

    def forward(self, params: JSON) -> JSON:
        """``forwardMessage``: the content with a ``forward_origin`` naming the author."""
        original = self._source(params, "message to forward not found")
        log = self.world.writable_chat(params["chat_id"])
        content = {k: v for k, v in original.items() if k not in _NOT_COPIED}
        content["forward_origin"] = {
            "type": "user", "date": original["date"], "sender_user": original["from"],
        }
        return self._send(log, {"protect_content": params.get("protect_content")}, content)

    def copy(self, params: JSON, texts: dict[str, FormattedText]) -> JSON:
        """``copyMessage``: the content without a link to the original; returns ``MessageId``."""
        original = self._source(params, "message to copy not found")
        log = self.world.writable_chat(params["chat_id"])
        content = {k: v for k, v in original.items() if k not in _NOT_COPIED}
        if "caption" in texts:
            content.pop("caption", None)
            content.pop("caption_entities", None)
            if texts["caption"].text:
                content.update(
                    self._text_content("caption", "caption_entities", texts["caption"])
                )
        message = self._send(log, params, content)
        return {"message_id": message["message_id"]}
