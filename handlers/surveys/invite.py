"""Invitations to the entry questionnaire (a programme has started) and to the final one (it
has closed): one message with a button to each member, in their own language.

Sent directly for now; delivery through the reminders outbox comes with the reminders issue.
A member awaiting the guardian's consent gets nothing.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.surveys.common import SurveyOpen, button
from handlers.ui.notify import tell
from storage.models.enums import MembershipStatus
from storage.models.orgs import Membership
from storage.models.programmes import Programme, ProgrammeMember
from storage.pairing.people import recipients
from storage.surveys.questionnaires.model import Occasion


async def invite_members(
    session: AsyncSession, bot: Bot, i18n: I18n, programme: Programme, occasion: Occasion
) -> None:
    members = await session.scalars(
        select(ProgrammeMember.person_id).where(
            ProgrammeMember.programme_id == programme.id,
            ProgrammeMember.response == "accepted",
        )
    )
    waiting = set(
        (
            await session.scalars(
                select(Membership.person_id).where(
                    Membership.organization_id == programme.school_id,
                    Membership.status == MembershipStatus.awaiting_guardian,
                )
            )
        ).all()
    )
    people = await recipients(session, [p for p in members.all() if p not in waiting])
    data = SurveyOpen(
        occasion=occasion.value, programme_id=programme.id, school_id=programme.school_id
    )

    def render() -> str:
        if occasion == Occasion.entry:
            return _(
                "📝 Your mentoring programme has started. Please answer a short entry "
                "questionnaire about your expectations: a few questions, about two minutes. "
                "The answers are stored without your name."
            )
        return _(
            "📝 Your mentoring programme has ended. Please answer a short final questionnaire "
            "about its results: a few questions, about two minutes. The answers are stored "
            "without your name."
        )

    def markup() -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(inline_keyboard=[[button(_("Answer the questionnaire"), data)]])

    await tell(bot, i18n, people, render, markup)
