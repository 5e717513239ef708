"""FakeSession: an aiogram session that calls FakeTelegram directly, with no HTTP."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile

from .core import FakeTelegram
from .errors import BrokenAnswer

if TYPE_CHECKING:
    from aiogram import Bot


class FakeSession(BaseSession):
    def __init__(self, tg: FakeTelegram, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tg = tg

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,
    ) -> TelegramType:
        # Mirror AiohttpSession.build_form_data so the fake sees byte-for-byte the same fields.
        files: dict[str, InputFile] = {}
        params: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:
                params[key] = prepared
        uploads = {
            key: (upload.filename or key, b"".join([chunk async for chunk in upload.read(bot)]))
            for key, upload in files.items()
        }
        try:
            status, body = await self.tg.call(bot.token, method.__api_method__, params, uploads)
        except BrokenAnswer as broken:
            message = self._network_error(bot, method, broken.how)
            raise TelegramNetworkError(method, message) from broken
        # The real check_response, so errors map to exactly the exceptions production sees.
        response = self.check_response(
            bot=bot, method=method, status_code=status, content=json.dumps(body)
        )
        return response.result  # type: ignore[return-value]

    def _network_error(self, bot: Bot, method: TelegramMethod[Any], how: str) -> str:
        """The message AiohttpSession gives for the same break, URL and token included."""
        if how == "drop":
            return "ServerDisconnectedError: Server disconnected"
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        return f"ClientResponseError: 400, message='Bad status line', url='{url}'"

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        file_path = url.split("/file/bot", 1)[-1].split("/", 1)[-1]
        stored = self.tg.file_by_path(file_path)
        if stored is None:
            if raise_for_status:
                raise FileNotFoundError(f"the fake Telegram has no file at {file_path!r}")
            return
        for start in range(0, len(stored.data), chunk_size):
            yield stored.data[start : start + chunk_size]

    async def close(self) -> None:
        pass
