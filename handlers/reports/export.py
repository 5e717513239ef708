"""/export: the XLSX workbook of the person's scope (storage/report_xlsx), as a document."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.reports.common import (
    file_stem,
    report_day,
    report_router,
)
from handlers.reports.documents.xlsx import build_workbook
from storage.clock import Clock
from storage.models.orgs import Organization
from storage.reports.indicators import build_summary
from storage.settings import Settings


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


def build_router() -> Router:
    return report_router("export", send_export)
