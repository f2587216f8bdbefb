"""``parse_mode=MarkdownV2`` and legacy ``Markdown``, following tdlib's parsers and messages.

MarkdownV2 is the mode bots most often get wrong: every ``.``, ``!``, ``-`` or ``(`` in
plain text must be escaped, and Telegram refuses the whole message otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from .formatting import (
    Entity,
    EntityParseError,
    FormattedText,
    PlainBuilder,
    byte_offset,
    entity,
    sort_entities,
)

RESERVED_V2 = "_*[]()~`>#+-=|{}.!"
_V2_TYPE_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline",
    "strikethrough": "Strikethrough", "spoiler": "Spoiler", "code": "Code", "pre": "Pre",
    "text_link": "TextUrl", "custom_emoji": "CustomEmoji",
}


@dataclass
class _Open:
    kind: str
    offset: int
    byte: int
    plain_start: int
    language: str | None = None


def _reserved(char: str) -> EntityParseError:
    return EntityParseError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


class _V2Parser:
    def __init__(self, source: str) -> None:
        self.s = source
        self.i = 0
        self.plain = PlainBuilder()
        self.stack: list[_Open] = []
        self.entities: list[Entity] = []
        self.quote_start: int | None = None

    def at(self, index: int) -> str:
        return self.s[index] if 0 <= index < len(self.s) else ""

    def run(self) -> FormattedText:
        while self.i < len(self.s):
            self.step()
            self.i += 1
        self.end_quote()
        if self.stack:
            top = self.stack[-1]
            name = _V2_TYPE_NAMES[top.kind] + ("Code" if top.language else "")
            raise EntityParseError(f"Can't find end of {name} entity at byte offset {top.byte}")
        return FormattedText(self.plain.text(), sort_entities(self.entities))

    def step(self) -> None:
        s, i = self.s, self.i
        char = s[i]
        if not self.stack and (i == 0 or s[i - 1] == "\n"):
            self.line_start(char)
            char = s[self.i] if self.i < len(s) else ""
            i = self.i
            if not char:
                return
        nxt = self.at(i + 1)
        if char == "\\" and nxt and 0 < ord(nxt) <= 126:
            self.i += 1
            self.plain.append(nxt)
            return
        in_code = bool(self.stack) and self.stack[-1].kind in ("code", "pre")
        reserved = "`" if in_code else RESERVED_V2
        if char not in reserved:
            self.plain.append(char)
            return
        if self.stack and self.is_end(self.stack[-1], char):
            self.close()
        else:
            self.open(char)

    def line_start(self, char: str) -> None:
        """Blockquotes: lines starting with ``>``; the marker itself is not text."""
        if char == ">":
            if self.quote_start is None:
                self.quote_start = self.plain.offset
            self.i += 1
        else:
            self.end_quote()

    def end_quote(self) -> None:
        if self.quote_start is None:
            return
        text = self.plain.text()
        end = self.plain.offset - (1 if text.endswith("\n") else 0)
        if end > self.quote_start:
            self.entities.append(entity("blockquote", self.quote_start, end - self.quote_start))
        self.quote_start = None

    def is_end(self, top: _Open, char: str) -> bool:
        nxt = self.at(self.i + 1)
        return {
            "bold": char == "*",
            "italic": char == "_" and nxt != "_",
            "code": char == "`",
            "pre": char == "`" and nxt == "`" and self.at(self.i + 2) == "`",
            "text_link": char == "]",
            "underline": char == "_" and nxt == "_",
            "strikethrough": char == "~",
            "spoiler": char == "|" and nxt == "|",
            "custom_emoji": char == "]",
        }[top.kind]

    def open(self, char: str) -> None:
        s = self.s
        start = self.i
        nxt = self.at(self.i + 1)
        language = None
        if char == "_":
            kind = "underline" if nxt == "_" else "italic"
            self.i += 1 if nxt == "_" else 0
        elif char == "*":
            kind = "bold"
        elif char == "~":
            kind = "strikethrough"
        elif char == "|" and nxt == "|":
            kind = "spoiler"
            self.i += 1
        elif char == "[":
            kind = "text_link"
        elif char == "!" and nxt == "[":
            kind = "custom_emoji"
            self.i += 1
        elif char == "`" and nxt == "`" and self.at(self.i + 2) == "`":
            kind = "pre"
            self.i += 3
            end = self.i
            while end < len(s) and not s[end].isspace() and s[end] != "`":
                end += 1
            if end != self.i and end < len(s) and s[end] != "`":
                language = s[self.i:end]
                self.i = end
            if self.at(self.i) in ("\n", "\r"):
                pair = self.at(self.i + 1) in ("\n", "\r") and self.at(self.i + 1) != s[self.i]
                self.i += 2 if pair else 1
            self.i -= 1
        elif char == "`":
            kind = "code"
        else:
            raise _reserved(char)
        self.stack.append(
            _Open(kind, self.plain.offset, byte_offset(s, start), len(self.plain.text()), language)
        )

    def close(self) -> None:
        top = self.stack.pop()
        length = self.plain.offset - top.offset
        extra: dict[str, object] = {}
        if top.kind in ("underline", "spoiler"):
            self.i += 1
        elif top.kind == "pre":
            self.i += 2
            extra["language"] = top.language
        elif top.kind in ("text_link", "custom_emoji"):
            url = self.link_target(top)
            if top.kind == "custom_emoji":
                if not url.startswith("tg://emoji?id="):
                    raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
                extra["custom_emoji_id"] = url[len("tg://emoji?id="):]
            else:
                extra["url"] = url
        if length > 0:
            self.entities.append(entity(top.kind, top.offset, length, **extra))

    def link_target(self, top: _Open) -> str:
        if self.at(self.i + 1) != "(":
            return self.plain.text()[top.plain_start:]
        self.i += 2
        start = self.i
        url = []
        while self.i < len(self.s) and self.s[self.i] != ")":
            nxt = self.at(self.i + 1)
            if self.s[self.i] == "\\" and nxt and 0 < ord(nxt) <= 126:
                url.append(nxt)
                self.i += 2
                continue
            url.append(self.s[self.i])
            self.i += 1
        if self.at(self.i) != ")":
            raise EntityParseError(
                f"Can't find end of a URL at byte offset {byte_offset(self.s, start)}"
            )
        return "".join(url)


def parse_markdown_v2(source: str) -> FormattedText:
    """Parse MarkdownV2 into plain text and entities (untrimmed), or raise EntityParseError."""
    return _V2Parser(source).run()


def parse_markdown(source: str) -> FormattedText:
    """Parse legacy Markdown: ``*bold*``, ``_italic_``, `` `code` ``, fences and links."""
    s = source
    plain = PlainBuilder()
    entities: list[Entity] = []
    i = 0

    def at(index: int) -> str:
        return s[index] if index < len(s) else ""

    while i < len(s):
        char = s[i]
        if char == "\\" and at(i + 1) in ("_", "*", "`", "["):
            plain.append(s[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            plain.append(char)
            i += 1
            continue
        begin = i
        end_char = "]" if char == "[" else char
        i += 1
        is_pre = False
        language = None
        if char == "`" and at(i) == "`" and at(i + 1) == "`":
            i += 2
            is_pre = True
            end = i
            while end < len(s) and not s[end].isspace() and s[end] != "`":
                end += 1
            if end != i and end < len(s) and s[end] != "`":
                language, i = s[i:end], end
            if at(i) in ("\n", "\r"):
                i += 2 if at(i + 1) in ("\n", "\r") and at(i + 1) != s[i] else 1
        start_offset = plain.offset
        content_start = i
        while i < len(s) and (
            s[i] != end_char or (is_pre and not (at(i + 1) == "`" and at(i + 2) == "`"))
        ):
            plain.append(s[i])
            i += 1
        if i >= len(s):
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {byte_offset(s, begin)}"
            )
        length = plain.offset - start_offset
        if length > 0:
            if char == "[":
                url = s[content_start:i]
                if at(i + 1) == "(":
                    close = s.find(")", i + 2)
                    close = len(s) if close < 0 else close
                    url, i = s[i + 2:close], close
                entities.append(entity("text_link", start_offset, length, url=url))
            elif char == "`":
                kind = "pre" if is_pre else "code"
                entities.append(entity(kind, start_offset, length, language=language))
            else:
                kind = "italic" if char == "_" else "bold"
                entities.append(entity(kind, start_offset, length))
        i += 3 if is_pre else 1
    return FormattedText(plain.text(), sort_entities(entities))
