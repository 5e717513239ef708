"""/start and /help: the first words a person reads."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import awaiting_guardian, commands_for
from handlers.registration.guardian_wait import waiting_text
from storage.people.actor import Actor


async def start_requested(message: Message, actor: Actor | None = None) -> None:
    name = message.from_user.first_name if message.from_user else ""
    text = _(
        "Hello, {name}! I am the mentoring assistant of your school.\n\n"
        "Mentors and mentees log meetings and answer the monitoring questionnaires here; "
        "curators and coordinators get summaries and reports.\n\n"
        "Send /help to see what I can do."
    ).format(name=escape(name))
    if actor is None or not actor.grants:
        text += "\n\n" + _(
            "To take part, open the invitation link your curator or coordinator sent you."
        )
    await message.answer(text)


async def help_requested(
    message: Message, session: AsyncSession, actor: Actor | None = None
) -> None:
    text = help_text(actor)
    if waiting := awaiting_guardian(actor):
        text += "\n\n" + await waiting_text(session, waiting)
    await message.answer(text)


def help_text(actor: Actor | None) -> str:
    lines = [_("What I can do:")]
    lines += [f"/{spec.name} — {spec.description}" for spec in commands_for(actor)]
    return "\n".join(lines)


def build_router() -> Router:
    router = Router(name="start")
    router.message.register(start_requested, CommandStart())
    router.message.register(help_requested, Command("help"))
    return router
