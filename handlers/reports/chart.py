"""/chart: PNG charts of the person's scope (storage/report_charts), sent as photos."""

from __future__ import annotations

import asyncio

from aiogram import Router
from aiogram.types import BufferedInputFile, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.reports.common import report_day, report_router
from handlers.reports.documents.charts import indicators_chart, meetings_chart, satisfaction_chart
from storage.clock import Clock
from storage.models.orgs import Organization
from storage.reports.indicators import build_summary
from storage.settings import Settings


async def send_charts(
    message: Message, session: AsyncSession, settings: Settings, clock: Clock, org: Organization
) -> None:
    today = await report_day(session, settings, clock, org)
    summary = await build_summary(session, org.id, today)
    if summary is None:
        return
    charts = (
        (
            satisfaction_chart,
            _("Satisfaction of mentees and mentors, only where at least {k} answered").format(
                k=summary.k
            ),
        ),
        (meetings_chart, _("Meetings per month, {year}").format(year=summary.year)),
        (indicators_chart, _("Key indicators against their planned values")),
    )
    for index, (draw, caption) in enumerate(charts):
        # Drawing takes a moment of CPU: a worker thread keeps other people's updates moving.
        png = await asyncio.to_thread(draw, summary)
        await message.answer_photo(
            BufferedInputFile(png, filename=f"chart-{index + 1}.png"), caption=caption
        )


def build_router() -> Router:
    return report_router("chart", send_charts)
