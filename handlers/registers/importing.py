"""/import: the curator (or a coordinator, for a school in scope) sends the school's
registers as .xlsx or .csv, reads the dry run, and applies it or cancels.

Only the Telegram file id is kept in the conversation between the dry run and Apply: the
file is downloaded and read again, and the plan made again against the school as it is
then. If that plan differs from what was shown (someone else imported meanwhile), the new
dry run is shown instead of applying. Apply clears the conversation first, so a second tap
finds nothing to apply.
"""

from __future__ import annotations

import asyncio
import io
import logging
from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.programmes.common import school_today
from handlers.registers.common import (
    ImportAct,
    ImportSchool,
    PendingFiles,
    PendingPage,
    TemplateAsked,
    button,
    curated,
    import_schools,
)
from handlers.registers.documents import registers_template
from handlers.registers.proposals import ask_formed
from handlers.registers.texts import applied_text, dry_run_text, file_problem, limits_line
from handlers.system.cancel import cancel_button
from handlers.ui.paging import paged
from storage.clock import Clock
from storage.models.orgs import Organization
from storage.people.actor import Actor
from storage.registers.applying import apply_plan, lock_school
from storage.registers.entries import pending_counts
from storage.registers.pairs import form_ready
from storage.registers.plan import ImportPlan, make_plan
from storage.registers.reading import FileProblem, check_upload, read_tables
from storage.settings import Settings

log = logging.getLogger(__name__)


class Importing(StatesGroup):
    file = State()  # waiting for the file
    confirm = State()  # the dry run is shown


