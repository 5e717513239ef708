"""What the /catalogue modules share: callback data, the coordinator's scope, small helpers.

Every callback carries the municipality id, and every handler checks it against the
coordinator's scope again, so a forged callback cannot touch another municipality.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms.fields import Field, text
from handlers.ui.screens import replace_screen
from storage.catalogue.entries import Entry, EntryKind, find_entry
from storage.models.enums import OrgLevel, Role
from storage.models.orgs import Organization
from storage.orgs.scope import descendants
from storage.people.actor import Actor

NAME = Field("name", __("Name"), __("Name"), parse=text(2, 200))
CHOOSE = 0  # municipality_id of CatOpen that asks which municipality to open


class CatOpen(CallbackData, prefix="cat_o"):
    municipality_id: int
    page: int = 0  # of the list of municipalities (CHOOSE)


class CatList(CallbackData, prefix="cat_l"):
    municipality_id: int
    kind: EntryKind


class CatEntry(CallbackData, prefix="cat_e"):
    municipality_id: int
    entry_id: int
    action: str = "menu"  # menu, rename, hide, show


class CatAdd(CallbackData, prefix="cat_a"):
    municipality_id: int
    kind: EntryKind
    form_id: int = 0  # a role model's form; 0 until it is chosen


class CatCross(CallbackData, prefix="cat_c"):
    municipality_id: int
    allowed: bool  # the wanted state, so a repeated tap changes nothing


def button(label: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=label, callback_data=data.pack())


def markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=rows)


def short(name: str, limit: int = 60) -> str:
    # Button labels get cut by clients anyway; a 200-character name would hide the mark.
    return name if len(name) <= limit else name[: limit - 1] + "…"


def kind_title(kind: EntryKind) -> str:
    return {
        EntryKind.form: _("form of mentoring"),
        EntryKind.role_model: _("role model"),
        EntryKind.mentoring_kind: _("kind of mentoring"),
    }[kind]


async def municipalities(session: AsyncSession, actor: Actor) -> list[Organization]:
    """Municipalities whose catalogue the actor keeps: their own, or every one of their region."""
    scope = await descendants(session, actor.org_ids(Role.coordinator))
    if not scope:
        return []
    query = (
        select(Organization)
        .where(Organization.level == OrgLevel.municipality, Organization.id.in_(scope))
        .order_by(Organization.name)
    )
    return list((await session.scalars(query)).all())


async def municipality_in_scope(
    session: AsyncSession, actor: Actor, municipality_id: int
) -> Organization | None:
    return next((m for m in await municipalities(session, actor) if m.id == municipality_id), None)


async def checked_municipality(
    query: CallbackQuery, session: AsyncSession, actor: Actor, municipality_id: int
) -> Organization | None:
    """The municipality, or None after telling the person it is not theirs."""
    found = await municipality_in_scope(session, actor, municipality_id)
    if found is None:
        await query.answer(_("This municipality is not in your scope."), show_alert=True)
    return found


async def checked_entry(
    query: CallbackQuery,
    session: AsyncSession,
    municipality_id: int,
    entry_id: int,
    kind: EntryKind | None = None,
) -> Entry | None:
    """The entry as this municipality sees it; another municipality's own entry is refused."""
    found = await find_entry(session, municipality_id, entry_id, kind)
    if found is None:
        await query.answer(_("This entry is not in the municipality's catalogue."), show_alert=True)
    return found


async def show(query: CallbackQuery, text_: str, keyboard: InlineKeyboardMarkup) -> None:
    """Replace the screen in place; a repeated tap that changes nothing is not an error."""
    if isinstance(query.message, Message):
        await replace_screen(query.message, text_, keyboard)
