"""/pairs: mentors and mentees see their own pairs and groups, a curator the school's with
filters, a coordinator the counts by school."""

from __future__ import annotations

from datetime import date
from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.models.enums import OrgLevel, Role
from storage.models.orgs import Organization
from storage.orgs.scope import descendants
from storage.pairing.listing import Row, counts_by_school, forms_in_use, programme_rows
from storage.people.actor import Actor

PAGE = 10
STATUSES = ("active", "proposed", "closed", "declined")


class PairsPage(CallbackData, prefix="prs"):
    status: str = ""
    form_id: int = 0
    page: int = 0


def status_title(status: str) -> str:
    return {
        "active": _("in progress"),
        "proposed": _("waiting for answers"),
        "closed": _("closed"),
        "declined": _("declined"),
    }[status]


NAMES_SHOWN = 3  # a group of 25 pupils would not fit a Telegram message name by name
OWN_ROWS = 20


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += " " + _("…and {count} more").format(count=len(names) - NAMES_SHOWN)
    return shown


def row_text(number: int, row: Row) -> str:
    kind = _("group") if row.is_group else _("pair")
    text = _(
        "{n}. {kind}, {form} — {status}\n   mentors: {mentors}; mentees: {mentees}; {start}–{end}"
    ).format(
        n=number,
        kind=kind,
        form=escape(row.form),
        status=status_title(row.status),
        mentors=escape(_names(row.mentors)),
        mentees=escape(_names(row.mentees)),
        start=row.starts_on.strftime("%d.%m.%Y"),
        end=row.planned_end_on.strftime("%d.%m.%Y"),
    )
    if row.quiet:
        text += "\n   " + _("💤 no meeting logged in the last 30 days")
    return text


async def pairs_requested(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    today = clock.now().date()
    if actor.has_role(Role.curator):
        text, markup = await _school_page(session, actor, PairsPage(), today)
        await message.answer(text, reply_markup=markup)
    if actor.has_role(Role.coordinator):
        await message.answer(await _counts_text(session, actor))
    if actor.has_role(Role.mentor, Role.mentee):
        rows, total = await programme_rows(
            session, person_id=actor.person_id, limit=OWN_ROWS, today=today
        )
        lines = (
            [_("Your pairs and groups:")] if rows else [_("You are not in any pair or group yet.")]
        )
        lines += [row_text(n, r) for n, r in enumerate(rows, 1)]
        if total > len(rows):
            lines.append(_("…and {count} more").format(count=total - len(rows)))
        await message.answer("\n".join(lines))


async def _school_page(
    session: AsyncSession, actor: Actor, page: PairsPage, today: date
) -> tuple[str, InlineKeyboardMarkup]:
    schools = actor.org_ids(Role.curator)
    forms = await forms_in_use(session, schools)
    rows, total = await programme_rows(
        session,
        school_ids=schools,
        status=page.status or None,
        form_id=page.form_id or None,
        limit=PAGE,
        offset=page.page * PAGE,
        today=today,
    )
    title = status_title(page.status) if page.status else _("all")
    form_name = dict(forms).get(page.form_id)
    if form_name:
        title += f", {form_name}"
    lines = [
        _("Pairs and groups of the school — {filter}: {total}").format(
            filter=escape(title), total=total
        )
    ]
    lines += [row_text(page.page * PAGE + n, r) for n, r in enumerate(rows, 1)]

    def to(**changes: object) -> str:
        values = {"status": page.status, "form_id": page.form_id, "page": 0, **changes}
        return PairsPage(**values).pack()

    statuses = [
        InlineKeyboardButton(
            text=("• " if page.status == s else "") + (status_title(s) if s else _("all")),
            callback_data=to(status=s),
        )
        for s in ("", *STATUSES)
    ]
    keyboard = [statuses[:3], statuses[3:]]
    if len(forms) > 1:
        options = [(0, _("all forms")), *forms]
        keyboard += [
            [
                InlineKeyboardButton(
                    text=("• " if page.form_id == form_id else "") + name,
                    callback_data=to(form_id=form_id),
                )
            ]
            for form_id, name in options
        ]
    turns = []
    if page.page > 0:
        turns.append(InlineKeyboardButton(text="◀", callback_data=to(page=page.page - 1)))
    if (page.page + 1) * PAGE < total:
        turns.append(InlineKeyboardButton(text="▶", callback_data=to(page=page.page + 1)))
    if turns:
        keyboard.append(turns)
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=keyboard)


async def page_pressed(
    query: CallbackQuery,
    callback_data: PairsPage,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    forms = {f for f, _name in await forms_in_use(session, actor.org_ids(Role.curator))}
    valid = (
        actor.has_role(Role.curator)
        and callback_data.status in ("", *STATUSES)
        and callback_data.form_id in (0, *forms)
        and callback_data.page >= 0
    )
    if not valid:
        await query.answer(_("This button is no longer active."))
        return
    text, markup = await _school_page(session, actor, callback_data, clock.now().date())
    await query.answer()
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, markup)


async def _counts_text(session: AsyncSession, actor: Actor) -> str:
    # Counts for the coordinator's own territory, also for an administrator who coordinates.
    coordinated = await descendants(session, actor.org_ids(Role.coordinator))
    schools = set(
        (
            await session.scalars(
                select(Organization.id).where(
                    Organization.id.in_(coordinated), Organization.level == OrgLevel.school
                )
            )
        ).all()
    )
    lines = [_("Programmes by school (active pairs / active groups / waiting / closed):")]
    for row in await counts_by_school(session, schools):
        figures = f"{row.active_pairs} / {row.active_groups} / {row.proposed} / {row.closed}"
        lines.append(f"• {escape(row.school)}: {figures}")
    if len(lines) == 1:
        lines.append(_("There are no schools in your scope yet."))
    return "\n".join(lines)


def build_router() -> Router:
    router = Router(name="pairs")
    allowed = Allowed("pairs")
    router.message.register(pairs_requested, Command("pairs"), allowed)
    router.callback_query.register(page_pressed, PairsPage.filter(), allowed)
    return router
