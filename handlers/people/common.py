"""What the /people screens share: their callback data, the scope check, the list position."""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.enums import MembershipStatus, Role
from storage.people.actor import Actor
from storage.people.admin import Participant, participant

PAGE_SIZE = 10
LIST_POSITION_KEY = "people_list"


class PeopleFilter(StrEnum):
    all = "all"
    awaiting = "aw"
    deactivated = "off"


FILTER_STATUS = {
    PeopleFilter.all: None,
    PeopleFilter.awaiting: MembershipStatus.awaiting_guardian,
    PeopleFilter.deactivated: MembershipStatus.deactivated,
}


class SchoolChosen(CallbackData, prefix="pp_s"):
    school_id: int


class PeoplePage(CallbackData, prefix="pp_l"):
    school_id: int
    view: PeopleFilter = PeopleFilter.all  # not "filter": that would hide CallbackData.filter()
    page: int = 0


class CardOpened(CallbackData, prefix="pp_c"):
    school_id: int
    person_id: int


class GuardianConsent(CallbackData, prefix="pp_g"):
    school_id: int
    person_id: int
    confirmed: bool = False


class StatusChange(CallbackData, prefix="pp_m"):
    school_id: int
    person_id: int
    membership_id: int
    status: MembershipStatus  # the status asked for
    confirmed: bool = False


class FieldMenu(CallbackData, prefix="pp_e"):
    school_id: int
    person_id: int


class FieldChosen(CallbackData, prefix="pp_f"):
    school_id: int
    person_id: int
    target: str  # "name", or the role whose profile holds the field
    key: str


class FieldValue(CallbackData, prefix="pp_v"):
    action: str  # pick, toggle, done, clear
    value: str = ""


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def curated_schools(actor: Actor) -> set[int]:
    return actor.org_ids(Role.curator)


async def checked_participant(
    query: CallbackQuery, session: AsyncSession, actor: Actor, school_id: int, person_id: int
) -> Participant | None:
    """The person if both the school is the actor's and the person belongs to it.

    Ids in callback data can be forged; on refusal the alert is already answered.
    """
    if school_id in curated_schools(actor):
        found = await participant(session, school_id, person_id)
        if found is not None:
            return found
    await query.answer(_("This person is not in your school."), show_alert=True)
    return None


async def remember_position(state: FSMContext, page: PeoplePage) -> None:
    # The card is reached from a list page; "back" should return there, not to page one.
    await state.update_data({LIST_POSITION_KEY: page.pack()})


async def list_position(state: FSMContext, school_id: int) -> PeoplePage:
    packed = (await state.get_data()).get(LIST_POSITION_KEY)
    if packed:
        try:
            page = PeoplePage.unpack(packed)
        except (TypeError, ValueError):
            page = None
        if page is not None and page.school_id == school_id:
            return page
    return PeoplePage(school_id=school_id)


def display_name(name: str | None) -> str:
    return name or _("(name erased)")
