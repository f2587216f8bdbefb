"""Formatted text as Telegram sees it: plain text plus entities, lengths in UTF-16 units.

Telegram applies ``parse_mode`` first, trims surrounding whitespace, and only then checks
that the text is non-empty and within limits; the fake follows that order so a message that
is short in markup but long in plain text (or the reverse) is judged as Telegram judges it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]


class EntityParseError(Exception):
    """Markup Telegram could not parse; the message follows tdlib's wording."""


@dataclass
class FormattedText:
    """What a message holds after parsing: the text a user reads and its entities."""

    text: str
    entities: list[Entity] = field(default_factory=list)

    @property
    def length(self) -> int:
        """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets.

        An emoji outside the BMP counts twice, which is stricter than counting code points:
        a bot that fits these limits fits Telegram's whichever way it counts.
        """
        return utf16_len(self.text)


def utf16_len(text: str) -> int:
    """Number of UTF-16 code units in ``text``."""
    return len(text.encode("utf-16-le")) // 2


def byte_offset(text: str, index: int) -> int:
    """UTF-8 byte offset of character ``index``: tdlib reports positions this way."""
    return len(text[:index].encode("utf-8"))


class PlainBuilder:
    """Accumulates parsed plain text while tracking its UTF-16 length for entity offsets."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.offset = 0

    def append(self, chunk: str) -> None:
        """Add ``chunk`` to the plain text."""
        self._parts.append(chunk)
        self.offset += utf16_len(chunk)

    def text(self) -> str:
        """The plain text so far."""
        return "".join(self._parts)


def entity(kind: str, offset: int, length: int, **extra: Any) -> Entity:
    """A ``MessageEntity`` dict with only the fields that are set."""
    result: Entity = {"type": kind, "offset": offset, "length": length}
    result.update({key: value for key, value in extra.items() if value is not None})
    return result


def sort_entities(entities: list[Entity]) -> list[Entity]:
    """Order entities as Telegram does: by offset, outer (longer) first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def strip(parsed: FormattedText) -> FormattedText:
    """Trim surrounding whitespace and shift or clip entities to match."""
    stripped = parsed.text.strip()
    if stripped == parsed.text:
        return parsed
    left = utf16_len(parsed.text[: len(parsed.text) - len(parsed.text.lstrip())])
    size = utf16_len(stripped)
    entities = []
    for item in parsed.entities:
        start = max(item["offset"] - left, 0)
        end = min(item["offset"] + item["length"] - left, size)
        if end > start:
            entities.append({**item, "offset": start, "length": end - start})
    return FormattedText(stripped, entities)


_COMMAND = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/@])")
_URL = re.compile(r"(?<![\w@])https?://[^\s<>\"]+[^\s<>\".,;:!?)\]'’]")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
_HASHTAG = re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")


def detect_entities(text: str) -> list[Entity]:
    """Entities Telegram adds to what a user types: bot commands, URLs, mentions, hashtags.

    Handlers such as ``CommandHandler`` rely on the ``bot_command`` entity at offset 0, so
    a simulated ``/start`` must carry it exactly like a real one.
    """
    found: list[Entity] = []
    for pattern, kind in (
        (_COMMAND, "bot_command"), (_URL, "url"), (_MENTION, "mention"), (_HASHTAG, "hashtag"),
    ):
        for match in pattern.finditer(text):
            found.append(entity(
                kind, utf16_len(text[: match.start()]), utf16_len(match.group(0))
            ))
    return sort_entities(found)
