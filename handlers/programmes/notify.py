"""Messages to the other members of a programme, each in their own language, and the hook
that runs once a programme has closed."""

from __future__ import annotations

import logging
from html import escape

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.programmes.common import show_date
from handlers.surveys.invite import invite_members
from storage.models.programmes import Programme
from storage.people.actor import Actor
from storage.programmes.content import MemberView, programme_view
from storage.settings import Settings
from storage.surveys.questionnaires.model import Occasion

log = logging.getLogger(__name__)


async def _send(bot: Bot, member: MemberView, text: str) -> None:
    try:
        await bot.send_message(member.telegram_id, text)
    except TelegramAPIError as exc:
        # The change is saved either way; the member sees it on the card.
        log.info("member %s not told about a programme change: %s", member.person_id, exc)


async def tell_mentors_of_comment(
    bot: Bot,
    i18n: I18n,
    session: AsyncSession,
    settings: Settings,
    actor: Actor,
    programme_id: int,
    comment: str,
) -> None:
    view = await programme_view(session, programme_id)
    for mentor in view.members_in("mentor"):
        if mentor.erased:
            continue
        with i18n.use_locale(mentor.locale or settings.default_locale):
            note = _("💬 {name} commented on your mentoring programme:").format(
                name=escape(actor.full_name or "—")
            )
            hint = _("Send /programme to open it.")
        await _send(bot, mentor, f"{note}\n\n{escape(comment)}\n\n{hint}")


async def tell_members_of_closing(
    bot: Bot, i18n: I18n, session: AsyncSession, settings: Settings, programme: Programme
) -> None:
    """Everyone but the person who closed it (they have just seen it)."""
    view = await programme_view(session, programme.id)
    for member in view.members:
        if member.erased or member.person_id == programme.closed_by:
            continue
        with i18n.use_locale(member.locale or settings.default_locale):
            note = _(
                "Your mentoring programme is closed (ended on {date}). Thank you for taking "
                "part! Send /programme to see its results."
            ).format(date=show_date(programme.ended_on))
        await _send(bot, member, note)


async def on_programme_closed(
    session: AsyncSession,
    programme: Programme,
    closed_by: int,
    bot: Bot | None = None,
    i18n: I18n | None = None,
) -> None:
    """Called once a programme has closed, after the members are told: each member is
    invited to the final questionnaire about the programme's results."""
    log.info("programme %s closed by person %s", programme.id, closed_by)
    if bot is not None and i18n is not None:
        await invite_members(session, bot, i18n, programme, Occasion.exit)
