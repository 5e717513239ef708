"""What /people's screens for coordinators share: callback data, the scope check, the list
position, and how a role and its history read.

A municipal coordinator keeps the curators of the municipality's schools, a regional one
also the municipal coordinators of the region, the administrator everyone
(handlers/access.py, `orgs_below`). Every membership id that comes back is checked again.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import orgs_below
from handlers.ui.labels import role_title, status_title
from storage.models.enums import MembershipStatus
from storage.people.actor import Actor
from storage.people.staff import REPLACEMENT_INVITED, RoleChange, StaffMember, staff_member

PAGE_SIZE = 10
LIST_KEY = "staff_list"  # FSM data: the list page the card was opened from
SEARCH_KEY = "staff_search"  # FSM data: what the list is narrowed to


class StaffFilter(StrEnum):
    all = "all"
    deactivated = "off"


FILTER_STATUS = {StaffFilter.all: None, StaffFilter.deactivated: MembershipStatus.deactivated}


class StaffPage(CallbackData, prefix="sf_l"):
    view: StaffFilter = StaffFilter.all
    page: int = 0


class StaffCard(CallbackData, prefix="sf_c"):
    membership_id: int


class StaffStatus(CallbackData, prefix="sf_s"):
    membership_id: int
    status: MembershipStatus  # the status asked for
    confirmed: bool = False


class StaffInvite(CallbackData, prefix="sf_i"):
    membership_id: int


class StaffSearch(CallbackData, prefix="sf_q"):
    clear: bool = False


class StaffSearching(StatesGroup):
    text = State()


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


async def checked_member(
    query: CallbackQuery, session: AsyncSession, actor: Actor, membership_id: int
) -> StaffMember | None:
    """The role if it is a curator's or coordinator's in the actor's care; else the tap is
    answered with a refusal and None comes back."""
    found = await staff_member(session, await orgs_below(session, actor), membership_id)
    if found is None:
        await query.answer(_("This person is not in your care."), show_alert=True)
    return found


def display_name(member: StaffMember) -> str:
    return member.person.full_name or _("(name erased)")


def role_line(member: StaffMember) -> str:
    """«curator of «School» (Municipality)»."""
    text = _("{role} of «{org}»").format(
        role=role_title(member.membership.role), org=escape(member.org.name)
    )
    if member.parent is not None:
        text += f" ({escape(member.parent.name)})"
    return text


def change_line(change: RoleChange) -> str:
    if change.action == REPLACEMENT_INVITED:
        return _("a replacement invited")
    old, new = change.changes.get("status", [None, None])
    return _("{old} → {new}").format(
        old=status_title(old) if old else "—", new=status_title(new) if new else "—"
    )


async def remember_position(state: FSMContext, page: StaffPage) -> None:
    await state.update_data({LIST_KEY: page.pack()})


async def list_position(state: FSMContext) -> StaffPage:
    packed = (await state.get_data()).get(LIST_KEY)
    if packed:
        try:
            return StaffPage.unpack(packed)
        except (TypeError, ValueError):
            pass
    return StaffPage()
