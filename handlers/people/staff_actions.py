"""A curator's or coordinator's role, acted on by the level above: deactivate (after a
confirmation that warns when they are the last active one of their organisation),
activate, and invite a replacement through /invite's own invitations.

Each change is kept in the role's audit trail (storage/people/memberships.py,
storage/people/staff.py) and applied only from the status it expects, so a double tap changes
it once.
"""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed, can_invite
from handlers.invitations import invitation_text
from handlers.people.staff import last_one_warning, render_card
from handlers.people.staff_common import (
    StaffCard,
    StaffInvite,
    StaffStatus,
    button,
    checked_member,
    display_name,
    role_line,
)
from handlers.people.status import tell_person
from handlers.ui.labels import role_title, status_title
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.models.enums import MembershipStatus, Role
from storage.people.actor import Actor
from storage.people.memberships import set_status
from storage.people.staff import StaffMember, other_active_holders, replacement_invitation
from storage.settings import Settings


async def _redraw(
    message: Message,
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    member: StaffMember,
    state: FSMContext,
) -> None:
    await session.refresh(member.membership)
    text, markup = await render_card(session, settings, actor, member, state)
    await replace_screen(message, text, markup)


async def _ask_deactivation(message: Message, session: AsyncSession, member: StaffMember) -> None:
    membership = member.membership
    lines = [
        _(
            "Deactivate {name} as {role}? They lose this role's commands until someone "
            "activates it again; nothing about them is deleted."
        ).format(name=escape(display_name(member)), role=role_line(member))
    ]
    rows = [
        [
            button(
                _("✔ Deactivate"),
                StaffStatus(
                    membership_id=membership.id,
                    status=MembershipStatus.deactivated,
                    confirmed=True,
                ),
            )
        ]
    ]
    if not await other_active_holders(session, membership):
        lines += ["", last_one_warning(member), _("Invite a replacement first, or right after.")]
        rows.append([button(_("✉ Invite a replacement"), StaffInvite(membership_id=membership.id))])
    rows.append([button(_("✖ No, back to the card"), StaffCard(membership_id=membership.id))])
    await replace_screen(message, "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows))


def _told(member: StaffMember, actor: Actor, active: bool) -> str:
    role = _("{role} of «{org}»").format(
        role=role_title(member.membership.role), org=escape(member.org.name)
    )
    if active:
        return _("Your role is active again: {role}. Send /help to see your commands.").format(
            role=role
        )
    return _(
        "Your role has been deactivated: {role}. It was done by {who}; if this is a mistake, "
        "please write to them."
    ).format(role=role, who=escape(actor.full_name or _("the administrator")))


async def status_pressed(
    query: CallbackQuery,
    callback_data: StaffStatus,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    member = await checked_member(query, session, actor, callback_data.membership_id)
    message = query.message
    if member is None or not isinstance(message, Message):
        return
    membership, wanted = member.membership, callback_data.status
    if membership.person_id == actor.person_id:
        await query.answer(_("Your own roles are changed by the level above you."), show_alert=True)
        return
    if wanted == MembershipStatus.deactivated:
        if not callback_data.confirmed:
            await query.answer()
            await _ask_deactivation(message, session, member)
            return
        expected = MembershipStatus.active
    elif wanted == MembershipStatus.active:
        if member.person.erased_at is not None:
            await query.answer(
                _("This person has erased their data; they can return only by a new invitation."),
                show_alert=True,
            )
            return
        expected = MembershipStatus.deactivated
    else:  # awaiting_guardian is set by the rules only, never by hand
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    changed = await set_status(
        session, membership.id, wanted, actor.person_id, clock.now(), expected=expected
    )
    if not changed and membership.status != wanted:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    # Unchanged but already as asked: the second tap of a double tap, or a colleague first.
    await query.answer(_("Saved."))
    await _redraw(message, session, settings, actor, member, state)
    if changed:
        with i18n.use_locale(member.person.locale or settings.default_locale):
            text = _told(member, actor, wanted == MembershipStatus.active)
        await tell_person(bot, i18n, session, settings, clock, member.person, text)


async def invite_pressed(
    query: CallbackQuery,
    callback_data: StaffInvite,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    member = await checked_member(query, session, actor, callback_data.membership_id)
    message = query.message
    if member is None or not isinstance(message, Message):
        return
    membership = member.membership
    # /invite's own rule: who may invite into which role where.
    if not await can_invite(session, actor, Role(membership.role), membership.organization_id):
        await query.answer(_("You cannot invite into this organisation."), show_alert=True)
        return
    invitation = await replacement_invitation(
        session, membership, actor.person_id, actor.telegram_id, clock.now()
    )
    text = await invitation_text(bot, session, settings, invitation, member.org)
    text += "\n\n" + _(
        "It replaces {name}, who stays {status} until you change that on their card."
    ).format(
        name=escape(display_name(member)),
        status=status_title(membership.status),
    )
    await query.answer()
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[button(_("◀ Back to the card"), StaffCard(membership_id=membership.id))]]
    )
    await replace_screen(message, text, markup)


def build_router() -> Router:
    router = Router(name="people_staff_actions")
    allowed = Allowed("people")
    router.callback_query.register(status_pressed, StaffStatus.filter(), allowed)
    router.callback_query.register(invite_pressed, StaffInvite.filter(), allowed)
    return router
