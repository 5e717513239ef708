"""What /summary, /export, /chart and /report share: whose figures, and the day they are for.

A curator reports on their school(s), a coordinator on the municipality or region they
coordinate. Every callback carries an organisation id, and each handler checks it against
the actor's own organisations again, so a forged id of another school is refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.campaigns.common import local_today
from handlers.ui.paging import paged
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.models.enums import Role
from storage.models.orgs import Organization
from storage.people.actor import Actor
from storage.settings import Settings


class RepOpen(CallbackData, prefix="rp_o"):
    cmd: str  # summary | export | chart | report
    org: int
    page: int = -1  # -1: chosen from the list (a new message); else a page of /summary


class RepPick(CallbackData, prefix="rp_p"):
    """A page of the list of organisations to report on."""

    cmd: str
    page: int


def button(label: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=label, callback_data=data.pack())


def markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def report_orgs(session: AsyncSession, actor: Actor) -> list[Organization]:
    """The curator's schools and the coordinator's municipalities or regions, by name."""
    ids = actor.org_ids(Role.curator) | actor.org_ids(Role.coordinator)
    if not ids:
        return []
    rows = await session.scalars(
        select(Organization).where(Organization.id.in_(ids)).order_by(Organization.name)
    )
    return list(rows.all())


async def org_in_scope(
    query: CallbackQuery, session: AsyncSession, actor: Actor, org_id: int
) -> Organization | None:
    found = next((o for o in await report_orgs(session, actor) if o.id == org_id), None)
    if found is None:
        await query.answer(_("This organisation is not in your scope."), show_alert=True)
    return found


async def ask_or_pick(
    message: Message, session: AsyncSession, actor: Actor, cmd: str
) -> Organization | None:
    """The only organisation of the actor, or None after offering a choice."""
    found = await report_orgs(session, actor)
    if not found:
        await message.answer(_("There are no schools or municipalities in your scope yet."))
        return None
    if len(found) == 1:
        return found[0]
    await message.answer(_("Which organisation?"), reply_markup=markup(choices(found, cmd, 0)))
    return None


def choices(found: list[Organization], cmd: str, page: int) -> list[list[InlineKeyboardButton]]:
    return paged(
        [button(o.name, RepOpen(cmd=cmd, org=o.id)) for o in found],
        page,
        lambda p: RepPick(cmd=cmd, page=p),
    )


async def pick_page_pressed(
    query: CallbackQuery, callback_data: RepPick, session: AsyncSession, actor: Actor
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        found = await report_orgs(session, actor)
        keyboard = markup(choices(found, callback_data.cmd, callback_data.page))
        await replace_screen(query.message, _("Which organisation?"), keyboard)


async def report_day(
    session: AsyncSession, settings: Settings, clock: Clock, org: Organization
) -> date:
    """Today in the organisation's time zone."""
    return await local_today(session, settings, clock, org.id)


def file_stem(org: Organization, today: date) -> str:
    return f"{org.id}-{today.isoformat()}"


Send = Callable[[Message, AsyncSession, Settings, Clock, Organization], Awaitable[None]]


def report_router(command: str, send: Send) -> Router:
    """/export, /chart and /report work alike: the command asks which organisation when the
    person has several (or goes straight to the one), the button re-checks the scope."""

    async def requested(
        message: Message, session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
    ) -> None:
        org = await ask_or_pick(message, session, actor, command)
        if org is not None:
            await send(message, session, settings, clock, org)

    async def pressed(
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
        await send(query.message, session, settings, clock, org)

    router = Router(name=command)
    allowed = Allowed(command)
    router.message.register(requested, Command(command), allowed)
    router.callback_query.register(pressed, RepOpen.filter(F.cmd == command), allowed)
    router.callback_query.register(pick_page_pressed, RepPick.filter(F.cmd == command), allowed)
    return router
