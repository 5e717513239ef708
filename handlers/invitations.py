"""/invite: a deep link bound to a role and an organisation; the inviter's list and revocation."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed, can_invite, invitable_roles, invite_targets
from handlers.ui.dates import zoned_datetime
from handlers.ui.labels import role_title
from handlers.ui.paging import paged
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.models.enums import Role
from storage.models.orgs import Invitation, Organization
from storage.orgs.scope import effective_timezone
from storage.people.actor import Actor
from storage.people.invitations import create_invitation, invitation_users, revoke_invitation
from storage.settings import Settings

USE_LIMITS = (1, 5, 30, 100)
LIST_LIMIT = 10


class InviteRole(CallbackData, prefix="inv_r"):
    role: Role
    page: int = 0  # of the organisations to choose from


class InviteOrg(CallbackData, prefix="inv_o"):
    role: Role
    org_id: int


class InviteUses(CallbackData, prefix="inv_u"):
    role: Role
    org_id: int
    uses: int


class InviteAction(CallbackData, prefix="inv_a"):
    action: str  # list, users, revoke
    invitation_id: int = 0


def _button(text: str, data: CallbackData) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text=text, callback_data=data.pack())]


async def invite_requested(message: Message, session: AsyncSession, actor: Actor) -> None:
    rows = []
    for role in invitable_roles(actor):
        if await invite_targets(session, actor, role):
            rows.append(
                _button(_("Invite a {role}").format(role=role_title(role)), InviteRole(role=role))
            )
    rows.append(_button(_("📋 My invitations"), InviteAction(action="list")))
    text = (
        _("Whom do you want to invite?")
        if len(rows) > 1
        else _("There is no organisation where you can invite anyone yet.")
    )
    await message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def role_chosen(
    query: CallbackQuery, callback_data: InviteRole, session: AsyncSession, actor: Actor
) -> None:
    targets = await invite_targets(session, actor, callback_data.role)
    if callback_data.role not in invitable_roles(actor) or not targets:
        await query.answer(_("You cannot invite into this role."), show_alert=True)
        return
    await query.answer()
    if len(targets) == 1:
        await _ask_uses(query, callback_data.role, targets[0])
        return
    role = callback_data.role
    rows = paged(
        [
            InlineKeyboardButton(
                text=org.name, callback_data=InviteOrg(role=role, org_id=org.id).pack()
            )
            for org in targets
        ],
        callback_data.page,
        lambda page: InviteRole(role=role, page=page),
    )
    assert isinstance(query.message, Message)
    await replace_screen(
        query.message,
        _("Where will the {role} work?").format(role=role_title(role)),
        InlineKeyboardMarkup(inline_keyboard=rows),
    )


async def org_chosen(
    query: CallbackQuery, callback_data: InviteOrg, session: AsyncSession, actor: Actor
) -> None:
    if not await can_invite(session, actor, callback_data.role, callback_data.org_id):
        await query.answer(_("You cannot invite into this organisation."), show_alert=True)
        return
    org = await session.get(Organization, callback_data.org_id)
    await query.answer()
    await _ask_uses(query, callback_data.role, org)


async def _ask_uses(query: CallbackQuery, role: Role, org: Organization) -> None:
    buttons = [
        InlineKeyboardButton(
            text=str(n), callback_data=InviteUses(role=role, org_id=org.id, uses=n).pack()
        )
        for n in USE_LIMITS
    ]
    assert isinstance(query.message, Message)
    await query.message.edit_text(
        _("How many people may use the link for {role} of «{org}»?").format(
            role=role_title(role), org=escape(org.name)
        ),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[buttons]),
    )


async def uses_chosen(
    query: CallbackQuery,
    callback_data: InviteUses,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    bot: Bot,
) -> None:
    if callback_data.uses not in USE_LIMITS or not await can_invite(
        session, actor, callback_data.role, callback_data.org_id
    ):
        await query.answer(_("You cannot invite into this organisation."), show_alert=True)
        return
    invitation = await create_invitation(
        session,
        role=callback_data.role,
        organization_id=callback_data.org_id,
        created_by=actor.person_id,
        created_by_telegram_id=actor.telegram_id,
        now=clock.now(),
        max_uses=callback_data.uses,
    )
    org = await session.get(Organization, callback_data.org_id)
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.edit_text(
        await invitation_text(bot, session, settings, invitation, org),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                _button(_("Withdraw"), InviteAction(action="revoke", invitation_id=invitation.id))
            ]
        ),
    )


async def invitation_text(
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
    invitation: Invitation,
    org: Organization,
) -> str:
    """The link and its terms, as the inviter forwards it (also /people's replacements);
    the expiry in the organisation's own zone, named."""
    zone = await effective_timezone(session, org.id, settings.default_timezone)
    me = await bot.me()
    link = f"https://t.me/{me.username}?start={invitation.code}"
    return _(
        "Invitation for {role} of «{org}»:\n{link}\n\n"
        "Valid until {expires}; can be used {uses} time(s). Send it to the person; "
        "you will be told when someone registers with it."
    ).format(
        role=role_title(invitation.role),
        org=escape(org.name),
        link=link,
        expires=zoned_datetime(invitation.expires_at, zone),
        uses=invitation.max_uses,
    )


async def invitations_listed(
    query: CallbackQuery, session: AsyncSession, actor: Actor, clock: Clock, settings: Settings
) -> None:
    rows = await session.execute(
        select(Invitation, Organization.name)
        .join(Organization, Organization.id == Invitation.organization_id)
        .where(Invitation.created_by == actor.person_id)
        .order_by(Invitation.id.desc())
        .limit(LIST_LIMIT)
    )
    now = clock.now()
    lines, buttons = [], []
    for number, (invitation, org_name) in enumerate(rows.all(), 1):
        if invitation.revoked_at is not None:
            state = _("withdrawn")
        elif invitation.expires_at <= now:
            state = _("expired")
        else:
            zone = await effective_timezone(
                session, invitation.organization_id, settings.default_timezone
            )
            state = _("valid until {date}").format(date=zoned_datetime(invitation.expires_at, zone))
        lines.append(
            _("{n}. {role}, «{org}»: used {uses} of {max}, {state}").format(
                n=number,
                role=role_title(invitation.role),
                org=escape(org_name),
                uses=invitation.uses,
                max=invitation.max_uses,
                state=state,
            )
        )
        row = []
        if invitation.uses:
            row.append(
                InlineKeyboardButton(
                    text=_("{n}: who used it").format(n=number),
                    callback_data=InviteAction(action="users", invitation_id=invitation.id).pack(),
                )
            )
        if invitation.revoked_at is None and invitation.expires_at > now:
            row.append(
                InlineKeyboardButton(
                    text=_("{n}: withdraw").format(n=number),
                    callback_data=InviteAction(action="revoke", invitation_id=invitation.id).pack(),
                )
            )
        if row:
            buttons.append(row)
    await query.answer()
    assert isinstance(query.message, Message)
    text = "\n".join(lines) if lines else _("You have not created any invitations yet.")
    await query.message.answer(text, reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons))


