"""Bot API methods that send, edit and delete messages and files."""

from __future__ import annotations

import mimetypes
from typing import TYPE_CHECKING, Any

from .errors import BLOCKED, NOT_MODIFIED, ApiError, bad_request
from .keyboards import validate_markup
from .markup import render, utf16_len
from .params import Params
from .records import SentMessage

if TYPE_CHECKING:
    from .core import FakeTelegram

    _Base = FakeTelegram
else:
    _Base = object

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


# Bots may download files of up to 20 MB (getFile); larger ones only a local Bot API serves.
DOWNLOAD_LIMIT = 20 * 1024 * 1024


class MessagingMethods(_Base):
    def target_chat(self, p: Params) -> int:
        """The chat a method acts on, refused the way Telegram refuses it."""
        chat_id = p.integer("chat_id", missing="chat_id is empty")
        if isinstance(chat_id, str) or (chat_id < 0 and chat_id not in self.group_chats):
            raise bad_request("chat not found")
        user = self.users.get(chat_id)
        if user is not None and user.blocked:
            raise ApiError(403, BLOCKED)
        return chat_id

    def _rendered(self, p: Params, field: str, limit: int) -> tuple[str, list[dict[str, Any]]]:
        source = p.text(field) or ""
        text, entities = render(source, p.text("parse_mode"))
        if not p.text("parse_mode") and field == "text":
            entities = p.obj("entities") or []
        elif not p.text("parse_mode"):
            entities = p.obj("caption_entities") or []
        if utf16_len(text) > limit:
            raise bad_request(
                "message is too long" if field == "text" else "message caption is too long"
            )
        return text, entities

    def _record(self, p: Params, chat_id: int, kind: str, **fields: Any) -> dict[str, Any]:
        sent = SentMessage(
            chat_id=chat_id,
            message_id=self.next_message_id(chat_id),
            date=self.now(),
            kind=kind,
            parse_mode=p.text("parse_mode"),
            reply_markup=validate_markup(p.obj("reply_markup")),
            params=dict(p.raw),
            **fields,
        )
        self.chats.setdefault(chat_id, []).append(sent)
        self.sent_changed.notify()
        return self.message_json(sent)

    async def api_sendMessage(self, p: Params) -> dict[str, Any]:
        chat_id = self.target_chat(p)
        text, entities = self._rendered(p, "text", TEXT_LIMIT)
        if not text.strip():
            raise bad_request("message text is empty")
        return self._record(
            p, chat_id, "message", text=text, source_text=p.text("text"), entities=entities
        )

    async def _send_file(self, p: Params, kind: str) -> dict[str, Any]:
        chat_id = self.target_chat(p)
        upload = p.upload(kind)
        if upload is None:
            raise bad_request(f"there is no {kind} in the request")
        if isinstance(upload, tuple):
            name, data = upload
            mime = mimetypes.guess_type(name)[0]
            stored = self.store_file(kind, name, data, mime)
        elif upload.startswith(("http://", "https://")):
            name = upload.rsplit("/", 1)[-1] or None
            stored = self.store_file(kind, name, b"", mimetypes.guess_type(upload)[0])
        elif upload in self.files:
            stored = self.files[upload]
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        caption, entities = self._rendered(p, "caption", CAPTION_LIMIT)
        return self._record(
            p,
            chat_id,
            kind,
            text=caption or None,
            source_text=p.text("caption"),
            entities=entities,
            file=stored,
        )

    async def api_sendPhoto(self, p: Params) -> dict[str, Any]:
        return await self._send_file(p, "photo")

    async def api_sendDocument(self, p: Params) -> dict[str, Any]:
        return await self._send_file(p, "document")

    def _editable(self, p: Params) -> SentMessage:
        if "inline_message_id" in p:
            raise bad_request("inline messages are not supported by the fake")
        chat_id = self.target_chat(p)
        message_id = p.integer("message_id", missing="message identifier is not specified")
        sent = self.message(chat_id, message_id)
        if sent is None or sent.deleted:
            raise bad_request("message to edit not found")
        return sent

    def _apply_edit(self, sent: SentMessage, **changes: Any) -> dict[str, Any]:
        # Telegram compares what the person sees, however the text was written.
        visible = [key for key in ("text", "entities", "reply_markup") if key in changes]
        if all(getattr(sent, key) == changes[key] for key in visible):
            raise ApiError(400, NOT_MODIFIED)
        sent.edits.append(sent.snapshot())
        for key, value in changes.items():
            setattr(sent, key, value)
        sent.edit_date = self.now()
        self.sent_changed.notify()
        return self.message_json(sent)

    async def api_editMessageText(self, p: Params) -> dict[str, Any]:
        sent = self._editable(p)
        if sent.kind != "message":
            raise bad_request("there is no text in the message to edit")
        text, entities = self._rendered(p, "text", TEXT_LIMIT)
        if not text.strip():
            raise bad_request("message text is empty")
        # Telegram drops the inline keyboard when an edit does not repeat it.
        markup = validate_markup(p.obj("reply_markup"))
        return self._apply_edit(
            sent,
            text=text,
            entities=entities,
            reply_markup=markup,
            source_text=p.text("text"),
            parse_mode=p.text("parse_mode"),
        )

    async def api_editMessageCaption(self, p: Params) -> dict[str, Any]:
        sent = self._editable(p)
        if sent.kind == "message":
            raise bad_request("there is no caption in the message to edit")
        caption, entities = self._rendered(p, "caption", CAPTION_LIMIT)
        markup = validate_markup(p.obj("reply_markup"))
        return self._apply_edit(
            sent,
            text=caption or None,
            entities=entities,
            reply_markup=markup,
            source_text=p.text("caption"),
        )

    async def api_editMessageReplyMarkup(self, p: Params) -> dict[str, Any]:
        sent = self._editable(p)
        return self._apply_edit(sent, reply_markup=validate_markup(p.obj("reply_markup")))

    async def api_deleteMessage(self, p: Params) -> bool:
        chat_id = self.target_chat(p)
        message_id = p.integer("message_id", missing="message identifier is not specified")
        sent = self.message(chat_id, message_id)
        if sent is not None and not sent.deleted:
            sent.deleted = True
            self.sent_changed.notify()
            return True
        deleted = self.deleted_incoming.setdefault(chat_id, set())
        is_incoming = sent is None and 0 < message_id <= self.message_counters.get(chat_id, 0)
        if is_incoming and message_id not in deleted:
            deleted.add(message_id)
            return True
        raise bad_request("message to delete not found")

    async def api_deleteMessages(self, p: Params) -> bool:
        chat_id = self.target_chat(p)
        for message_id in p.obj("message_ids") or []:
            sent = self.message(chat_id, int(message_id))
            if sent is not None:
                sent.deleted = True
        self.sent_changed.notify()
        return True

    async def api_getFile(self, p: Params) -> dict[str, Any]:
        stored = self.files.get(p.text("file_id", missing="file_id not specified") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > DOWNLOAD_LIMIT:
            raise bad_request("file is too big")
        return stored.as_file()

    async def api_sendChatAction(self, p: Params) -> bool:
        self.target_chat(p)
        p.text("action", missing="wrong parameter action in request")
        return True
