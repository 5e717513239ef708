"""/outbox: how reminders and announcements are getting through, for administrators (the
whole installation) and coordinators (their municipality or region)."""

from __future__ import annotations

import math
from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed, managed_orgs
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.outbox import queue as outbox
from storage.people.actor import Actor
from storage.settings import Settings

REFRESH = "outbox:refresh"
STATE_TITLES = {
    outbox.PENDING: __("waiting"),
    outbox.SENDING: __("being sent"),
    outbox.SENT: __("delivered"),
    outbox.BLOCKED: __("not delivered: the person blocked the bot"),
    outbox.FAILED: __("failed"),
    outbox.EXPIRED: __("expired unsent"),
}


async def render(
    session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
) -> tuple[str, InlineKeyboardMarkup]:
    scope = await managed_orgs(session, actor)
    view = await outbox.queue_view(session, clock.now(), scope)
    lines = ["<b>" + _("Outbox") + "</b>"]
    if scope is not None:
        lines.append(_("Messages about your organisations only."))
    lines.append("")
    for state in outbox.STATES:
        lines.append(f"{STATE_TITLES[state]}: {view.counts.get(state, 0)}")
    if view.due_now:
        minutes = math.ceil(view.due_now / settings.send_rate / 60)
        lines += [
            "",
            _(
                "Due now: {count}; at a rate of {rate:g} a second that takes about {minutes} min."
            ).format(count=view.due_now, rate=settings.send_rate, minutes=minutes),
        ]
    if view.failures:
        lines += ["", _("Failures by reason:")]
        lines += [f"• {escape(kind)}: {escape(reason)} — {n}" for kind, reason, n in view.failures]
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=_("↻ Refresh"), callback_data=REFRESH)]]
    )
    return "\n".join(lines), markup


async def outbox_requested(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
) -> None:
    text, markup = await render(session, actor, settings, clock)
    await message.answer(text, reply_markup=markup)


async def refresh_pressed(
    query: CallbackQuery, session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        text, markup = await render(session, actor, settings, clock)
        await replace_screen(query.message, text, markup)


def build_router() -> Router:
    router = Router(name="outbox")
    allowed = Allowed("outbox")
    router.message.register(outbox_requested, Command("outbox"), allowed)
    router.callback_query.register(refresh_pressed, F.data == REFRESH, allowed)
    return router
