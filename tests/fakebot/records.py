"""What the fake remembers: messages the bot sent and files anyone uploaded."""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from typing import Any

from .keyboards import button_rows

_file_counter = itertools.count(1)


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str | None
    data: bytes
    mime_type: str | None = None

    @classmethod
    def create(cls, kind: str, name: str | None, data: bytes, mime: str | None) -> StoredFile:
        number = next(_file_counter)
        # Real ids are long opaque base64 strings with a type prefix; mimic that so code that
        # parses or truncates them is caught.
        token = base64.urlsafe_b64encode(f"{kind}:{number}".encode() * 3).decode().rstrip("=")
        prefix = {"photo": "AgACAgIAAxkBAAI", "document": "BQACAgIAAxkBAAI"}.get(
            kind, "CAACAgIAAxk"
        )
        suffix = (name or "").rsplit(".", 1)[-1] if name and "." in name else "bin"
        folder = "photos" if kind == "photo" else "documents"
        return cls(
            file_id=f"{prefix}{token}",
            file_unique_id=f"AQAD{number:06d}",
            file_path=f"{folder}/file_{number}.{suffix}",
            file_name=name,
            data=data,
            mime_type=mime,
        )

    def as_file(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }

    def as_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document

    def as_photo_sizes(self) -> list[dict[str, Any]]:
        sizes = [(90, 67), (320, 240), (800, 600)]
        return [
            {
                "file_id": f"{self.file_id}{'ABC'[index]}" if index < 2 else self.file_id,
                "file_unique_id": f"{self.file_unique_id}{'ABC'[index]}",
                "file_size": max(1, len(self.data) * (index + 1) // 3),
                "width": width,
                "height": height,
            }
            for index, (width, height) in enumerate(sizes)
        ]


@dataclass(eq=False)
class SentMessage:
    """A bot message in its current state; edits update it in place and are kept in `edits`."""

    chat_id: int
    message_id: int
    date: int
    kind: str  # "message", "photo" or "document"
    text: str | None  # as the user sees it: tags rendered away; the caption for media
    source_text: str | None  # as the bot sent it
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    file: StoredFile | None = None
    edits: list[dict[str, Any]] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def caption(self) -> str | None:
        return self.text if self.kind != "message" else None

    @property
    def button_rows(self) -> list[list[str]]:
        return button_rows(self.reply_markup)

    @property
    def buttons(self) -> list[str]:
        return [text for row in self.button_rows for text in row]

    @property
    def file_name(self) -> str | None:
        return self.file.file_name if self.file else None

    @property
    def file_bytes(self) -> bytes | None:
        return self.file.data if self.file else None

    def snapshot(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "source_text": self.source_text,
            "parse_mode": self.parse_mode,
            "reply_markup": self.reply_markup,
            "edit_date": self.edit_date,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly view for the control API."""
        return {
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "date": self.date,
            "kind": self.kind,
            "text": self.text,
            "source_text": self.source_text,
            "parse_mode": self.parse_mode,
            "buttons": self.buttons,
            "button_rows": self.button_rows,
            "reply_markup": self.reply_markup,
            "file_name": self.file_name,
            "file_size": len(self.file.data) if self.file else None,
            "edits": self.edits,
            "deleted": self.deleted,
        }

    def __repr__(self) -> str:
        state = " deleted" if self.deleted else ""
        where = f"{self.chat_id}/{self.message_id}"
        return f"<SentMessage {where} {self.kind}{state} {self.text!r} {self.buttons}>"
