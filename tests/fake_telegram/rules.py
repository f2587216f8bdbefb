"""Telegram's rules beyond the spec's types: lengths, markup, button data, command names.

These are the checks a bot trips over in production (a 5000-character reply, an unescaped
``<`` in user input, a 70-byte ``callback_data``), so the fake applies them with
Telegram's own error descriptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import ApiError, bad_request
from .formatting import EntityParseError, FormattedText, strip
from .parse_modes import UnsupportedParseMode, parse
from .spec import MethodSpec, Violation

TEXT_LIMIT = 4096
"""Characters in a message text, counted after entity parsing."""
CAPTION_LIMIT = 1024
"""Characters in a media caption, counted after entity parsing."""
CALLBACK_DATA_LIMIT = 64
"""Bytes (UTF-8) in ``callback_data``."""
CALLBACK_ANSWER_LIMIT = 200
"""Characters in the notification ``answerCallbackQuery`` shows."""
MEDIA_GROUP_MIN, MEDIA_GROUP_MAX = 2, 10
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
COMMAND_DESCRIPTION_LIMIT = 256
CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})
_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)


@dataclass(frozen=True)
class TextRule:
    """A formatted text parameter: its parse-mode and entities siblings and its limit."""

    text: str
    parse_mode: str
    entities: str
    limit: int
    too_long: str
    empty: str | None


TEXT_RULES = (
    TextRule("text", "parse_mode", "entities", TEXT_LIMIT, "message is too long",
             "message text is empty"),
    TextRule("caption", "parse_mode", "caption_entities", CAPTION_LIMIT,
             "message caption is too long", None),
)


def violation_error(violation: Violation) -> ApiError:
    """Phrase a spec violation as Telegram phrases parameter errors."""
    top = violation.path.split(".", 1)[0].split("[", 1)[0]
    if violation.path == top:
        if violation.kind == "missing":
            special = {"text": "message text is empty", "chat_id": "chat_id is empty"}
            return bad_request(special.get(top, f'parameter "{top}" is required'))
        if violation.kind == "unknown":
            return bad_request(f'unknown parameter "{top}"')
        return bad_request(f'parameter "{top}" {violation.detail}')
    inner = violation.path[len(top):].lstrip(".")
    wording = {
        "missing": f'can\'t find field "{inner}"',
        "unknown": f'unknown field "{inner}"',
    }.get(violation.kind, f'field "{inner}" {violation.detail}')
    return bad_request(f"can't parse {top}: {wording}")


def check_formatted(
    method: MethodSpec, params: dict[str, Any]
) -> dict[str, FormattedText]:
    """Parse every formatted text parameter and enforce emptiness and length limits.

    Returns the parsed texts by parameter name, for building the resulting message.
    """
    results: dict[str, FormattedText] = {}
    for rule in TEXT_RULES:
        if rule.text not in method.fields or rule.parse_mode not in method.fields:
            continue
        raw = params.get(rule.text)
        if raw is None:
            continue
        parsed = _parse(raw, params.get(rule.parse_mode), params.get(rule.entities))
        if rule.empty is not None and not parsed.text:
            raise bad_request(rule.empty)
        if parsed.length > rule.limit:
            raise bad_request(rule.too_long)
        results[rule.text] = parsed
    for index, media in enumerate(_media_items(params)):
        caption = media.get("caption")
        if caption is None:
            continue
        parsed = _parse(caption, media.get("parse_mode"), media.get("caption_entities"))
        if parsed.length > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
        results[f"media[{index}].caption"] = parsed
    return results


def _parse(text: str, parse_mode: Any, entities: Any) -> FormattedText:
    if entities:
        return strip(FormattedText(text, list(entities)))
    try:
        return parse(text, parse_mode)
    except UnsupportedParseMode as exc:
        raise bad_request("unsupported parse_mode") from exc
    except EntityParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from exc


def _media_items(params: dict[str, Any]) -> list[dict[str, Any]]:
    media = params.get("media")
    if isinstance(media, dict):
        return [media]
    if isinstance(media, list):
        return [item for item in media if isinstance(item, dict)]
    return []


def check_reply_markup(params: dict[str, Any]) -> None:
    """Inline buttons need an action and at most 64 bytes of ``callback_data``."""
    markup = params.get("reply_markup")
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return
    for row in markup["inline_keyboard"]:
        for button in row:
            if not any(button.get(action) is not None for action in _BUTTON_ACTIONS):
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT:
                raise bad_request("BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not re.match(r"(https?|tg)://\S+$", url, re.IGNORECASE):
                raise bad_request(
                    f"inline keyboard button URL '{url}' is invalid: Unsupported URL protocol"
                )


def check_media_group(media: list[dict[str, Any]]) -> None:
    """Albums hold 2-10 items; documents and audio only group with their own kind."""
    if not MEDIA_GROUP_MIN <= len(media) <= MEDIA_GROUP_MAX:
        raise bad_request("media group must include 2-10 items")
    kinds = {item["type"] for item in media}
    for solitary in ("audio", "document"):
        if solitary in kinds and kinds != {solitary}:
            raise bad_request(f"{solitary} can't be grouped with other kinds of media")


def check_method_rules(method: MethodSpec, params: dict[str, Any]) -> None:
    """Per-method rules: albums, chat actions, callback answers and bot commands."""
    if method.name == "sendMediaGroup":
        check_media_group(params["media"])
    if method.name == "sendChatAction" and params["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    if method.name == "answerCallbackQuery":
        text = params.get("text") or ""
        if len(text) > CALLBACK_ANSWER_LIMIT:
            raise bad_request("MESSAGE_TOO_LONG")
    if method.name == "setMyCommands":
        commands = params["commands"]
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not COMMAND_RE.fullmatch(command["command"]):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= COMMAND_DESCRIPTION_LIMIT:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")


def check_call(method: MethodSpec, params: dict[str, Any]) -> dict[str, FormattedText]:
    """All rule checks for one call, in the order Telegram reports them."""
    check_reply_markup(params)
    check_method_rules(method, params)
    return check_formatted(method, params)
