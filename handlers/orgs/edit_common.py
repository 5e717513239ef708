"""What the screens that change an organisation share: callback data, states, the scope check.

Who may change what (handlers/access.py, `orgs_below`): the administrator every organisation, a
regional coordinator the municipalities and schools of the region, a municipal coordinator
the schools of the municipality. Every id that comes back in callback data is checked again.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import orgs_below, within
from handlers.forms.fields import Field
from handlers.orgs.fields import KIND, NAME, ZONE, ZONE_OR_INHERIT
from storage.models.enums import OrgLevel
from storage.models.orgs import Organization
from storage.people.actor import Actor

EDIT_KEY = "org_edit"  # FSM data: the change under way
DONE_KEY = "org_edit_done"  # FSM data: the key of the change last saved, for a repeated tap


class OrgView(CallbackData, prefix="oe_v"):
    org_id: int = 0  # 0: the organisations the actor may change, from the top
    page: int = 0  # of the organisations listed under it


class OrgField(CallbackData, prefix="oe_f"):
    org_id: int
    field: str  # name, school_kind, timezone


class OrgValue(CallbackData, prefix="oe_p"):
    value: str  # a choice of the field being changed


class OrgConfirm(CallbackData, prefix="oe_k"):
    key: str  # the proposed change's key: a repeated tap finds it saved


class OrgEditing(StatesGroup):
    value = State()
    confirming = State()


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def editable_fields(org: Organization) -> list[Field]:
    """The fields of an organisation of this level, as they are asked."""
    if org.level == OrgLevel.region:
        return [NAME, ZONE]
    if org.level == OrgLevel.municipality:
        return [NAME, ZONE_OR_INHERIT]
    return [NAME, KIND, ZONE_OR_INHERIT]


def field_of(org: Organization, key: str) -> Field | None:
    return next((f for f in editable_fields(org) if f.key == key), None)


async def org_in_care(
    session: AsyncSession, actor: Actor, org_id: int, query: CallbackQuery | None = None
) -> Organization | None:
    """The organisation if the actor may change it; else None (and the tap is answered)."""
    org = await session.get(Organization, org_id) if org_id else None
    if org is not None and within(await orgs_below(session, actor), org.id):
        return org
    if query is not None:
        await query.answer(_("This organisation is not yours to change."), show_alert=True)
    return None
