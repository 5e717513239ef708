"""/practices: the bank of best practices — the school's and the municipality's banks by form
and topic, a case's card with its files, one's own cases, and the lists to review and promote.

Submitting lives in practice_submit, the curator's and coordinator's decisions in
practice_review, the spreadsheet in practice_export.
"""

from __future__ import annotations

import logging
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.practices.common import (
    MINE,
    MUNICIPAL_BANK,
    PAGE,
    PROMOTE,
    REVIEW,
    SCHOOL_BANK,
    TOPICS,
    BankScope,
    PrAct,
    PrExport,
    PrFilter,
    PrList,
    PrMenu,
    PrOpen,
    bank_scope,
    button,
    card_text,
    form_name,
    listing_for,
    markup,
    org_name,
    short,
    status_title,
    topic_title,
)
from handlers.practices.submit import PrNew
from handlers.ui.screens import replace_screen
from storage import practices
from storage.models.community import Practice
from storage.people.actor import Actor

log = logging.getLogger(__name__)


async def _menu(
    session: AsyncSession, actor: Actor
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    scope = await bank_scope(session, actor)
    lines = [
        _("<b>Bank of best practices</b>"),
        _(
            "Cases of mentoring that worked: a mentor or curator submits one, the school's "
            "curator approves it for the school's bank, the coordinator promotes the best to "
            "the municipal bank."
        ),
    ]
    rows = []
    # Coordinators reach the schools' banks through the list to promote, not 40 buttons.
    for school_id in sorted(scope.member_schools):
        name = short(await org_name(session, school_id), 40)
        rows.append(
            [button(_("🏫 {name}").format(name=name), PrList(bank=SCHOOL_BANK, org=school_id))]
        )
    for municipality_id in sorted(scope.municipalities):
        name = short(await org_name(session, municipality_id), 40)
        rows.append(
            [
                button(
                    _("🏛 Municipal bank: {name}").format(name=name),
                    PrList(bank=MUNICIPAL_BANK, org=municipality_id),
                )
            ]
        )
    if scope.submit_schools:
        rows.append([button(_("✍ Submit a case"), PrNew(school_id=0))])
        rows.append([button(_("📝 My cases"), PrList(bank=MINE))])
    for bank, label, allowed in (
        (REVIEW, _("🔎 Awaiting your review ({count})"), scope.curated),
        (PROMOTE, _("⭐ For the municipal bank ({count})"), scope.coordinated_schools),
    ):
        if allowed:
            listing = await listing_for(session, scope, actor, PrList(bank=bank))
            assert listing is not None
            _found, total = await practices.page(session, listing, 1, 0)
            rows.append([button(label.format(count=total), PrList(bank=bank))])
    return "\n".join(lines), rows


async def practices_requested(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext
) -> None:
    await state.clear()
    text, rows = await _menu(session, actor)
    await message.answer(text, reply_markup=markup(rows))


async def menu_pressed(query: CallbackQuery, session: AsyncSession, actor: Actor) -> None:
    await query.answer()
    text, rows = await _menu(session, actor)
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, markup(rows))


async def _heading(session: AsyncSession, data: PrList | PrFilter) -> str:
    if data.bank == SCHOOL_BANK:
        return _("<b>School bank: {name}</b>").format(
            name=escape(await org_name(session, data.org))
        )
    if data.bank == MUNICIPAL_BANK:
        return _("<b>Municipal bank: {name}</b>").format(
            name=escape(await org_name(session, data.org))
        )
    return {
        MINE: _("<b>My cases</b>"),
        REVIEW: _("<b>Cases awaiting your review</b>"),
        PROMOTE: _("<b>Cases of the schools' banks, to promote to the municipal bank</b>"),
    }[data.bank]