async def import_requested(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    schools = await import_schools(session, actor)
    if len(schools) == 1:
        await _ask_file(message, state, session, actor, clock, schools[0])
        return
    await message.answer(
        _("Into which school do you want to import the registers?"),
        reply_markup=_school_picker(schools, 0),
    )


def _school_picker(schools: list[Organization], page: int) -> InlineKeyboardMarkup:
    buttons = [button(s.name, ImportSchool(school_id=s.id)) for s in schools]
    return InlineKeyboardMarkup(
        inline_keyboard=paged(buttons, page, lambda p: ImportSchool(school_id=0, page=p))
    )


async def school_chosen(
    query: CallbackQuery,
    callback_data: ImportSchool,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    schools = await import_schools(session, actor)
    message = query.message
    if not isinstance(message, Message):
        return
    if callback_data.page >= 0:
        await query.answer()
        await message.edit_reply_markup(reply_markup=_school_picker(schools, callback_data.page))
        return
    school = next((s for s in schools if s.id == callback_data.school_id), None)
    if school is None:
        await query.answer(_("You cannot import into this school."), show_alert=True)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await _ask_file(message, state, session, actor, clock, school)


async def _ask_file(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    school: Organization,
) -> None:
    await state.set_state(Importing.file)
    await state.set_data({"school_id": school.id})
    lines = [
        "<b>" + _("Registers of «{school}»").format(school=escape(school.name)) + "</b>",
        "",
        _(
            "Send the school's «База наставников» and «База наставляемых» as one .xlsx "
            "workbook or a .csv file, in the columns /export writes (any order; «ФИО» in one "
            "column or three; optional «Категория», «Класс», «Должность», «Стаж»)."
        ),
        limits_line(),
        _("First you see what would change; nothing is saved until you apply."),
    ]
    rows = []
    if school.id in curated(actor):
        counts = await pending_counts(session, school.id, clock.now())
        if counts.total:
            lines += [
                "",
                _(
                    "Not joined yet: {total} (opened the link: {opened}, expired: {expired})."
                ).format(total=counts.total, opened=counts.opened, expired=counts.expired),
            ]
            rows += [
                [button(_("👥 Who has not joined"), PendingPage(school_id=school.id))],
                [
                    button(
                        _("📄 Invitations, XLSX"), PendingFiles(school_id=school.id, kind="xlsx")
                    ),
                    button(
                        _("🪪 Cards with QR codes, DOCX"),
                        PendingFiles(school_id=school.id, kind="docx"),
                    ),
                ],
            ]
    rows.append([button(_("📥 Template, XLSX"), TemplateAsked())])
    rows.append([cancel_button()])
    await message.answer("\n".join(lines), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def template_asked(query: CallbackQuery) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        payload = await asyncio.to_thread(registers_template)
        await query.message.answer_document(
            BufferedInputFile(payload, filename="registers-template.xlsx"),
            caption=_(
                "Both registers with an example row each; the blue columns are optional and "
                "spare people typing when they join. Fill it in and send it back here."
            ),
        )


async def file_sent(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    document = message.document
    assert document is not None
    data = await state.get_data()
    school = await _school(session, actor, data.get("school_id"))
    if school is None:
        await state.clear()
        await message.answer(_("You cannot import into this school."))
        return
    try:
        check_upload(document.file_name, document.file_size)
        plan = await _plan(
            session, settings, clock, bot, school, document.file_id, document.file_name
        )
    except FileProblem as problem:
        await message.answer(
            file_problem(problem) + "\n\n" + _("Nothing was saved. Send another file or /cancel.")
        )
        return
    await state.set_state(Importing.confirm)
    await state.set_data(
        {
            "school_id": school.id,
            "file_id": document.file_id,
            "file_name": document.file_name or "",
            "digest": plan.digest(),
        }
    )
    text = dry_run_text(plan, document.file_name or "", school.name)
    if not plan.changes_anything:
        await state.clear()
        await message.answer(text)
        return
    await message.answer(
        text,
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    button(_("✔ Apply"), ImportAct(action="apply")),
                    button(_("✖ Cancel"), ImportAct(action="cancel")),
                ]
            ]
        ),
    )


async def _school(session: AsyncSession, actor: Actor, school_id: Any) -> Organization | None:
    """The school of the conversation, if the actor may still import into it."""
    schools = await import_schools(session, actor)
    return next((s for s in schools if s.id == school_id), None)


async def _plan(
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
    bot: Bot,
    school: Organization,
    file_id: str,
    file_name: str | None,
    *,
    lock: bool = False,
) -> ImportPlan:
    buffer = io.BytesIO()
    try:
        await bot.download(file_id, destination=buffer)
    except TelegramBadRequest as error:  # e.g. «file is too big» past Telegram's 20 MB
        log.info("import: download refused: %s", error)
        raise FileProblem("not_downloaded") from None
    # The file is parsed off the event loop: a large workbook takes a second of CPU.
    tables = await asyncio.to_thread(read_tables, buffer.getvalue(), file_name or "")
    if lock:  # after the download: no lock is held across a call to Telegram
        await lock_school(session, school.id)
    today = await school_today(session, settings, clock, school.id)
    return await make_plan(session, school.id, tables, today)


async def text_instead_of_file(message: Message) -> None:
    await message.answer(
        _("Please send the registers as a file (an .xlsx or .csv document), or /cancel.")
    )


async def act_pressed(
    query: CallbackQuery,
    callback_data: ImportAct,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    bot: Bot,
    i18n: I18n,
) -> None:
    message = query.message
    data = await state.get_data()
    if await state.get_state() != Importing.confirm.state or not isinstance(message, Message):
        await query.answer(_("This button is no longer active."))
        return
    # Cleared before anything else: a second tap finds nothing to apply.
    await state.clear()
    await message.edit_reply_markup(reply_markup=None)
    if callback_data.action != "apply":
        await query.answer()
        await message.answer(_("Cancelled; nothing was imported."))
        return
    school = await _school(session, actor, data.get("school_id"))
    if school is None:
        await query.answer(_("You cannot import into this school."), show_alert=True)
        return
    await query.answer()
    try:
        plan = await _plan(
            session, settings, clock, bot, school, data["file_id"], data["file_name"]
        )
    except FileProblem as problem:
        await message.answer(file_problem(problem))
        return
    if plan.digest() != data["digest"]:
        await state.set_state(Importing.confirm)
        await state.set_data({**data, "digest": plan.digest()})
        await message.answer(
            _("The school changed since the dry run (another import?). Here is the new one:")
            + "\n\n"
            + dry_run_text(plan, data["file_name"], school.name),
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[
                    [
                        button(_("✔ Apply"), ImportAct(action="apply")),
                        button(_("✖ Cancel"), ImportAct(action="cancel")),
                    ]
                ]
            ),
        )
        return
    now = clock.now()
    await apply_plan(session, plan, actor.person_id, now)
    formed = await form_ready(session, now, school.id)
    rows = []
    if school.id in curated(actor) and plan.new:
        rows = [
            [
                button(_("📄 Invitations, XLSX"), PendingFiles(school_id=school.id, kind="xlsx")),
                button(
                    _("🪪 Cards with QR codes, DOCX"),
                    PendingFiles(school_id=school.id, kind="docx"),
                ),
            ]
        ]
    await message.answer(
        applied_text(plan, school.name)
        + "\n\n"
        + _("Hand each person their card or link: three taps and they are in."),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows) if rows else None,
    )
    await ask_formed(session, formed, {"bot": bot, "i18n": i18n})


def build_router() -> Router:
    router = Router(name="registers_import")
    allowed = Allowed("import")
    router.message.register(import_requested, Command("import"), allowed)
    router.callback_query.register(school_chosen, ImportSchool.filter(), allowed)
    router.callback_query.register(template_asked, TemplateAsked.filter(), allowed)
    router.message.register(file_sent, Importing.file, F.document, allowed)
    router.message.register(text_instead_of_file, Importing.file, ~F.text.startswith("/"))
    router.callback_query.register(act_pressed, ImportAct.filter(), allowed)
    return router
