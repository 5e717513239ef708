"""/summary: the figures of a curator's school or a coordinator's municipality or region.

The first page is the overview (people, pairs and groups by form, meetings, monitoring,
key indicators, schools that lag, the change since the previous campaign); a coordinator
pages through the table by school with ◀ ▶ under the same message.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.reports.common import (
    RepOpen,
    RepPick,
    ask_or_pick,
    markup,
    org_in_scope,
    pick_page_pressed,
    report_day,
)
from handlers.reports.summary_text import pages
from handlers.ui.paging import navigation_row
from storage.clock import Clock
from storage.models.orgs import Organization
from storage.people.actor import Actor
from storage.reports.indicators import build_summary
from storage.settings import Settings


def navigation(org_id: int, page: int, total: int) -> list[list[InlineKeyboardButton]]:
    row = navigation_row(page, total, lambda p: RepOpen(cmd="summary", org=org_id, page=p))
    return [row] if row else []


async def render(
    session: AsyncSession, settings: Settings, clock: Clock, org: Organization, page: int
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    today = await report_day(session, settings, clock, org)
    summary = await build_summary(session, org.id, today)
    if summary is None:
        return _("This organisation no longer exists."), []
    found = pages(summary)
    page = max(0, min(page, len(found) - 1))
    return found[page], navigation(org.id, page, len(found))


async def summary_requested(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
) -> None:
    org = await ask_or_pick(message, session, actor, "summary")
    if org is None:
        return
    text, rows = await render(session, settings, clock, org, 0)
    await message.answer(text, reply_markup=markup(rows) if rows else None)


async def summary_pressed(
    query: CallbackQuery,
    callback_data: RepOpen,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    org = await org_in_scope(query, session, actor, callback_data.org)
    if org is None or not isinstance(query.message, Message):
        return
    text, rows = await render(session, settings, clock, org, callback_data.page)
    await query.answer()
    if callback_data.page < 0:  # chosen from the list of organisations: a new message
        await query.message.answer(text, reply_markup=markup(rows) if rows else None)
        return
    if query.message.html_text == text:
        return  # the page being shown: nothing to change
    await query.message.edit_text(text, reply_markup=markup(rows) if rows else None)


def build_router() -> Router:
    router = Router(name="summary")
    allowed = Allowed("summary")
    router.message.register(summary_requested, Command("summary"), allowed)
    router.callback_query.register(summary_pressed, RepOpen.filter(F.cmd == "summary"), allowed)
    router.callback_query.register(pick_page_pressed, RepPick.filter(F.cmd == "summary"), allowed)
    return router