async def _own_invitation(
    session: AsyncSession, actor: Actor, invitation_id: int
) -> Invitation | None:
    invitation = await session.get(Invitation, invitation_id)
    if invitation is None or (invitation.created_by != actor.person_id and not actor.is_admin):
        return None
    return invitation


async def invitation_revoked(
    query: CallbackQuery,
    callback_data: InviteAction,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    invitation = await _own_invitation(session, actor, callback_data.invitation_id)
    if invitation is None:
        await query.answer(_("This invitation is not yours."), show_alert=True)
        return
    await revoke_invitation(session, invitation.id, clock.now())
    await query.answer(_("The invitation is withdrawn; the link no longer works."), show_alert=True)
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)


async def invitation_users_shown(
    query: CallbackQuery,
    callback_data: InviteAction,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
) -> None:
    invitation = await _own_invitation(session, actor, callback_data.invitation_id)
    if invitation is None:
        await query.answer(_("This invitation is not yours."), show_alert=True)
        return
    users = await invitation_users(session, invitation.id)
    erased = _("(name erased)")
    zone = await effective_timezone(session, invitation.organization_id, settings.default_timezone)
    lines = [
        f"• {escape(name or erased)} — {zoned_datetime(used_at, zone)}" for name, used_at in users
    ]
    await query.answer()
    assert isinstance(query.message, Message)
    await query.message.answer(
        _("Registered with this invitation:") + "\n" + ("\n".join(lines) or "—")
    )


def build_router() -> Router:
    router = Router(name="invite")
    allowed = Allowed("invite")
    router.message.register(invite_requested, Command("invite"), allowed)
    router.callback_query.register(role_chosen, InviteRole.filter(), allowed)
    router.callback_query.register(org_chosen, InviteOrg.filter(), allowed)
    router.callback_query.register(uses_chosen, InviteUses.filter(), allowed)
    router.callback_query.register(
        invitations_listed, InviteAction.filter(F.action == "list"), allowed
    )
    router.callback_query.register(
        invitation_revoked, InviteAction.filter(F.action == "revoke"), allowed
    )
    router.callback_query.register(
        invitation_users_shown, InviteAction.filter(F.action == "users"), allowed
    )
    return router
