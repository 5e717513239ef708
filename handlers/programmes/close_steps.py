"""The steps of closing a programme: the states, the questions, the summary."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms.fields import FieldError
from handlers.programmes.common import button, programme_access, refusal, show_date
from handlers.system.cancel import cancel_button
from storage.models.programmes import Programme
from storage.people.actor import Actor
from storage.programmes.content import RESULTS_LENGTH, valid_link

CLOSE_KEY = "programme_closing"


class Closing(StatesGroup):
    ended_on = State()
    results = State()
    link = State()
    completed = State()
    confirm = State()


class CloseButton(CallbackData, prefix="pg_c"):
    action: str  # today, nolink, yes, no, confirm


def markup(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    rows = [[button(label, CloseButton(action=action))] for label, action in buttons]
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [cancel_button()]])


def link_parser(raw: str, _today: date) -> str:
    value = raw.strip()
    if not valid_link(value):
        raise FieldError(_("Expected a link that starts with http:// or https://."))
    return value


async def current_step(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext
) -> tuple[dict[str, Any], Programme] | None:
    data = (await state.get_data()).get(CLOSE_KEY) or {}
    access = await programme_access(session, actor, data.get("pid", 0))
    if access is None or not access.closes:
        await state.update_data({CLOSE_KEY: None})
        await state.set_state(None)
        await message.answer(
            refusal(access) if access else _("This programme is not available to you.")
        )
        return None
    return data, access.programme


async def ask_results(message: Message, state: FSMContext, data: dict[str, Any]) -> None:
    await state.set_state(Closing.results)
    await state.update_data({CLOSE_KEY: data})
    await message.answer(
        ngettext(
            "What are the results? {min} to {max} character.",
            "What are the results? {min} to {max} characters.",
            RESULTS_LENGTH[1],
        ).format(min=RESULTS_LENGTH[0], max=RESULTS_LENGTH[1]),
        reply_markup=markup(),
    )


async def ask_completed(message: Message, state: FSMContext, data: dict[str, Any]) -> None:
    await state.set_state(Closing.completed)
    await state.update_data({CLOSE_KEY: data})
    await message.answer(
        _("Was the programme completed?"),
        reply_markup=markup((_("Completed"), "yes"), (_("Not completed"), "no")),
    )


async def ask_link(message: Message, state: FSMContext, data: dict[str, Any]) -> None:
    await state.set_state(Closing.link)
    await state.update_data({CLOSE_KEY: data})
    await message.answer(
        _("A link to a case or review (http:// or https://), or press «No link»."),
        reply_markup=markup((_("No link"), "nolink")),
    )


def summary(data: dict[str, Any]) -> str:
    lines = [
        _("Please check:"),
        "",
        _("Ended on {date}").format(date=show_date(date.fromisoformat(data["ended_on"]))),
        _("Completed") if data["completed"] else _("Not completed"),
        _("Results: {text}").format(text=escape(data["results"])),
        _("Case or review: {link}").format(link=escape(data["link"] or "—")),
    ]
    return "\n".join(lines)
