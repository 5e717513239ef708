"""/report: the draft of the analytical note as a DOCX document (storage/report_docx)."""

from __future__ import annotations

import asyncio
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
from storage.report_charts import indicators_chart
from storage.report_docx import build_note


def _note(summary) -> bytes:
    return build_note(summary, indicators_chart(summary))


async def send_report(
    message: Message, session: AsyncSession, settings: Settings, clock: Clock, org: Organization
) -> None:
    today = await report_day(session, settings, clock, org)
    summary = await build_summary(session, org.id, today)
    if summary is None:
        return
    payload = await asyncio.to_thread(_note, summary)
    await message.answer_document(
        BufferedInputFile(payload, filename=f"note-{file_stem(org, today)}.docx"),
        caption=_(
            "A draft of the analytical note for {name}: check the figures, fill in the basis "
            "and the recommendations."
        ).format(name=escape(org.name)),
    )


async def report_requested(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
) -> None:
    org = await ask_or_pick(message, session, actor, "report")
    if org is not None:
        await send_report(message, session, settings, clock, org)


async def report_pressed(
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
    await send_report(query.message, session, settings, clock, org)


def build_router() -> Router:
    router = Router(name="report")
    allowed = Allowed("report")
    router.message.register(report_requested, Command("report"), allowed)
    router.callback_query.register(report_pressed, RepOpen.filter(F.cmd == "report"), allowed)
    return router
