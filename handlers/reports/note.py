"""/report: the draft of the analytical note as a DOCX document (storage/report_docx)."""

from __future__ import annotations

import asyncio
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
from handlers.reports.documents.charts import indicators_chart
from handlers.reports.documents.docx import build_note
from storage.clock import Clock
from storage.models.orgs import Organization
from storage.reports.indicators import build_summary
from storage.settings import Settings


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


def build_router() -> Router:
    return report_router("report", send_report)
