"""/start and /help: the first words a person reads."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _


async def start_requested(message: Message) -> None:
    name = message.from_user.first_name if message.from_user else ""
    await message.answer(
        _(
            "Hello, {name}! I am the mentoring assistant of your school.\n\n"
            "Mentors and mentees log meetings and answer the monitoring questionnaires here; "
            "curators and coordinators get summaries and reports.\n\n"
            "Send /help to see what I can do."
        ).format(name=escape(name))
    )


async def help_requested(message: Message) -> None:
    await message.answer(help_text())


def help_text() -> str:
    return _(
        "What I can do:\n"
        "/start — greeting\n"
        "/help — this list\n"
        "/language — choose the language of the interface\n"
        "/feedback — write to the administrators of the bot\n"
        "/cancel — stop the current action; what you have already saved stays"
    )


def build_router() -> Router:
    router = Router(name="start")
    router.message.register(start_requested, CommandStart())
    router.message.register(help_requested, Command("help"))
    return router
