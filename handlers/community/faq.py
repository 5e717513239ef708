"""/faq: frequent questions with answers. Everyone reads those of their municipality and
region; a coordinator adds, edits, deletes and reorders the entries of the organisations
they coordinate. Entry ids from callbacks are checked against both scopes again."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.forms.fields import Field
from handlers.forms.fields import text as text_parser
from handlers.forms.typed import REJECTED, parse_typed
from handlers.system.cancel import cancel_button
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.community import faq
from storage.models.community import FaqEntry
from storage.models.enums import Role
from storage.models.orgs import Organization
from storage.people.actor import Actor

PAGE = 10
KEY = "faq"
QUESTION = Field(
    "question", __("Question"), __("Question"), parse=text_parser(*faq.QUESTION_LENGTH)
)
ANSWER = Field("answer", __("Answer"), __("Answer"), parse=text_parser(*faq.ANSWER_LENGTH))


class FaqList(CallbackData, prefix="fq_l"):
    page: int = 0


class FaqOpen(CallbackData, prefix="fq_o"):
    entry_id: int
    page: int = 0


class FaqEdit(CallbackData, prefix="fq_e"):
    org: int  # the coordinated organisation whose list is edited


class FaqAct(CallbackData, prefix="fq_a"):
    entry_id: int
    action: str  # menu, question, answer, up, down, delete, delete_ok


class FaqAdd(CallbackData, prefix="fq_n"):
    org: int


class FaqInput(StatesGroup):
    question = State()
    answer = State()


def _button(label: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=label, callback_data=data.pack())


def _markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _short(text: str, limit: int = 55) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def readable(session: AsyncSession, actor: Actor) -> set[int]:
    """The municipalities and regions above the actor's schools, and coordinated ones."""
    return await faq.ancestors(session, actor.org_ids(*Role))


async def _reader_screen(
    session: AsyncSession, actor: Actor, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    found = await faq.entries(session, await readable(session, actor))
    lines = [_("<b>Frequent questions</b>")]
    if not found:
        lines.append(_("No frequent questions yet."))
    else:
        lines.append(_("Tap a question to read the answer."))
    shown = found[page * PAGE : (page + 1) * PAGE]
    rows = [
        [_button(f"{page * PAGE + i}. {_short(e.question)}", FaqOpen(entry_id=e.id, page=page))]
        for i, e in enumerate(shown, 1)
    ]
    navigation = []
    if page > 0:
        navigation.append(_button("◀", FaqList(page=page - 1)))
    if (page + 1) * PAGE < len(found):
        navigation.append(_button("▶", FaqList(page=page + 1)))
    if navigation:
        rows.append(navigation)
    for org_id in sorted(actor.org_ids(Role.coordinator)):
        org = await session.get(Organization, org_id)
        if org is not None:
            label = _("✎ Edit: {name}").format(name=_short(org.name, 40))
            rows.append([_button(label, FaqEdit(org=org.id))])
    return "\n".join(lines), _markup(rows)


async def faq_requested(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext
) -> None:
    await state.clear()
    text, markup = await _reader_screen(session, actor, 0)
    await message.answer(text, reply_markup=markup)


async def list_pressed(
    query: CallbackQuery, callback_data: FaqList, session: AsyncSession, actor: Actor
) -> None:
    await query.answer()
    text, markup = await _reader_screen(session, actor, max(callback_data.page, 0))
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, markup)


async def open_pressed(
    query: CallbackQuery, callback_data: FaqOpen, session: AsyncSession, actor: Actor
) -> None:
    entry = await session.get(FaqEntry, callback_data.entry_id)
    if entry is None or entry.org_id not in await readable(session, actor):
        await query.answer(_("This question is not available to you."), show_alert=True)
        return
    await query.answer()
    text = f"<b>{escape(entry.question)}</b>\n\n{escape(entry.answer)}"
    rows = [[_button(_("◀ All questions"), FaqList(page=callback_data.page))]]
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, _markup(rows))


def _editable(actor: Actor, org_id: int) -> bool:
    return org_id in actor.org_ids(Role.coordinator)


async def _editor_screen(
    session: AsyncSession, org: Organization
) -> tuple[str, InlineKeyboardMarkup]:
    found = await faq.entries(session, {org.id})
    lines = [_("<b>Frequent questions: {name}</b>").format(name=escape(org.name))]
    if not found:
        lines.append(_("The list is empty; add the first question."))
    rows = [
        [_button(f"{i}. {_short(e.question)}", FaqAct(entry_id=e.id, action="menu"))]
        for i, e in enumerate(found, 1)
    ]
    rows.append([_button(_("+ Add a question"), FaqAdd(org=org.id))])
    rows.append([_button(_("◀ All questions"), FaqList())])
    return "\n".join(lines), _markup(rows)


async def edit_pressed(
    query: CallbackQuery, callback_data: FaqEdit, session: AsyncSession, actor: Actor
) -> None:
    org = await session.get(Organization, callback_data.org)
    if org is None or not _editable(actor, org.id):
        await query.answer(_("This list is not yours to edit."), show_alert=True)
        return
    await query.answer()
    text, markup = await _editor_screen(session, org)
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, markup)


