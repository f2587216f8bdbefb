"""Building the JSON objects Telegram returns, with every field the spec requires.

``synthesize`` fills required fields the fake has no real value for (``accent_color_id``,
``max_reaction_count``...) with neutral ones, driven by the spec, so results stay honest
when the spec grows new required fields.
"""

from __future__ import annotations

from typing import Any

from .files import StoredFile
from .spec import PRIMITIVES, ApiSpec

JSON = dict[str, Any]

_NEUTRAL: dict[str, Any] = {"Integer": 0, "Float": 0.0, "Boolean": False, "String": ""}


def synthesize(spec: ApiSpec, type_expr: str, overrides: JSON | None = None) -> Any:
    """A minimal valid value of ``type_expr``; ``overrides`` wins for an object's fields.

    Override keys that are not fields of the type are dropped, so callers may pass a
    superset (e.g. every send parameter) and keep only what the object has.
    """
    if type_expr.startswith("Array of "):
        return []
    if type_expr in PRIMITIVES:
        return _NEUTRAL[type_expr]
    type_spec = spec.types[type_expr]
    if type_spec.subtypes:
        return synthesize(spec, type_spec.subtypes[0], overrides)
    result: JSON = {}
    overrides = overrides or {}
    for name, field in type_spec.fields.items():
        if overrides.get(name) is not None:
            result[name] = overrides[name]
        elif field.required:
            result[name] = synthesize(spec, field.types[0])
    if type_spec.constant is not None:
        result[type_spec.constant[0]] = type_spec.constant[1]
    return result


def user_object(
    user_id: int,
    first_name: str,
    *,
    is_bot: bool = False,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
) -> JSON:
    """A ``User`` with only the optional fields that are set."""
    user: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    for key, value in (
        ("last_name", last_name), ("username", username), ("language_code", language_code),
    ):
        if value is not None:
            user[key] = value
    return user


def private_chat(user: JSON) -> JSON:
    """The ``Chat`` of a one-to-one conversation with ``user`` (same id as the user)."""
    chat: JSON = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    for key in ("last_name", "username"):
        if key in user:
            chat[key] = user[key]
    return chat


def group_chat(chat_id: int, title: str, chat_type: str = "group") -> JSON:
    """A group, supergroup or channel ``Chat``; their ids are negative on Telegram."""
    return {"id": chat_id, "type": chat_type, "title": title}


def media_object(
    spec: ApiSpec, type_name: str, stored: StoredFile, extra: JSON | None = None
) -> JSON:
    """A ``Document``, ``Voice``... describing ``stored``; ``extra`` adds e.g. ``duration``."""
    base: JSON = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_name": stored.filename,
        "mime_type": stored.mime_type,
    }
    base.update(extra or {})
    result = synthesize(spec, type_name, base)
    assert isinstance(result, dict)
    return result


def photo_sizes(stored: StoredFile, width: int, height: int) -> list[JSON]:
    """``PhotoSize`` list for a photo; Telegram adds smaller thumbnails, one size suffices."""
    return [{
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "width": width,
        "height": height,
    }]
