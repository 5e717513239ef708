"""The curator's list of the school's meeting photos, each with its consent to publish; a tap
sends the photo back by its Telegram file id (seed 000 asks schools to publish photos of pairs
at work: only those marked as publishable may go to the school's page)."""

from __future__ import annotations

import logging
from datetime import date

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.meetings.common import MeetingsPage, PhotoPage, PhotoSend
from handlers.programmes.common import button, show_date
from handlers.ui.screens import replace_screen
from storage.meetings.people import photo_in_schools, school_photos
from storage.models.enums import Role
from storage.models.meetings import MeetingPhoto
from storage.people.actor import Actor

log = logging.getLogger(__name__)
PAGE = 10


def consent_title(photo: MeetingPhoto) -> str:
    return _("✅ may be published") if photo.publish_allowed else _("🚫 not for publication")


def caption(photo: MeetingPhoto, held_on: date) -> str:
    return _("Meeting on {date} · {consent}").format(
        date=show_date(held_on), consent=consent_title(photo)
    )


async def send_photo(bot: Bot, chat_id: int, file_id: str, text: str) -> None:
    try:
        await bot.send_photo(chat_id, file_id, caption=text)
    except TelegramAPIError as exc:
        log.warning("photo %s not sent: %s", file_id, exc)


async def photos_pressed(
    query: CallbackQuery, callback_data: PhotoPage, session: AsyncSession, actor: Actor
) -> None:
    schools = actor.org_ids(Role.curator)
    if not schools:
        await query.answer(_("Only the school's curator receives the photos."), show_alert=True)
        return
    await query.answer()
    page = max(callback_data.page, 0)
    photos, total = await school_photos(session, schools, limit=PAGE, offset=page * PAGE)
    pages = max((total + PAGE - 1) // PAGE, 1)
    lines = [_("<b>Photos of meetings: {count}</b>").format(count=total)]
    if total:
        lines.append(_("Tap a photo to receive it."))
    else:
        lines.append(_("No photos yet: a mentor adds them when logging a meeting."))
    rows = [
        [button(f"📷 {caption(photo, held_on)}", PhotoSend(photo_id=photo.id))]
        for photo, held_on in photos
    ]
    navigation = []
    if page > 0:
        navigation.append(button("◀", PhotoPage(page=page - 1)))
    if page < pages - 1:
        navigation.append(button("▶", PhotoPage(page=page + 1)))
    if navigation:
        rows.append(navigation)
    rows.append([button(_("◀ All meetings"), MeetingsPage())])
    if isinstance(query.message, Message):
        await replace_screen(
            query.message, "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)
        )


async def photo_pressed(
    query: CallbackQuery, callback_data: PhotoSend, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    found = await photo_in_schools(session, callback_data.photo_id, actor.org_ids(Role.curator))
    if found is None:
        await query.answer(_("This photo is not available to you."), show_alert=True)
        return
    await query.answer()
    photo, held_on = found
    await send_photo(bot, actor.telegram_id, photo.file_id, caption(photo, held_on))


def build_router() -> Router:
    router = Router(name="meeting_photos")
    allowed = Allowed("meetings")
    router.callback_query.register(photos_pressed, PhotoPage.filter(), allowed)
    router.callback_query.register(photo_pressed, PhotoSend.filter(), allowed)
    return router