async def list_pressed(
    query: CallbackQuery, callback_data: PrList, session: AsyncSession, actor: Actor
) -> None:
    scope = await bank_scope(session, actor)
    listing = await listing_for(session, scope, actor, callback_data)
    if listing is None:
        await query.answer(_("This bank is not available to you."), show_alert=True)
        return
    await query.answer()
    page = max(callback_data.page, 0)
    found, total = await practices.page(session, listing, PAGE, page * PAGE)
    pages = max((total + PAGE - 1) // PAGE, 1)
    school_id = next(iter(listing.school_ids), 0)
    form = (
        await form_name(session, school_id, callback_data.form) if callback_data.form else _("all")
    )
    topic = topic_title(callback_data.topic) if callback_data.topic else _("all")
    lines = [
        await _heading(session, callback_data),
        _("Form: {form} · topic: {topic}").format(form=escape(form), topic=topic),
        _("Cases: {count}").format(count=total),
    ]
    if not total:
        lines.append(_("Nothing here yet."))
    back_to = callback_data.bank if callback_data.bank in (SCHOOL_BANK, MUNICIPAL_BANK) else ""
    rows = []
    for practice in found:
        label = short(practice.title)
        if callback_data.bank == MINE:
            label = f"{label} · {status_title(practice.status)}"
        open_data = PrOpen(practice_id=practice.id, bank=back_to or callback_data.bank)
        rows.append([button(label, open_data.model_copy(update={"org": callback_data.org}))])
    navigation = []
    if page > 0:
        navigation.append(button("◀", callback_data.model_copy(update={"page": page - 1})))
    if page < pages - 1:
        navigation.append(button("▶", callback_data.model_copy(update={"page": page + 1})))
    if navigation:
        rows.append(navigation)
    filters = PrFilter(
        bank=callback_data.bank,
        org=callback_data.org,
        what="form",
        form=callback_data.form,
        topic=callback_data.topic,
    )
    rows.append(
        [
            button(_("Form ▾"), filters),
            button(_("Topic ▾"), filters.model_copy(update={"what": "topic"})),
        ]
    )
    if total:
        rows.append(
            [
                button(
                    _("⬇ Spreadsheet (XLSX)"),
                    PrExport(
                        bank=callback_data.bank,
                        org=callback_data.org,
                        form=callback_data.form,
                        topic=callback_data.topic,
                    ),
                )
            ]
        )
    rows.append([button(_("◀ Bank of best practices"), PrMenu())])
    if isinstance(query.message, Message):
        await replace_screen(query.message, "\n".join(lines), markup(rows))


async def filter_pressed(
    query: CallbackQuery, callback_data: PrFilter, session: AsyncSession, actor: Actor
) -> None:
    scope = await bank_scope(session, actor)
    listing = await listing_for(session, scope, actor, callback_data)
    if listing is None:
        await query.answer(_("This bank is not available to you."), show_alert=True)
        return
    await query.answer()
    forms, topics = await practices.facets(session, listing)
    base = PrList(
        bank=callback_data.bank, org=callback_data.org, form=callback_data.form,
        topic=callback_data.topic,
    )  # fmt: skip
    rows = []
    if callback_data.what == "form":
        text = _("Show the cases of which form of mentoring?")
        rows.append([button(_("All forms"), base.model_copy(update={"form": 0}))])
        school_id = next(iter(listing.school_ids), 0)
        named = [(await form_name(session, school_id, f), f) for f in forms]
        for name, form_id in sorted(named):
            rows.append([button(short(name), base.model_copy(update={"form": form_id}))])
    else:
        text = _("Show the cases on which topic?")
        rows.append([button(_("All topics"), base.model_copy(update={"topic": ""}))])
        for code in TOPICS:
            if code in topics:
                rows.append([button(topic_title(code), base.model_copy(update={"topic": code}))])
    rows.append([button(_("◀ Back"), base)])
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, markup(rows))


async def visible_practice(
    session: AsyncSession, actor: Actor, practice_id: int
) -> tuple[Practice, BankScope] | None:
    practice = await session.get(Practice, practice_id)
    if practice is None:
        return None
    scope = await bank_scope(session, actor)
    municipality_id = await practices.municipality_of(session, practice.school_id)
    if not scope.sees(practice, actor.person_id, municipality_id):
        return None
    return practice, scope


def actions(practice: Practice, scope: BankScope, actor: Actor) -> list[list[InlineKeyboardButton]]:
    rows = []
    if practice.files:
        rows.append(
            [
                button(
                    _("📎 Files ({count})").format(count=len(practice.files)),
                    PrAct(practice_id=practice.id, action="files"),
                )
            ]
        )
    if practice.status == practices.SUBMITTED and practice.school_id in scope.curated:
        rows.append(
            [
                button(
                    _("✔ Approve for the school's bank"),
                    PrAct(practice_id=practice.id, action="approve"),
                ),
                button(_("↩ Return with a note"), PrAct(practice_id=practice.id, action="return")),
            ]
        )
    if practice.status == practices.SCHOOL and practice.school_id in scope.coordinated_schools:
        rows.append(
            [
                button(
                    _("⭐ Promote to the municipal bank"),
                    PrAct(practice_id=practice.id, action="promote"),
                )
            ]
        )
    if (
        practice.status == practices.RETURNED
        and practice.author_id == actor.person_id
        and practice.school_id in scope.submit_schools
    ):
        rows.append(
            [
                button(
                    _("✎ Correct and submit again"),
                    PrAct(practice_id=practice.id, action="resubmit"),
                )
            ]
        )
    return rows


async def open_pressed(
    query: CallbackQuery, callback_data: PrOpen, session: AsyncSession, actor: Actor
) -> None:
    found = await visible_practice(session, actor, callback_data.practice_id)
    if found is None:
        await query.answer(_("This case is not available to you."), show_alert=True)
        return
    await query.answer()
    practice, scope = found
    rows = actions(practice, scope, actor)
    if callback_data.bank:
        rows.append([button(_("◀ Back"), PrList(bank=callback_data.bank, org=callback_data.org))])
    else:
        rows.append([button(_("◀ Bank of best practices"), PrMenu())])
    text = await card_text(session, practice)
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, markup(rows))


async def files_pressed(
    query: CallbackQuery, callback_data: PrAct, session: AsyncSession, actor: Actor, bot: Bot
) -> None:
    found = await visible_practice(session, actor, callback_data.practice_id)
    if found is None:
        await query.answer(_("This case is not available to you."), show_alert=True)
        return
    practice, _scope = found
    await query.answer()
    caption = short(practice.title, 200)
    for attached in practice.files:
        try:
            if attached.get("kind") == "photo":
                await bot.send_photo(
                    actor.telegram_id, attached["file_id"], caption=escape(caption)
                )
            else:
                await bot.send_document(
                    actor.telegram_id, attached["file_id"], caption=escape(caption)
                )
        except TelegramAPIError as exc:
            log.warning("file of practice %s not sent: %s", practice.id, exc)


def build_router() -> Router:
    router = Router(name="practices")
    allowed = Allowed("practices")
    router.message.register(practices_requested, Command("practices"), allowed)
    router.callback_query.register(menu_pressed, PrMenu.filter(), allowed)
    router.callback_query.register(list_pressed, PrList.filter(), allowed)
    router.callback_query.register(filter_pressed, PrFilter.filter(), allowed)
    router.callback_query.register(open_pressed, PrOpen.filter(), allowed)
    router.callback_query.register(files_pressed, PrAct.filter(F.action == "files"), allowed)
    return router
