"""The card's buttons: start a typed change, choose the stage, set a plan item's status."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.programmes.card import show_card
from handlers.programmes.common import (
    INPUT_KEY,
    ItemChosen,
    ProgrammeAction,
    ProgrammeInput,
    ProgrammeOpen,
    StageChosen,
    button,
    checked,
    show_date,
)
from handlers.programmes.labels import ITEM_MARKS, field_title, item_status_title, stage_title
from handlers.system.cancel import cancel_button
from storage.clock import Clock
from storage.people.actor import Actor
from storage.programmes.content import (
    COMMENT_LENGTH,
    ITEM_STATUSES,
    STAGES,
    TEXT_FIELDS,
    TEXT_LENGTH,
    TITLE_LENGTH,
    programme_view,
    set_plan_item_status,
    set_stage,
)

ACTIONS = (*TEXT_FIELDS, "comment", "plan_add", "stage", "plan_status")
ITEMS_SHOWN = 40  # buttons of one keyboard; older items beyond stay on the card


def _back(programme_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[button(_("◀ Back"), ProgrammeOpen(programme_id=programme_id))]]
    )


async def _ask(message: Message, state: FSMContext, step, data: dict, prompt: str) -> None:
    await state.set_state(step)
    await state.update_data({INPUT_KEY: data})
    markup = InlineKeyboardMarkup(inline_keyboard=[[cancel_button()]])
    await message.answer(prompt, reply_markup=markup)


async def action_pressed(
    query: CallbackQuery,
    callback_data: ProgrammeAction,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    action, pid = callback_data.action, callback_data.programme_id
    if action not in ACTIONS:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    need = "comments" if action == "comment" else "edits"
    access = await checked(query, session, actor, pid, need)
    message = query.message
    if access is None or not isinstance(message, Message):
        return
    await query.answer()
    bounds = {"min": TEXT_LENGTH[0], "max": TEXT_LENGTH[1]}
    if action in TEXT_FIELDS:
        current = getattr(access.programme, action)
        prompt = ngettext(
            "Send the new text of «{field}», {min} to {max} character.",
            "Send the new text of «{field}», {min} to {max} characters.",
            bounds["max"],
        ).format(field=field_title(action), **bounds)
        if current:  # in full, so it can be copied and corrected
            prompt += "\n\n" + _("Now:") + "\n" + escape(current)
        await _ask(message, state, ProgrammeInput.text, {"pid": pid, "field": action}, prompt)
    elif action == "comment":
        prompt = ngettext(
            "Write your comment for the mentor, up to {max} character.",
            "Write your comment for the mentor, up to {max} characters.",
            COMMENT_LENGTH[1],
        ).format(max=COMMENT_LENGTH[1])
        await _ask(message, state, ProgrammeInput.text, {"pid": pid, "field": "comment"}, prompt)
    elif action == "plan_add":
        prompt = ngettext(
            "What is the activity? Send its title, {min} to {max} character.",
            "What is the activity? Send its title, {min} to {max} characters.",
            TITLE_LENGTH[1],
        ).format(min=TITLE_LENGTH[0], max=TITLE_LENGTH[1])

        await _ask(message, state, ProgrammeInput.plan_title, {"pid": pid}, prompt)
    elif action == "stage":
        current = access.programme.stage
        rows = [
            [
                button(
                    ("• " if s == current else "") + stage_title(s),
                    StageChosen(programme_id=pid, stage=s),
                )
            ]
            for s in STAGES
        ]
        rows += _back(pid).inline_keyboard
        await message.edit_text(
            _("Choose the stage of the programme:"),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
        )
    elif action == "plan_status":
        await _choose_item(message, session, pid)


async def _choose_item(message: Message, session: AsyncSession, pid: int) -> None:
    view = await programme_view(session, pid)
    if not view.plan:
        await message.answer(_("The plan has no activities yet; add one with «+ Plan item»."))
        return
    rows = []
    for number, item in enumerate(view.plan[:ITEMS_SHOWN], 1):
        title = item.title if len(item.title) <= 40 else item.title[:39] + "…"
        text = f"{number}. {ITEM_MARKS[item.status]} {title}"
        rows.append([button(text, ItemChosen(programme_id=pid, item_id=item.id))])
    rows += _back(pid).inline_keyboard
    await message.edit_text(
        _("Which activity?"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
    )


async def stage_chosen(
    query: CallbackQuery,
    callback_data: StageChosen,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    pid = callback_data.programme_id
    if await checked(query, session, actor, pid, "edits") is None:
        return
    if callback_data.stage not in STAGES:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await set_stage(session, pid, callback_data.stage, clock.now())
    await query.answer(_("Saved."))
    if isinstance(query.message, Message):
        await show_card(query.message, session, actor, pid, edit=True)


async def item_chosen(
    query: CallbackQuery,
    callback_data: ItemChosen,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    pid, item_id, status = (
        callback_data.programme_id,
        callback_data.item_id,
        callback_data.status,
    )
    if await checked(query, session, actor, pid, "edits") is None:
        return
    view = await programme_view(session, pid)
    item = next((i for i in view.plan if i.id == item_id), None)
    if item is None or (status and status not in ITEM_STATUSES):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    message = query.message
    if not status:
        await query.answer()
        rows = [
            [
                button(
                    f"{ITEM_MARKS[s]} {item_status_title(s)}",
                    ItemChosen(programme_id=pid, item_id=item_id, status=s),
                )
            ]
            for s in ITEM_STATUSES
        ]
        rows += _back(pid).inline_keyboard
        due = f" — {show_date(item.due_on)}" if item.due_on else ""
        if isinstance(message, Message):
            await message.edit_text(
                f"{escape(item.title)}{due}\n\n" + _("Its status:"),
                reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
            )
        return
    await set_plan_item_status(session, pid, item_id, status, clock.now())
    await query.answer(_("Saved."))
    if isinstance(message, Message):
        await show_card(message, session, actor, pid, edit=True)


def build_router() -> Router:
    router = Router(name="programme_edit")
    allowed = Allowed("programme")
    router.callback_query.register(
        action_pressed, ProgrammeAction.filter(F.action != "close"), allowed
    )
    router.callback_query.register(stage_chosen, StageChosen.filter(), allowed)
    router.callback_query.register(item_chosen, ItemChosen.filter(), allowed)
    return router