def _entry_screen(entry: FaqEntry, confirm_delete: bool = False) -> tuple[str, Any]:
    text = f"<b>{escape(entry.question)}</b>\n\n{escape(entry.answer)}"
    if confirm_delete:
        text += "\n\n" + _("Delete this question and its answer?")
        rows = [
            [
                _button(_("🗑 Yes, delete"), FaqAct(entry_id=entry.id, action="delete_ok")),
                _button(_("◀ No, keep it"), FaqAct(entry_id=entry.id, action="menu")),
            ]
        ]
        return text, _markup(rows)
    rows = [
        [
            _button(_("✎ Question"), FaqAct(entry_id=entry.id, action="question")),
            _button(_("✎ Answer"), FaqAct(entry_id=entry.id, action="answer")),
        ],
        [
            _button(_("▲ Up"), FaqAct(entry_id=entry.id, action="up")),
            _button(_("▼ Down"), FaqAct(entry_id=entry.id, action="down")),
            _button(_("🗑 Delete"), FaqAct(entry_id=entry.id, action="delete")),
        ],
        [_button(_("◀ To the list"), FaqEdit(org=entry.org_id))],
    ]
    return text, _markup(rows)


async def entry_pressed(
    query: CallbackQuery,
    callback_data: FaqAct,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    state: FSMContext,
) -> None:
    entry = await session.get(FaqEntry, callback_data.entry_id)
    if entry is None or not _editable(actor, entry.org_id):
        await query.answer(_("This list is not yours to edit."), show_alert=True)
        return
    message = query.message if isinstance(query.message, Message) else None
    action = callback_data.action
    if action in ("up", "down"):
        moved = await faq.move(session, entry, -1 if action == "up" else 1, clock.now())
        if not moved:
            await query.answer(_("It is at the end of the list already."))
            return
    if action == "delete_ok":
        org = await session.get(Organization, entry.org_id)
        await faq.remove(session, entry.id)
        await query.answer(_("Deleted."))
        if message and org:
            text, markup = await _editor_screen(session, org)
            await replace_screen(message, text, markup)
        return
    if action in ("question", "answer"):
        await query.answer()
        await state.clear()
        await state.set_state(FaqInput.question if action == "question" else FaqInput.answer)
        await state.update_data({KEY: {"org": entry.org_id, "entry": entry.id}})
        if message:
            await message.answer(_prompt(action), reply_markup=_markup([[cancel_button()]]))
        return
    await query.answer()
    if action == "up" or action == "down":
        org = await session.get(Organization, entry.org_id)
        if message and org:
            text, markup = await _editor_screen(session, org)
            await replace_screen(message, text, markup)
        return
    if message:
        text, markup = _entry_screen(entry, confirm_delete=action == "delete")
        await replace_screen(message, text, markup)


def _prompt(what: str) -> str:
    if what == "question":
        low, high = faq.QUESTION_LENGTH
        return ngettext(
            "Write the question ({min}–{max} character).",
            "Write the question ({min}–{max} characters).",
            high,
        ).format(min=low, max=high)
    low, high = faq.ANSWER_LENGTH
    return ngettext(
        "Write the answer ({min}–{max} character).",
        "Write the answer ({min}–{max} characters).",
        high,
    ).format(min=low, max=high)


async def add_pressed(
    query: CallbackQuery, callback_data: FaqAdd, actor: Actor, state: FSMContext
) -> None:
    if not _editable(actor, callback_data.org):
        await query.answer(_("This list is not yours to edit."), show_alert=True)
        return
    await query.answer()
    await state.clear()
    await state.set_state(FaqInput.question)
    await state.update_data({KEY: {"org": callback_data.org, "entry": None}})
    if isinstance(query.message, Message):
        await query.message.answer(_prompt("question"), reply_markup=_markup([[cancel_button()]]))


async def question_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    text = await parse_typed(message, QUESTION, clock.now().date())
    if text is REJECTED:
        return
    draft = dict((await state.get_data()).get(KEY) or {})
    if not _editable(actor, draft.get("org", 0)):
        await state.clear()
        await message.answer(_("This list is not yours to edit."))
        return
    if draft.get("entry"):
        await _save(message, state, session, actor, clock, draft, question=text)
        return
    draft["question"] = text
    await state.update_data({KEY: draft})
    await state.set_state(FaqInput.answer)
    await message.answer(_prompt("answer"), reply_markup=_markup([[cancel_button()]]))


async def answer_typed(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor, clock: Clock
) -> None:
    text = await parse_typed(message, ANSWER, clock.now().date())
    if text is REJECTED:
        return
    draft = dict((await state.get_data()).get(KEY) or {})
    if not _editable(actor, draft.get("org", 0)):
        await state.clear()
        await message.answer(_("This list is not yours to edit."))
        return
    await _save(message, state, session, actor, clock, draft, answer=text)


async def _save(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    draft: dict[str, Any],
    question: str | None = None,
    answer: str | None = None,
) -> None:
    await state.clear()
    org = await session.get(Organization, draft["org"])
    if org is None:
        return
    if draft.get("entry"):
        entry = await session.get(FaqEntry, draft["entry"])
        if entry is None or entry.org_id != org.id:
            await message.answer(_("This question has been deleted meanwhile."))
            return
        await faq.change(session, entry, clock.now(), question=question, answer=answer)
    else:
        await faq.add(
            session, org.id, draft["question"], answer or "", actor.person_id, clock.now()
        )
    await message.answer(_("Saved."))
    text, markup = await _editor_screen(session, org)
    await message.answer(text, reply_markup=markup)


def build_router() -> Router:
    router = Router(name="faq")
    allowed = Allowed("faq")
    text = ~F.text.startswith("/")
    router.message.register(faq_requested, Command("faq"), allowed)
    router.callback_query.register(list_pressed, FaqList.filter(), allowed)
    router.callback_query.register(open_pressed, FaqOpen.filter(), allowed)
    router.callback_query.register(edit_pressed, FaqEdit.filter(), allowed)
    router.callback_query.register(entry_pressed, FaqAct.filter(), allowed)
    router.callback_query.register(add_pressed, FaqAdd.filter(), allowed)
    router.message.register(question_typed, FaqInput.question, text, allowed)
    router.message.register(answer_typed, FaqInput.answer, text, allowed)
    return router
