"""Telegram's HTML parse mode: plain text plus entities, or the error Telegram would give.

Rendering matters because Telegram returns (and users see) the text without tags, and an
unescaped `<` from user input makes Telegram refuse the whole message; tests should see both.
"""

from __future__ import annotations

import html
import re
from typing import Any

from .errors import bad_request

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR = re.compile(r"""([a-zA-Z-]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+)))?""")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def render(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities as Telegram would store them for `parse_mode`."""
    if parse_mode and parse_mode.lower() == "html":
        return _render_html(text)
    return text, []


def _fail(source: str, index: int, reason: str) -> Exception:
    offset = len(source[:index].encode("utf-8"))
    return bad_request(f"can't parse entities: {reason} at byte offset {offset}")


def _entity_for(source: str, index: int, name: str, attrs: dict[str, str]) -> dict[str, Any]:
    if name == "a":
        return {"type": "text_link", "url": attrs.get("href", "")}
    if name == "span" and attrs.get("class") == "tg-spoiler":
        return {"type": "spoiler"}
    if name == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attrs.get("emoji-id", "")}
    if name in _SIMPLE_TAGS:
        return {"type": _SIMPLE_TAGS[name]}
    raise _fail(source, index, f'Unsupported start tag "{name}"')


def _render_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    pieces: list[str] = []
    position = 0  # in UTF-16 code units, as Telegram counts entity offsets
    open_tags: list[tuple[str, dict[str, Any], int]] = []
    entities: list[dict[str, Any]] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "<":
            close = source.find(">", index)
            if close == -1:
                raise _fail(source, index, "Unclosed start tag")
            inner = source[index + 1 : close]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not open_tags or open_tags[-1][0] != name:
                    raise _fail(source, index, f'Unmatched end tag "{name}"')
                _, entity, start = open_tags.pop()
                if position > start:
                    entities.append({**entity, "offset": start, "length": position - start})
            else:
                match = _NAME.match(inner)
                if match is None:
                    raise _fail(source, index, "Unexpected end of name token")
                name = match.group(0).lower()
                attrs = {
                    key.lower(): next((v for v in values if v), "")
                    for key, *values in _ATTR.findall(inner[match.end() :])
                }
                open_tags.append((name, _entity_for(source, index, name, attrs), position))
            index = close + 1
            continue
        if char == "&":
            end = source.find(";", index, index + 12)
            reference = source[index : end + 1] if end != -1 else ""
            unescaped = html.unescape(reference) if reference else ""
            if reference and unescaped != reference:
                pieces.append(unescaped)
                position += utf16_len(unescaped)
                index = end + 1
                continue
        pieces.append(char)
        position += utf16_len(char)
        index += 1
    if open_tags:
        raise bad_request(
            f"can't parse entities: Can't find end tag corresponding to start tag "
            f'"{open_tags[-1][0]}"'
        )
    entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(pieces), entities
