"""Choosing the markup parser for a ``parse_mode``, then trimming as Telegram does."""

from __future__ import annotations

from .formatting import FormattedText, strip
from .html_markup import parse_html
from .markdown_markup import parse_markdown, parse_markdown_v2


class UnsupportedParseMode(Exception):
    """A ``parse_mode`` other than HTML, MarkdownV2 or Markdown."""


def parse(text: str, parse_mode: str | None) -> FormattedText:
    """Apply ``parse_mode`` (case-insensitive, as on Telegram) to ``text`` and trim it.

    Raises :class:`~.formatting.EntityParseError` for markup Telegram would refuse.
    """
    mode = (parse_mode or "").lower()
    if mode == "":
        parsed = FormattedText(text)
    elif mode == "html":
        parsed = parse_html(text)
    elif mode == "markdownv2":
        parsed = parse_markdown_v2(text)
    elif mode == "markdown":
        parsed = parse_markdown(text)
    else:
        raise UnsupportedParseMode(parse_mode)
    return strip(parsed)
