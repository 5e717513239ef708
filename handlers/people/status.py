"""Card actions that change whether a person takes part: the guardian's consent, (de)activation."""

from __future__ import annotations

import logging
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.commands import set_personal_commands
from handlers.people.card import show_card
from handlers.people.common import (
    CardOpened,
    GuardianConsent,
    StatusChange,
    button,
    checked_participant,
    display_name,
)
from handlers.registers.proposals import ask_formed
from handlers.ui.labels import role_title
from storage.clock import Clock
from storage.models.core import Person
from storage.models.enums import MembershipStatus, Role
from storage.people.actor import Actor, load_actor
from storage.people.admin import participant, record_guardian_consent, status_on_activation
from storage.people.memberships import set_status
from storage.registers.pairs import form_ready
from storage.settings import Settings

log = logging.getLogger(__name__)


def _confirmation(text: str, yes: str, confirmed: GuardianConsent | StatusChange) -> dict:
    back = CardOpened(school_id=confirmed.school_id, person_id=confirmed.person_id)
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[button(yes, confirmed)], [button(_("✖ No, back to the card"), back)]]
    )
    return {"text": text, "reply_markup": markup}


async def guardian_consent_asked(
    query: CallbackQuery, callback_data: GuardianConsent, session: AsyncSession, actor: Actor
) -> None:
    ids = (callback_data.school_id, callback_data.person_id)
    person = await checked_participant(query, session, actor, *ids)
    if person is None:
        return
    if not person.awaiting_guardian:
        await query.answer(_("Nobody here is waiting for a guardian's consent."), show_alert=True)
        return
    await query.answer()
    text = _(
        "Record the guardian's consent for {name}?\n\n"
        "Confirm only if the school has received the written consent of the parent or legal "
        "representative; keep the paper with the school's documents."
    ).format(name=escape(display_name(person.person.full_name)))
    yes = _("✔ I have received the written consent of the parent or legal representative")
    confirmed = GuardianConsent(school_id=ids[0], person_id=ids[1], confirmed=True)
    if isinstance(query.message, Message):
        await query.message.edit_text(**_confirmation(text, yes, confirmed))


async def guardian_consent_confirmed(
    query: CallbackQuery,
    callback_data: GuardianConsent,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    school_id, person_id = callback_data.school_id, callback_data.person_id
    person = await checked_participant(query, session, actor, school_id, person_id)
    if person is None:
        return
    if not await record_guardian_consent(
        session, person_id, school_id, actor.person_id, clock.now()
    ):
        await query.answer(_("Nobody here is waiting for a guardian's consent."), show_alert=True)
        return
    person = await participant(session, school_id, person_id)
    await query.answer(_("The guardian's consent is recorded."))
    if isinstance(query.message, Message):
        await show_card(
            query.message, session, settings, actor, person, school_id, state, edit=True
        )
    with i18n.use_locale(person.person.locale or settings.default_locale):
        text = _(
            "Your curator has recorded the written consent of your parent or legal "
            "representative. Now you can take part in the mentoring programme fully. "
            "Send /help to see what you can do."
        )
    await tell_person(bot, i18n, session, settings, clock, person.person, text)
    # Pairs named in the school's imported registers may have waited for this consent.
    formed = await form_ready(session, clock.now(), school_id)
    await ask_formed(session, formed, {"bot": bot, "i18n": i18n})


async def status_change_asked(
    query: CallbackQuery,
    callback_data: StatusChange,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    state: FSMContext,
    bot: Bot,
    i18n: I18n,
) -> None:
    school_id, person_id = callback_data.school_id, callback_data.person_id
    person = await checked_participant(query, session, actor, school_id, person_id)
    if person is None:
        return
    membership = person.membership(callback_data.membership_id)
    if membership is None:
        await query.answer(_("This person is not in your school."), show_alert=True)
        return
    wanted = callback_data.status
    if membership.role not in (Role.mentor, Role.mentee):
        # Curators are appointed and removed by the coordinator, not by a fellow curator.
        await query.answer(
            _("Curators are appointed and removed by the coordinator."), show_alert=True
        )
        return
    if wanted == MembershipStatus.deactivated:
        if not callback_data.confirmed:
            await query.answer()
            text = _(
                "Deactivate {name} as {role}? They stop taking part in the school's mentoring "
                "until a curator activates them again; nothing about them is deleted."
            ).format(
                name=escape(display_name(person.person.full_name)), role=role_title(membership.role)
            )
            confirmed = callback_data.model_copy(update={"confirmed": True})
            if isinstance(query.message, Message):
                await query.message.edit_text(**_confirmation(text, _("✔ Deactivate"), confirmed))
            return
    elif wanted == MembershipStatus.active:
        if membership.status != MembershipStatus.deactivated:
            await query.answer(_("This role is not deactivated."), show_alert=True)
            return
        if person.person.erased_at is not None:
            await query.answer(
                _("This person has erased their data; they can return only by a new invitation."),
                show_alert=True,
            )
            return
        wanted = await status_on_activation(
            session, membership, person.guardian_consent_at, clock.now().year
        )
    else:  # a forged status: awaiting_guardian is only ever set by the rules, never by hand
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await set_status(session, membership.id, wanted, actor.person_id, clock.now())
    person = await participant(session, school_id, person_id)
    await query.answer(_("Saved."))
    if isinstance(query.message, Message):
        await show_card(
            query.message, session, settings, actor, person, school_id, state, edit=True
        )
    await tell_person(bot, i18n, session, settings, clock, person.person, None)


async def tell_person(
    bot: Bot,
    i18n: I18n,
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
    person: Person,
    text: str | None,
) -> None:
    """Tell the person (when there is something to say) and redraw their menu for new roles."""
    try:
        if text is not None:
            await bot.send_message(person.telegram_id, text)
        refreshed = await load_actor(session, person.telegram_id, settings.admin_ids, clock.now())
        await set_personal_commands(bot, i18n, refreshed)
    except TelegramAPIError as exc:
        # The change is saved either way; someone who blocked the bot learns it on return.
        log.info("person %s not told about a status change: %s", person.id, exc)


def build_router() -> Router:
    router = Router(name="people_status")
    allowed = Allowed("people")
    router.callback_query.register(
        guardian_consent_asked, GuardianConsent.filter(F.confirmed.is_(False)), allowed
    )
    router.callback_query.register(
        guardian_consent_confirmed, GuardianConsent.filter(F.confirmed.is_(True)), allowed
    )
    router.callback_query.register(status_change_asked, StatusChange.filter(), allowed)
    return router
