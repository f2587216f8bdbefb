"""What the bot sends, as plain data: HTML text, buttons, photos and documents.

The conversation service produces these; the Telegram handlers only deliver
them. Every piece of user or scenario text is escaped here, in one place,
before it is put into HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

#: Telegram's limit for one message's text, after entity parsing.
MAX_MESSAGE = 4096


@dataclass(frozen=True)
class Button:
    """An inline button; ``data`` is at most 64 bytes (Telegram's limit)."""

    label: str
    data: str


@dataclass
class Reply:
    """One outgoing message."""

    html: str = ""
    buttons: list[list[Button]] = field(default_factory=list)
    photo: bytes | None = None
    document: bytes | None = None
    filename: str = ""


def esc(text: str) -> str:
    """Escape text for Telegram HTML (only <, > and & are special there)."""
    return escape(text, quote=False)


def bold(text: str) -> str:
    return f"<b>{esc(text)}</b>"


def italic(text: str) -> str:
    return f"<i>{esc(text)}</i>"


def brief(text: str, sentences: int = 2, limit: int = 240) -> str:
    """The first sentences of a long explanation, so feedback fits a phone screen.

    The full text stays in the transcript document.
    """
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    short = " ".join(parts[:sentences])
    if len(short) > limit:
        short = short[: limit - 1].rsplit(" ", 1)[0] + "…"
    return short


def split_html_lines(lines: list[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Join whole lines into chunks under ``limit``; a line never breaks inside a tag.

    Lines are assumed to be balanced HTML each; an over-long line is cut as
    escaped plain text so no tag is left open.
    """
    chunks: list[str] = []
    current = ""
    for line in lines:
        if len(line) > limit:
            line = line[: limit - 1] + "…"
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks
