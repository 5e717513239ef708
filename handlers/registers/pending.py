"""Who has not joined yet: the school's pending people as its curators (only they) see
them, a card with a new link or deletion, reminders through the outbox to those who opened
their link, and the invitations as a list (XLSX) or as cards to print (DOCX)."""

from __future__ import annotations

import asyncio
from datetime import date
from html import escape
from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.registers.common import (
    PendingAct,
    PendingCard,
    PendingFiles,
    PendingPage,
    RemindOpened,
    button,
    curated,
    personal_link,
)
from handlers.registers.documents import Invitation, invitation_cards, invitations_xlsx
from handlers.ui.labels import role_title
from handlers.ui.paging import navigation_row, page_count
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.models.orgs import Organization
from storage.models.registers import RegisterEntry
from storage.orgs.scope import effective_timezone
from storage.outbox.queue import enqueue
from storage.people.actor import Actor
from storage.registers.applying import renew
from storage.registers.entries import (
    delete_pending,
    pending_counts,
    pending_entry,
    pending_page,
    reminder_targets,
    valid_invitations,
)
from storage.settings import Settings

PAGE_SIZE = 10


def _place(entry: RegisterEntry) -> str:
    fields = entry.fields or {}
    return fields.get("class_label") or fields.get("workplace") or ""


async def _zone(session: AsyncSession, settings: Settings, school_id: int) -> ZoneInfo:
    return ZoneInfo(await effective_timezone(session, school_id, settings.default_timezone))


def _day(entry: RegisterEntry, zone: ZoneInfo) -> date:
    return entry.expires_at.astimezone(zone).date()


def _state(entry: RegisterEntry, now, zone: ZoneInfo) -> str:
    if entry.expires_at <= now:
        return _("invitation expired")
    state = _("link valid until {date}").format(date=_day(entry, zone).strftime("%d.%m.%Y"))
    if entry.opened_by is not None:
        state += ", " + _("opened, not finished")
    return state


async def _refuse(query: CallbackQuery) -> None:
    await query.answer(_("This is not your school's record."), show_alert=True)


async def page_shown(
    query: CallbackQuery,
    callback_data: PendingPage,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
) -> None:
    if callback_data.school_id not in curated(actor):
        await _refuse(query)
        return
    text, markup = await render_page(
        session, settings, clock, callback_data.school_id, callback_data.page
    )
    await query.answer()
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, markup)


async def render_page(
    session: AsyncSession, settings: Settings, clock: Clock, school_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    now = clock.now()
    counts = await pending_counts(session, school_id, now)
    pages = page_count(counts.total, PAGE_SIZE)
    page = max(0, min(page, pages - 1))
    entries = await pending_page(session, school_id, page, PAGE_SIZE)
    school = await session.get(Organization, school_id)
    zone = await _zone(session, settings, school_id)
    lines = [
        _("«{school}»: not joined yet — {total}").format(
            school=escape(school.name), total=counts.total
        )
    ]
    rows = []
    for number, entry in enumerate(entries, page * PAGE_SIZE + 1):
        place = _place(entry)
        lines.append(
            f"{number}. <b>{escape(entry.full_name)}</b> — {role_title(entry.role)}"
            + (f", {escape(place)}" if place else "")
            + f"; {_state(entry, now, zone)}"
        )
        rows.append(
            [button(f"{number}. {entry.full_name}", PendingCard(entry_id=entry.id, page=page))]
        )
    if not entries:
        lines.append(_("Everyone has joined."))
    nav = navigation_row(page, pages, lambda p: PendingPage(school_id=school_id, page=p))
    if nav:
        rows.append(nav)
    if counts.opened:
        rows.append(
            [
                button(
                    ngettext(
                        "🔔 Remind the {n} person who opened the link",
                        "🔔 Remind the {n} people who opened the link",
                        counts.opened,
                    ).format(n=counts.opened),
                    RemindOpened(school_id=school_id),
                )
            ]
        )
    if counts.total > counts.expired:
        rows.append(
            [
                button(_("📄 Invitations, XLSX"), PendingFiles(school_id=school_id, kind="xlsx")),
                button(
                    _("🪪 Cards with QR codes, DOCX"),
                    PendingFiles(school_id=school_id, kind="docx"),
                ),
            ]
        )
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def card_shown(
    query: CallbackQuery,
    callback_data: PendingCard,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    entry = await pending_entry(session, callback_data.entry_id, curated(actor))
    if entry is None:
        await _refuse(query)
        return
    await query.answer()
    if isinstance(query.message, Message):
        text, markup = await _card(session, settings, clock, bot, entry, callback_data.page)
        await replace_screen(query.message, text, markup)


async def _card(
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
    bot: Bot,
    entry: RegisterEntry,
    page: int,
    note: str = "",
) -> tuple[str, InlineKeyboardMarkup]:
    zone = await _zone(session, settings, entry.school_id)
    place = _place(entry)
    lines = [
        f"<b>{escape(entry.full_name)}</b> — {role_title(entry.role)}"
        + (f", {escape(place)}" if place else ""),
        _state(entry, clock.now(), zone),
    ]
    if entry.expires_at > clock.now():
        lines.append(await personal_link(bot, entry.code))
    if note:
        lines = [note, "", *lines]
    rows = [
        [
            button(_("🔄 New link"), PendingAct(entry_id=entry.id, action="renew", page=page)),
            button(
                _("🗑 Delete the record"), PendingAct(entry_id=entry.id, action="delete", page=page)
            ),
        ],
        [button(_("◀ Back to the list"), PendingPage(school_id=entry.school_id, page=page))],
    ]
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def act_pressed(
    query: CallbackQuery,
    callback_data: PendingAct,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    entry = await pending_entry(session, callback_data.entry_id, curated(actor))
    message = query.message
    if entry is None or not isinstance(message, Message):
        await _refuse(query)
        return
    page = callback_data.page
    if callback_data.action == "renew":
        renewed = await renew(session, entry.id, clock.now())
        await query.answer()
        if renewed is not None:
            text, markup = await _card(
                session,
                settings,
                clock,
                bot,
                renewed,
                page,
                _("A new link is made; the old one no longer works."),
            )
            await replace_screen(message, text, markup)
    elif callback_data.action == "delete":
        await query.answer()
        await replace_screen(
            message,
            _(
                "Delete the record of {name}? Their invitation stops working, and the pairs "
                "planned with them are dropped. This cannot be undone."
            ).format(name=escape(entry.full_name)),
            InlineKeyboardMarkup(
                inline_keyboard=[
                    [
                        button(
                            _("🗑 Yes, delete"),
                            PendingAct(entry_id=entry.id, action="erase", page=page),
                        ),
                        button(_("◀ No"), PendingCard(entry_id=entry.id, page=page)),
                    ]
                ]
            ),
        )
    elif callback_data.action == "erase":
        school_id = entry.school_id
        await delete_pending(session, entry.id, school_id)
        await query.answer(_("The record is deleted."))
        text, markup = await render_page(session, settings, clock, school_id, page)
        await replace_screen(message, text, markup)
    else:
        await query.answer(_("This button is no longer active."))


async def remind_pressed(
    query: CallbackQuery,
    callback_data: RemindOpened,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    if callback_data.school_id not in curated(actor):
        await _refuse(query)
        return
    now = clock.now()
    school = await session.get(Organization, callback_data.school_id)
    zone_name = await effective_timezone(session, school.id, settings.default_timezone)
    zone = ZoneInfo(zone_name)
    queued = 0
    for entry, person_id in await reminder_targets(session, school.id, now):
        # One a day at most: a second tap the same day owes nothing more.
        queued += await enqueue(
            session,
            kind="register_reminder",
            subject=f"{entry.id}:{now.astimezone(zone).date().isoformat()}",
            person_id=person_id,
            due_at=now,
            timezone=zone_name,
            now=now,
            org_id=school.id,
            params={
                "school": school.name,
                "link": await personal_link(bot, entry.code),
                "expires": _day(entry, zone).isoformat(),
            },
        )
    await query.answer(
        ngettext("{n} reminder is on its way.", "{n} reminders are on their way.", queued).format(
            n=queued
        )
        if queued
        else _("Everyone who opened the link has been reminded today already."),
        show_alert=True,
    )


async def files_requested(
    query: CallbackQuery,
    callback_data: PendingFiles,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    if callback_data.school_id not in curated(actor) or callback_data.kind not in ("xlsx", "docx"):
        await _refuse(query)
        return
    school = await session.get(Organization, callback_data.school_id)
    zone = await _zone(session, settings, school.id)
    entries = await valid_invitations(session, school.id, clock.now())
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    if not entries:
        await message.answer(_("Nobody is waiting with a valid invitation."))
        return
    invitations = [
        Invitation(e.full_name, e.role, _place(e), await personal_link(bot, e.code), _day(e, zone))
        for e in entries
    ]
    stem = f"{school.id}-{clock.now().astimezone(zone).date().isoformat()}"
    if callback_data.kind == "xlsx":
        payload = await asyncio.to_thread(invitations_xlsx, school.name, invitations)
        name = f"invitations-{stem}.xlsx"
        caption = _("Personal invitations of «{school}»: {n}. Each link works for one person.")
    else:
        payload = await asyncio.to_thread(invitation_cards, school.name, invitations)
        name = f"cards-{stem}.docx"
        caption = _("Cards to print and hand out, «{school}»: {n}. Each QR code is one person's.")
    await message.answer_document(
        BufferedInputFile(payload, filename=name),
        caption=caption.format(school=escape(school.name), n=len(invitations)),
    )


def build_router() -> Router:
    router = Router(name="registers_pending")
    allowed = Allowed("import")
    router.callback_query.register(page_shown, PendingPage.filter(), allowed)
    router.callback_query.register(card_shown, PendingCard.filter(), allowed)
    router.callback_query.register(act_pressed, PendingAct.filter(), allowed)
    router.callback_query.register(remind_pressed, RemindOpened.filter(), allowed)
    router.callback_query.register(files_requested, PendingFiles.filter(), allowed)
    return router
