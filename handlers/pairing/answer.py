"""Members of a new pair or group accept it, or decline with a reason that goes to the curator."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms.fields import FieldError, text
from handlers.surveys.invite import invite_members
from handlers.system.cancel import cancel_button
from handlers.ui.notify import tell
from storage.clock import Clock
from storage.models.enums import MembershipStatus
from storage.models.orgs import Membership, Organization
from storage.models.programmes import Programme, ProgrammeMember
from storage.pairing.forming import respond
from storage.pairing.people import names, recipients
from storage.people.actor import Actor
from storage.surveys.questionnaires.model import Occasion

REASON = text(3, 500)


# The prefix predates the others of /pair: invitations wait in chats for days with this data,
# so it stays, and the buttons that once shared it moved instead.
class PairAnswer(CallbackData, prefix="pr_a"):
    programme_id: int
    accept: bool


class Declining(StatesGroup):
    reason = State()


async def _members(session: AsyncSession, programme_id: int) -> list[ProgrammeMember]:
    rows = await session.scalars(
        select(ProgrammeMember).where(ProgrammeMember.programme_id == programme_id)
    )
    return list(rows.all())


async def _description(session: AsyncSession, programme: Programme) -> str:
    members = await _members(session, programme.id)
    who = await names(session, [m.person_id for m in members])
    school = await session.get(Organization, programme.school_id)
    return proposal_text(
        school=school.name,
        is_group=programme.is_group,
        mentors=[who[m.person_id] for m in members if m.role == "mentor"],
        mentees=[who[m.person_id] for m in members if m.role == "mentee"],
        starts_on=programme.starts_on,
        planned_end_on=programme.planned_end_on,
        goals=programme.goals,
    )


def proposal_text(
    *,
    school: str,
    is_group: bool,
    mentors: list[str],
    mentees: list[str],
    starts_on: date,
    planned_end_on: date,
    goals: str,
) -> str:
    """The invitation into a new pair or group (also rendered from the outbox)."""
    heading = _("a mentoring group") if is_group else _("a mentoring pair")
    return _(
        "«{school}» invites you to {heading}.\nMentors: {mentors}\nMentees: {mentees}\n"
        "From {start} to {end}\nGoals: {goals}"
    ).format(
        school=escape(school),
        heading=heading,
        mentors=escape(", ".join(mentors)),
        mentees=escape(", ".join(mentees)),
        start=starts_on.strftime("%d.%m.%Y"),
        end=planned_end_on.strftime("%d.%m.%Y"),
        goals=escape(goals),
    )


def answer_buttons(programme_id: int) -> list[list[InlineKeyboardButton]]:
    return [
        [
            InlineKeyboardButton(
                text=_("✔ Accept"),
                callback_data=PairAnswer(programme_id=programme_id, accept=True).pack(),
            ),
            InlineKeyboardButton(
                text=_("✖ Decline"),
                callback_data=PairAnswer(programme_id=programme_id, accept=False).pack(),
            ),
        ]
    ]


async def ask_members(session: AsyncSession, programme_id: int, context: dict[str, Any]) -> None:
    programme = await session.get(Programme, programme_id)
    members = await _members(session, programme_id)
    description_by_locale: dict[str | None, str] = {}
    people = await recipients(session, [m.person_id for m in members])
    i18n: I18n = context["i18n"]
    for person in people:
        locale = person[2] or i18n.default_locale
        with i18n.use_locale(locale):
            description_by_locale[locale] = await _description(session, programme)

    def markup() -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(inline_keyboard=answer_buttons(programme_id))

    for person in people:
        locale = person[2] or i18n.default_locale
        await tell(
            context["bot"],
            i18n,
            [person],
            lambda locale=locale: description_by_locale[locale],
            markup,
        )


async def answer_pressed(
    query: CallbackQuery,
    callback_data: PairAnswer,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    i18n: I18n,
) -> None:
    programme = await session.get(Programme, callback_data.programme_id)
    member = await session.get(ProgrammeMember, (callback_data.programme_id, actor.person_id))
    if (
        programme is None
        or member is None
        or member.response != "pending"
        or programme.status != "proposed"
    ):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    statuses = set(
        (
            await session.scalars(
                select(Membership.status).where(
                    Membership.person_id == actor.person_id,
                    Membership.role == member.role,
                )
            )
        ).all()
    )
    if (
        MembershipStatus.active not in statuses
        and MembershipStatus.awaiting_guardian not in statuses
    ):
        # Deactivated by the curator meanwhile: the answer would start a programme without them.
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    if MembershipStatus.active not in statuses:
        await query.answer(
            _("Your curator must first record the consent of your parent or legal representative."),
            show_alert=True,
        )
        return
    await query.answer()
    if not callback_data.accept:
        # The invitation keeps its buttons: after ✖ Cancel the person may still accept.
        await state.set_state(Declining.reason)
        await state.set_data({"programme_id": programme.id})
        await query.message.answer(
            _("Please tell the curator why, in a few words:"),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button()]]),
        )
        return
    await state.clear()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
    await _answered(session, programme.id, actor, True, clock, bot, i18n, None)
    if isinstance(query.message, Message):
        await query.message.answer(_("Thank you! You have accepted."))


async def reason_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    i18n: I18n,
) -> None:
    try:
        reason = REASON(message.text or "", clock.now().date())
    except FieldError as error:
        await message.answer(str(error))
        return
    data = await state.get_data()
    await state.clear()
    if not await _answered(session, data["programme_id"], actor, False, clock, bot, i18n, reason):
        await message.answer(_("This button is no longer active."))
        return
    await message.answer(_("Your answer is sent to the curator."))


async def _answered(
    session: AsyncSession,
    programme_id: int,
    actor: Actor,
    accept: bool,
    clock: Clock,
    bot: Bot,
    i18n: I18n,
    reason: str | None,
) -> bool:
    programme = await respond(session, programme_id, actor.person_id, accept, clock.now(), reason)
    if programme is None:
        return False
    name = actor.full_name or "—"
    if programme.status == "declined":
        curator = await recipients(session, [programme.created_by] if programme.created_by else [])
        await tell(
            bot,
            i18n,
            curator,
            lambda: _("{name} declined the proposed programme: {reason}").format(
                name=escape(name), reason=escape(reason or "")
            ),
        )
    elif programme.status == "active":
        members = [m.person_id for m in await _members(session, programme_id)]
        everyone = await recipients(
            session, [*members, *([programme.created_by] if programme.created_by else [])]
        )
        await tell(
            bot,
            i18n,
            everyone,
            lambda: _(
                "Everyone has accepted: the programme is active. "
                "The mentor fills in the plan with /programme."
            ),
        )
        await invite_members(session, bot, i18n, programme, Occasion.entry)
    return True


def build_router() -> Router:
    router = Router(name="pairing_answer")
    router.callback_query.register(answer_pressed, PairAnswer.filter())
    router.message.register(reason_typed, Declining.reason, ~F.text.startswith("/"))
    return router
