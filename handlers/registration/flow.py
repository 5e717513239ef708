"""Registration through an invitation link: /start CODE → consent → the role's form → saved."""

from __future__ import annotations

import logging
import re
from html import escape
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.commands import set_personal_commands
from handlers.forms.engine import start_form
from handlers.registration.forms import FORM_BY_ROLE
from handlers.ui.labels import role_title
from handlers.ui.notify import tell
from storage.clock import Clock
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Organization
from storage.people.actor import Actor, load_actor
from storage.people.invitations import InvitationProblem, check_invitation
from storage.people.lookup import find_person
from storage.people.memberships import find_membership
from storage.people.registration import (
    CONSENT_VERSION,
    InvitationTaken,
    has_consent,
    record_consent,
    save_registration,
)
from storage.settings import Settings

log = logging.getLogger(__name__)
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")


class Consenting(StatesGroup):
    reading = State()


class ConsentAnswer(CallbackData, prefix="consent"):
    agree: bool


def problem_text(problem: InvitationProblem) -> str:
    return {
        InvitationProblem.unknown: _(
            "This invitation link is not valid. Check that you opened the whole link, "
            "or ask the person who invited you for a new one."
        ),
        InvitationProblem.expired: _(
            "This invitation has expired. Ask the person who invited you for a new link."
        ),
        InvitationProblem.revoked: _(
            "This invitation was withdrawn. Ask the person who invited you for a new link."
        ),
        InvitationProblem.used_up: _(
            "This invitation has already been used as many times as allowed. "
            "Ask the person who invited you for a new link."
        ),
        InvitationProblem.already_used_by_you: _("You have already registered with this link."),
    }[problem]


def consent_text(org_name: str) -> str:
    return _(
        "<b>Consent to the processing of personal data</b> (version {version})\n\n"
        "To take part in the mentoring programme of «{org}» I agree that the organisation and "
        "the operator of this bot process my personal data — full name, year of birth, place of "
        "work or study, and information about my part in the programme (meetings, plans, "
        "questionnaire answers) — in order to keep the registers of mentors and mentees and to "
        "monitor the programme, in accordance with Federal Law No. 152-FZ «On personal data».\n\n"
        "The consent is valid until I withdraw it; I can see my data with /mydata and withdraw "
        "the consent and erase my data with /forget.\n\n"
        "If you do not agree, nothing about you is stored."
    ).format(version=CONSENT_VERSION, org=escape(org_name))


async def invitation_opened(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    code = (command.args or "").strip()
    if not CODE_PATTERN.fullmatch(code):
        await message.answer(problem_text(InvitationProblem.unknown))
        return
    check = await check_invitation(session, code, actor.person_id, clock.now())
    if check.problem is not None or check.invitation is None:
        await message.answer(problem_text(check.problem or InvitationProblem.unknown))
        return
    invitation = check.invitation
    org = await session.get(Organization, invitation.organization_id)
    role = Role(invitation.role)
    if await find_membership(session, actor.person_id, invitation.organization_id, role):
        membership = await find_membership(
            session, actor.person_id, invitation.organization_id, role
        )
        if membership is not None and membership.status != MembershipStatus.deactivated:
            await message.answer(
                _("You are already registered as {role} in «{org}».").format(
                    role=role_title(role), org=escape(org.name)
                )
            )
            return
    context = {"invitation_id": invitation.id, "role": role.value, "org_name": org.name}
    await state.clear()
    if await has_consent(session, actor.person_id):
        await _start_role_form(message, state, role, context, actor)
        return
    await state.set_state(Consenting.reading)
    await state.set_data({"context": context})
    invited = _("You are invited as {role} of «{org}».").format(
        role=role_title(role), org=escape(org.name)
    )
    await message.answer(
        f"{invited}\n\n{consent_text(org.name)}",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=_("✔ I agree"), callback_data=ConsentAnswer(agree=True).pack()
                    )
                ],
                [
                    InlineKeyboardButton(
                        text=_("✖ I do not agree"), callback_data=ConsentAnswer(agree=False).pack()
                    )
                ],
            ]
        ),
    )


async def consent_answered(
    query: CallbackQuery,
    callback_data: ConsentAnswer,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    data = await state.get_data()
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    await message.edit_reply_markup(reply_markup=None)
    if not callback_data.agree:
        await state.clear()
        await message.answer(
            _(
                "Understood. Without consent we cannot register you, and nothing about you has "
                "been stored. If you change your mind, open the invitation link again."
            )
        )
        return
    await record_consent(session, actor.person_id, clock.now())
    context = data["context"]
    await _start_role_form(message, state, Role(context["role"]), context, actor)


async def consent_typed(message: Message) -> None:
    await message.answer(_("Please answer with the buttons under the consent text."))


async def _start_role_form(
    message: Message, state: FSMContext, role: Role, context: dict[str, Any], actor: Actor
) -> None:
    form = FORM_BY_ROLE[role]
    prefilled = {"full_name": actor.full_name} if actor.full_name else {}
    await start_form(message, state, form, context, prefilled)


async def registration_submitted(
    query: CallbackQuery, answers: dict[str, Any], context: dict[str, Any], data: dict[str, Any]
) -> None:
    session: AsyncSession = data["session"]
    actor: Actor = data["actor"]
    clock: Clock = data["clock"]
    state: FSMContext = data["state"]
    settings: Settings = data["settings"]
    i18n: I18n = data["i18n"]
    bot: Bot = data["bot"]
    message = query.message
    assert isinstance(message, Message)
    try:
        registered = await save_registration(
            session,
            person_id=actor.person_id,
            invitation_id=context["invitation_id"],
            answers=answers,
            now=clock.now(),
        )
    except InvitationTaken:
        await session.rollback()
        await state.clear()
        await query.answer()
        await message.answer(problem_text(InvitationProblem.used_up))
        return
    await state.clear()
    await query.answer()
    role = Role(context["role"])
    text = _("Done! You are registered as {role} of «{org}».").format(
        role=role_title(role), org=escape(context["org_name"])
    )
    if registered.membership.status == MembershipStatus.awaiting_guardian:
        text += "\n\n" + _(
            "Because you are under 18, your curator must first record the written consent of "
            "your parent or legal representative. Until then the bot does not collect your "
            "meetings or answers, and only the curator sees your name."
        )
    text += "\n\n" + _("Send /help to see what you can do now.")
    await message.answer(text)
    refreshed = await load_actor(session, actor.telegram_id, settings.admin_ids, clock.now())
    await set_personal_commands(bot, i18n, refreshed)
    inviter_id = registered.invitation.created_by_telegram_id
    if inviter_id <= 0:
        return  # the inviter has erased their data
    inviter = await find_person(session, inviter_id)
    # In the inviter's language, not the newcomer's.
    recipient = [(inviter.id if inviter else 0, inviter_id, inviter.locale if inviter else None)]
    await tell(
        bot,
        i18n,
        recipient,
        lambda: _("{name} has registered with your invitation as {role} of «{org}».").format(
            name=escape(answers["full_name"]),
            role=role_title(role),
            org=escape(context["org_name"]),
        ),
    )


# The forms this conversation runs through the engine (see handlers.engine_forms).
ENGINE_FORMS = {form.name: (form, registration_submitted) for form in FORM_BY_ROLE.values()}


def build_router() -> Router:
    router = Router(name="registration")
    router.message.register(invitation_opened, CommandStart(deep_link=True))
    router.callback_query.register(consent_answered, Consenting.reading, ConsentAnswer.filter())
    router.message.register(consent_typed, Consenting.reading, ~F.text.startswith("/"))
    return router
