"""What the /programme screens share: callback data, who may do what, dates.

Every programme id that comes back in callback data or FSM data goes through
`programme_access` again, so a forged id or a role lost in the meantime is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms.fields import FieldError, Parser
from storage.clock import Clock
from storage.models.enums import MembershipStatus, Role
from storage.models.programmes import Programme, ProgrammeMember
from storage.orgs.scope import effective_timezone
from storage.pairing.cross_school import schools_for_pairs
from storage.people.actor import Actor
from storage.programmes.content import SHOWN_STATUSES
from storage.settings import Settings

INPUT_KEY = "programme_input"  # FSM data of a typed answer under way


class ProgrammeList(CallbackData, prefix="pg_l"):
    page: int = 0


class ProgrammeOpen(CallbackData, prefix="pg_o"):
    programme_id: int


class ProgrammeAction(CallbackData, prefix="pg_a"):
    programme_id: int
    # goals, tasks, intermediate_results, planned_results, stage, plan_add, plan_status,
    # comment, close
    action: str


class StageChosen(CallbackData, prefix="pg_s"):
    programme_id: int
    stage: str


class ItemChosen(CallbackData, prefix="pg_i"):
    programme_id: int
    item_id: int
    status: str = ""  # empty: show the statuses to choose from


class InputButton(CallbackData, prefix="pg_n"):
    action: str  # nodate (a plan item without a due date)


class ProgrammeInput(StatesGroup):
    text = State()  # goals, tasks, results, or a comment
    plan_title = State()
    plan_due = State()


@dataclass(frozen=True)
class Access:
    programme: Programme
    role: str | None  # mentor or mentee when the actor is a member
    curator: bool
    silent: bool  # awaiting the guardian's consent: the bot takes nothing from them

    @property
    def active(self) -> bool:
        return self.programme.status == "active"

    @property
    def edits(self) -> bool:
        return self.active and self.role == "mentor" and not self.silent

    @property
    def comments(self) -> bool:
        return self.active and self.role == "mentee" and not self.silent

    @property
    def closes(self) -> bool:
        return self.active and (self.edits or self.curator)


async def programme_access(session: AsyncSession, actor: Actor, programme_id: int) -> Access | None:
    """What the actor may do with the programme; None when they may not even see it."""
    programme = await session.get(Programme, programme_id)
    if programme is None or programme.status not in SHOWN_STATUSES:
        return None
    member = await session.get(ProgrammeMember, (programme_id, actor.person_id))
    role = None
    if member is not None:
        # The role must be held in the programme's school (a mentor also in a school of the
        # municipality when pairs across schools are allowed), not merely somewhere.
        schools = {programme.school_id}
        if member.role == Role.mentor:
            schools = await schools_for_pairs(session, programme.school_id) or schools
        if actor.org_ids(Role(member.role)) & schools:
            role = member.role
    curator = programme.school_id in actor.org_ids(Role.curator)
    if role is None and not curator:
        return None
    silent = any(
        g.status == MembershipStatus.awaiting_guardian and g.organization_id == programme.school_id
        for g in actor.grants
    )
    return Access(programme, role, curator, silent)


async def checked(
    query: CallbackQuery, session: AsyncSession, actor: Actor, programme_id: int, need: str = ""
) -> Access | None:
    """The access if it allows `need` (edits, comments, closes, or just reading); otherwise the
    alert says why and None is returned."""
    access = await programme_access(session, actor, programme_id)
    if access is None:
        await query.answer(_("This programme is not available to you."), show_alert=True)
        return None
    if need and not getattr(access, need):
        await query.answer(refusal(access), show_alert=True)
        return None
    return access


def refusal(access: Access) -> str:
    if not access.active:
        return _("The programme is closed; it can no longer be changed.")
    if access.silent:
        return _("This is possible after your guardian's consent is recorded.")
    return _("Only the programme's mentor can change it; a mentee can comment.")


def button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())


def show_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def date_parser(earliest: date, latest: date) -> Parser:
    """DD.MM.YYYY between `earliest` and `latest` inclusive (the form engine's parser shape)."""

    def parse(raw: str, _today: date) -> str:
        found = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", raw.strip())
        try:
            value = date(int(found[3]), int(found[2]), int(found[1])) if found else None
        except ValueError:
            value = None
        if value is None or not earliest <= value <= latest:
            raise FieldError(
                _("Expected a date as DD.MM.YYYY from {earliest} to {latest}.").format(
                    earliest=show_date(earliest), latest=show_date(latest)
                )
            )
        # ISO text: FSM data must survive JSON storage.
        return value.isoformat()

    return parse


async def school_today(
    session: AsyncSession, settings: Settings, clock: Clock, school_id: int
) -> date:
    """Today in the school's time zone: in Surgut a new day starts two hours before Moscow."""
    zone = await effective_timezone(session, school_id, settings.default_timezone)
    return clock.now().astimezone(ZoneInfo(zone)).date()
