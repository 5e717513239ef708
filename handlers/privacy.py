"""/mydata and /forget: the person's rights to see and to erase their personal data (152-FZ)."""

from __future__ import annotations

import json
import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from storage.clock import Clock
from storage.people.actor import Actor
from storage.privacy import erase_person, export_person
from storage.settings import Settings

log = logging.getLogger(__name__)


class ForgetAnswer(CallbackData, prefix="forget"):
    erase: bool


async def mydata_requested(
    message: Message, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    data = await export_person(session, actor.person_id)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    name = f"mydata-{clock.now().date().isoformat()}.json"
    await message.answer_document(
        BufferedInputFile(payload, filename=name),
        caption=_(
            "Everything the bot stores about you: your name and Telegram id, consents, roles, "
            "register fields, invitations you created or used, messages to the administrators "
            "and an unfinished conversation, if any. To erase it, send /forget."
        ),
    )


async def forget_requested(message: Message) -> None:
    buttons = [
        [InlineKeyboardButton(text=text, callback_data=ForgetAnswer(erase=erase).pack())]
        for text, erase in ((_("Yes, erase"), True), (_("No"), False))
    ]
    await message.answer(
        _(
            "<b>Erase your personal data?</b>\n\n"
            "Your name, register fields, messages to the administrators and unfinished "
            "conversations are erased, and your consent is withdrawn. All your roles end. "
            "The anonymous counts that the programme's reports need are kept, without "
            "anything that identifies you.\n\n"
            "This cannot be undone: to take part again you will need a new invitation."
        ),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons),
    )


async def forget_answered(
    query: CallbackQuery,
    callback_data: ForgetAnswer,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    settings: Settings,
) -> None:
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    if message.reply_markup is not None:
        await message.edit_reply_markup(reply_markup=None)
    if not callback_data.erase:
        await message.answer(_("Nothing was erased."))
        return
    # The current chat's conversation through the FSM storage itself (it may be Redis);
    # erase_person removes any row of the SQL storage left under the old Telegram id.
    await state.clear()
    await erase_person(
        session, actor.person_id, clock.now(), settings.survey_key, settings.default_timezone
    )
    # Without a per-chat menu Telegram shows the default one, as to anyone unregistered.
    # The erasure is committed by now; a menu left behind must not read as a failed erasure.
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=actor.telegram_id))
    except TelegramAPIError as exc:
        log.warning("menu of an erased person not reset: %s", exc)
    await message.answer(
        _(
            "Your personal data is erased and your roles have ended. "
            "To take part again, ask your curator for a new invitation."
        )
    )


def build_router() -> Router:
    router = Router(name="privacy")
    router.message.register(mydata_requested, Command("mydata"), Allowed("mydata"))
    router.message.register(forget_requested, Command("forget"), Allowed("forget"))
    router.callback_query.register(forget_answered, ForgetAnswer.filter(), Allowed("forget"))
    return router
