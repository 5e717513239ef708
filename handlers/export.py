"""/export: the XLSX workbook of the person's scope (storage/report_xlsx), as a document."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Allowed
from bot.actor import Actor
from bot.clock import Clock
from bot.config import Settings
from handlers.report_common import RepOpen, ask_or_pick, file_stem, org_in_scope, report_day
from storage.indicators import build_summary
from storage.models.orgs import Organization
from storage.report_xlsx import build_workbook


async def send_export(
    message: Message, session: AsyncSession, settings: Settings, clock: Clock, org: Organization
) -> None:
    today = await report_day(session, settings, clock, org)
    summary = await build_summary(session, org.id, today)
    if summary is None:
        return
    payload = await build_workbook(session, summary)
    await message.answer_document(
        BufferedInputFile(payload, filename=f"export-{file_stem(org, today)}.xlsx"),
        caption=_(
            "{name}: registers of mentors and mentees, pairs and groups, meetings, monitoring "
            "(aggregates only) and the key indicators by academic year."
        ).format(name=escape(org.name)),
    )


async def export_requested(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
) -> None:
    org = await ask_or_pick(message, session, actor, "export")
    if org is not None:
        await send_export(message, session, settings, clock, org)


async def export_pressed(
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
    await query.answer()
    await send_export(query.message, session, settings, clock, org)


def build_router() -> Router:
    router = Router(name="export")
    allowed = Allowed("export")
    router.message.register(export_requested, Command("export"), allowed)
    router.callback_query.register(export_pressed, RepOpen.filter(F.cmd == "export"), allowed)
    return router
