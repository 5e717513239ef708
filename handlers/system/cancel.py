"""/cancel, or the Cancel button under any question, leaves every conversation."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.i18n import gettext as _


class CancelFlow(CallbackData, prefix="cancel"):
    pass


def cancel_button() -> InlineKeyboardButton:
    return InlineKeyboardButton(text=_("✖ Cancel"), callback_data=CancelFlow().pack())


async def cancel_requested(message: Message, state: FSMContext) -> None:
    await message.answer(await _leave(state))


async def cancel_pressed(query: CallbackQuery, state: FSMContext) -> None:
    text = await _leave(state)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(text)


async def _leave(state: FSMContext) -> str:
    if await state.get_state() is None:
        return _("There is nothing to cancel. Send /help to see what I can do.")
    await state.clear()
    return _("Cancelled; the unfinished action was discarded. Send /help for the list of commands.")


def build_router() -> Router:
    router = Router(name="cancel")
    router.message.register(cancel_requested, Command("cancel"))
    router.callback_query.register(cancel_pressed, CancelFlow.filter())
    return router
