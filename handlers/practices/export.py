"""A bank (with its filters) as an XLSX spreadsheet, sent as a document."""

from __future__ import annotations

from io import BytesIO

from aiogram import Bot, Router
from aiogram.types import BufferedInputFile, CallbackQuery
from aiogram.utils.i18n import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.practices.common import (
    PrExport,
    bank_scope,
    form_name,
    listing_for,
    org_name,
    pair_title,
    status_title,
    topic_title,
)
from handlers.programmes.common import show_date
from storage import practices
from storage.models.community import Practice
from storage.people.actor import Actor

WIDTHS = (5, 40, 30, 28, 24, 30, 80, 40, 8, 22, 12, 12, 25)


def _clean(value: str) -> str:
    # A cell starting with = + - @ would be read as a formula by spreadsheet programs.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


async def workbook(session: AsyncSession, found: list[Practice]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Best practices")[:31]
    headers = [
        _("No."),
        _("Title"),
        _("School"),
        _("Form of mentoring"),
        _("Topic"),
        _("Pair"),
        _("Description"),
        _("Links"),
        _("Files"),
        _("Status"),
        _("Approved"),
        _("Promoted"),
        _("Author"),
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    authors = await practices.names(session, {p.author_id for p in found if p.author_id})
    for number, practice in enumerate(found, 1):
        sheet.append(
            [
                number,
                _clean(practice.title),
                _clean(await org_name(session, practice.school_id)),
                await form_name(session, practice.school_id, practice.form_id),
                topic_title(practice.topic),
                _clean(await pair_title(session, practice.programme_id) or ""),
                _clean(practice.description),
                "\n".join(practice.links),
                len(practice.files),
                status_title(practice.status),
                show_date(practice.reviewed_at.date()) if practice.reviewed_at else "",
                show_date(practice.promoted_at.date()) if practice.promoted_at else "",
                _clean(authors.get(practice.author_id) or "") if practice.author_id else "",
            ]
        )
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def export_pressed(
    query: CallbackQuery, callback_data: PrExport, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    scope = await bank_scope(session, actor)
    listing = await listing_for(session, scope, actor, callback_data)
    if listing is None:
        await query.answer(_("This bank is not available to you."), show_alert=True)
        return
    found = await practices.every(session, listing)
    if not found:
        await query.answer(_("Nothing here yet."), show_alert=True)
        return
    await query.answer()
    data = await workbook(session, found)
    await bot.send_document(
        actor.telegram_id,
        BufferedInputFile(data, filename="best-practices.xlsx"),
        caption=_("Bank of best practices: {count} cases.").format(count=len(found)),
    )


def build_router() -> Router:
    router = Router(name="practice_export")
    router.callback_query.register(export_pressed, PrExport.filter(), Allowed("practices"))
    return router
