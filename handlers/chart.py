"""/chart: PNG charts of the person's scope (storage/report_charts), sent as photos."""

from __future__ import annotations

import asyncio

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import Allowed
from bot.actor import Actor
from bot.clock import Clock
from bot.config import Settings
from handlers.report_common import RepOpen, ask_or_pick, org_in_scope, report_day
from storage.indicators import build_summary
from storage.models.orgs import Organization
from storage.report_charts import indicators_chart, meetings_chart, satisfaction_chart


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


async def chart_requested(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
) -> None:
    org = await ask_or_pick(message, session, actor, "chart")
    if org is not None:
        await send_charts(message, session, settings, clock, org)


async def chart_pressed(
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
    await send_charts(query.message, session, settings, clock, org)


def build_router() -> Router:
    router = Router(name="chart")
    allowed = Allowed("chart")
    router.message.register(chart_requested, Command("chart"), allowed)
    router.callback_query.register(chart_pressed, RepOpen.filter(F.cmd == "chart"), allowed)
    return router
