"""``parse_mode=HTML`` the way Telegram's tdlib parses it, error messages included.

One deliberate difference: tdlib keeps a ``&`` that starts no entity as a literal
character, but the Bot API docs require every such ``&`` to be written ``&amp;``. The fake
refuses it in text, so a bot that forgets to escape user input fails here and not only when
a user happens to type ``&lt;``. Attribute values stay lenient, as in tdlib.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .formatting import (
    EntityParseError,
    FormattedText,
    PlainBuilder,
    byte_offset,
    entity,
    sort_entities,
)

TAG_ENTITY_TYPES = {
    "b": "bold", "strong": "bold",
    "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler",
    "a": "text_link",
    "code": "code", "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,4}));")
_USER_LINK = re.compile(r"tg://user\?id=(\d+)$")


@dataclass
class _OpenTag:
    name: str
    attributes: dict[str, str]
    offset: int
    language: str | None = None


def decode_entity(source: str, index: int) -> tuple[str, int] | None:
    """The character an HTML entity at ``index`` stands for, and the entity's length."""
    match = _ENTITY_RE.match(source, index)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        char = _NAMED.get(name)
        return (char, match.end() - index) if char else None
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end() - index


def _unescape_lenient(value: str) -> str:
    out = []
    index = 0
    while index < len(value):
        decoded = decode_entity(value, index) if value[index] == "&" else None
        if decoded is None:
            out.append(value[index])
            index += 1
        else:
            out.append(decoded[0])
            index += decoded[1]
    return "".join(out)


class _HtmlParser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.plain = PlainBuilder()
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, object]] = []

    def at(self, index: int) -> str:
        return self.source[index] if index < len(self.source) else ""

    def skip_spaces(self) -> None:
        while self.at(self.pos).isspace():
            self.pos += 1

    def run(self) -> FormattedText:
        source = self.source
        while self.pos < len(source):
            char = source[self.pos]
            if char == "&":
                decoded = decode_entity(source, self.pos)
                if decoded is None:
                    raise EntityParseError(
                        f'Character "&" at byte offset {byte_offset(source, self.pos)} '
                        'starts no HTML entity and must be written "&amp;"'
                    )
                self.plain.append(decoded[0])
                self.pos += decoded[1]
            elif char != "<":
                self.plain.append(char)
                self.pos += 1
            elif self.at(self.pos + 1) == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.stack:
            raise EntityParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        return FormattedText(self.plain.text(), sort_entities(self.entities))

    def start_tag(self) -> None:
        source, begin = self.source, self.pos
        offset = byte_offset(source, begin)
        self.pos += 1
        name_start = self.pos
        while self.pos < len(source) and not source[self.pos].isspace() and (
            source[self.pos] != ">"
        ):
            self.pos += 1
        if self.pos >= len(source):
            raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
        name = source[name_start:self.pos].lower()
        if name not in TAG_ENTITY_TYPES:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
        attributes = self.attributes(name, offset)
        self.pos += 1  # the closing '>'
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise EntityParseError('Tag "span" must have class "tg-spoiler"')
        if name == "tg-emoji" and "emoji-id" not in attributes:
            raise EntityParseError('Custom emoji entity must contain a tg://emoji URL')
        if name == "tg-time" and not attributes.get("unix", "").isdigit():
            raise EntityParseError('Tag "tg-time" must have an attribute "unix"')
        self.stack.append(_OpenTag(name, attributes, self.plain.offset))

    def attributes(self, tag: str, offset: int) -> dict[str, str]:
        source = self.source
        attributes: dict[str, str] = {}
        while True:
            self.skip_spaces()
            if self.pos >= len(source):
                raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {offset}')
            if source[self.pos] == ">":
                return attributes
            name_start = self.pos
            while self.pos < len(source) and not source[self.pos].isspace() and (
                source[self.pos] not in "=>"
            ):
                self.pos += 1
            name = source[name_start:self.pos].lower()
            if not name:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {offset}'
                )
            self.skip_spaces()
            if self.at(self.pos) != "=":
                if tag == "blockquote" and name == "expandable":
                    attributes[name] = ""
                    continue
                raise EntityParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {offset}'
                )
            self.pos += 1
            self.skip_spaces()
            attributes[name] = self.attribute_value(tag, offset)

    def attribute_value(self, tag: str, offset: int) -> str:
        source = self.source
        quote = self.at(self.pos)
        if quote in ("'", '"'):
            end = source.find(quote, self.pos + 1)
            if end < 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
            value = source[self.pos + 1:end]
            self.pos = end + 1
            return _unescape_lenient(value)
        start = self.pos
        while self.pos < len(source) and (source[self.pos].isalnum() or source[self.pos] in ".-"):
            self.pos += 1
        if start == self.pos:
            raise EntityParseError(
                f'Expected quote in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {offset}"
            )
        return source[start:self.pos]

    def end_tag(self) -> None:
        source, begin = self.source, self.pos
        offset = byte_offset(source, begin)
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {offset}")
        self.pos += 2
        name_start = self.pos
        while self.pos < len(source) and not source[self.pos].isspace() and (
            source[self.pos] != ">"
        ):
            self.pos += 1
        name = source[name_start:self.pos].lower()
        self.skip_spaces()
        if self.at(self.pos) != ">":
            raise EntityParseError(f'Can\'t find end of tag "{name}" at byte offset {offset}')
        self.pos += 1
        opened = self.stack[-1]
        if name != opened.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {offset}, expected "</{opened.name}>", '
                f'found "</{name}>"'
            )
        self.stack.pop()
        self.close(opened)

    def close(self, opened: _OpenTag) -> None:
        length = self.plain.offset - opened.offset
        attrs = opened.attributes
        if opened.name == "code" and self.stack and self.stack[-1].name == "pre":
            # Telegram folds <pre><code class="language-x"> into one pre entity.
            if attrs.get("class", "").startswith("language-"):
                self.stack[-1].language = attrs["class"][len("language-"):]
            return
        if length == 0:
            return
        kind = TAG_ENTITY_TYPES[opened.name]
        if opened.name == "a":
            href = attrs.get("href")
            if not href:
                return
            user = _USER_LINK.match(href)
            if user:
                self.entities.append(entity(
                    "text_mention", opened.offset, length,
                    user={"id": int(user.group(1)), "is_bot": False, "first_name": "User"},
                ))
                return
            self.entities.append(entity(kind, opened.offset, length, url=href))
        elif opened.name == "blockquote" and "expandable" in attrs:
            self.entities.append(entity("expandable_blockquote", opened.offset, length))
        elif opened.name == "pre":
            self.entities.append(entity(kind, opened.offset, length, language=opened.language))
        elif opened.name == "tg-emoji":
            self.entities.append(
                entity(kind, opened.offset, length, custom_emoji_id=attrs["emoji-id"])
            )
        elif opened.name == "tg-time":
            self.entities.append(entity(
                kind, opened.offset, length, unix_time=int(attrs["unix"]),
                date_time_format=attrs.get("format"),
            ))
        else:
            self.entities.append(entity(kind, opened.offset, length))


def parse_html(source: str) -> FormattedText:
    """Parse Telegram-flavoured HTML into plain text and entities (untrimmed).

    Raises :class:`EntityParseError` with tdlib's wording, e.g.
    ``Unsupported start tag "foo" at byte offset 0``.
    """
    return _HtmlParser(source).run()
