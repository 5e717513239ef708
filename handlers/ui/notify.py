"""Messages to other people, each in their own language; a failed delivery never fails the
update that caused it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n

log = logging.getLogger(__name__)


async def tell(
    bot: Bot,
    i18n: I18n,
    recipients: list[tuple[int, int, str | None]],
    render: Callable[[], str],
    markup: Callable[[], Any] | None = None,
) -> None:
    """`render` (and `markup`) run once per recipient inside that person's locale."""
    for _person_id, telegram_id, locale in recipients:
        with i18n.use_locale(locale or i18n.default_locale):
            text = render()
            reply_markup = markup() if markup else None
        try:
            await bot.send_message(telegram_id, text, reply_markup=reply_markup)
        except TelegramAPIError as exc:
            log.warning("message to %s not delivered: %s", telegram_id, exc)
