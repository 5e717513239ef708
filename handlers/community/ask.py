"""/ask: a mentor or mentee writes a question to the curators of their school; the answer
comes back in the same chat (handlers/community/questions.py). "My questions" shows the latest
ones."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.forms.fields import Field
from handlers.forms.fields import text as text_parser
from handlers.forms.typed import REJECTED, parse_typed
from handlers.programmes.common import show_date
from handlers.system.cancel import cancel_button
from handlers.ui.notify import tell
from storage.clock import Clock
from storage.community import questions
from storage.models.enums import Role
from storage.models.orgs import Organization
from storage.people.actor import Actor

MY_QUESTIONS = 10
# Only `parse` matters to parse_typed: the length check and its answer.
QUESTION = Field(
    "question", __("Question"), __("Question"), parse=text_parser(*questions.QUESTION_LENGTH)
)


class AskSchool(CallbackData, prefix="ask_s"):
    school_id: int


class AskMine(CallbackData, prefix="ask_m"):
    pass


class QAnswer(CallbackData, prefix="q_ans"):
    question_id: int


class Asking(StatesGroup):
    school = State()
    text = State()


def _button(label: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=label, callback_data=data.pack())


def _schools(actor: Actor) -> set[int]:
    return actor.org_ids(Role.mentor, Role.mentee)


async def ask_requested(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    await state.clear()
    schools = sorted(_schools(actor))
    if len(schools) == 1:
        await _ask_text(message, state, session, schools[0])
        return
    await state.set_state(Asking.school)
    rows = []
    for school_id in schools:
        org = await session.get(Organization, school_id)
        rows.append([_button(org.name if org else "—", AskSchool(school_id=school_id))])
    rows.append([cancel_button()])
    await message.answer(
        _("Which school's curator is the question for?"),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
    )


async def _ask_text(
    message: Message, state: FSMContext, session: AsyncSession, school_id: int
) -> None:
    org = await session.get(Organization, school_id)
    await state.set_state(Asking.text)
    await state.update_data(ask_school=school_id)
    low, high = questions.QUESTION_LENGTH
    rows = [[_button(_("📬 My questions"), AskMine())], [cancel_button()]]
    await message.answer(
        ngettext(
            "Write your question to the curator of {school} in one message ({min}–{max} "
            "character). The answer will come here.",
            "Write your question to the curator of {school} in one message ({min}–{max} "
            "characters). The answer will come here.",
            high,
        ).format(school=escape(org.name if org else "—"), min=low, max=high),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
    )


async def school_pressed(
    query: CallbackQuery,
    callback_data: AskSchool,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
) -> None:
    if callback_data.school_id not in _schools(actor):
        await query.answer(_("You are not a participant of this school."), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await _ask_text(query.message, state, session, callback_data.school_id)


async def question_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    i18n: I18n,
) -> None:
    text = await parse_typed(message, QUESTION, clock.now().date())
    if text is REJECTED:
        return
    school_id = (await state.get_data()).get("ask_school")
    await state.clear()
    if school_id not in _schools(actor):
        await message.answer(_("You are not a participant of this school."))
        return
    question = await questions.ask(session, actor.person_id, school_id, text, clock.now())
    curators = await questions.curators_of(session, school_id)
    if curators:
        await message.answer(_("Your question went to the curator. The answer will come here."))
    else:
        await message.answer(
            _(
                "Your question is saved, but the school has no curator in the bot yet; "
                "it will be answered when one joins."
            )
        )
    asker, question_id = actor.full_name or "—", question.id
    await tell(
        bot,
        i18n,
        curators,
        lambda: _("❓ A question from {name}:\n\n{text}").format(
            name=escape(asker), text=escape(text)
        ),
        lambda: InlineKeyboardMarkup(
            inline_keyboard=[[_button(_("✍ Answer"), QAnswer(question_id=question_id))]]
        ),
    )


async def mine_pressed(query: CallbackQuery, session: AsyncSession, actor: Actor) -> None:
    await query.answer()
    found = await questions.own_questions(session, actor.person_id, MY_QUESTIONS)
    if not found:
        text = _("You have not asked any questions yet.")
    else:
        parts = [_("<b>Your latest questions</b>")]
        for question in found:
            part = f"\n<b>{show_date(question.created_at.date())}</b> · {escape(question.text)}"
            if question.status == questions.ANSWERED and question.answer:
                part += "\n" + _("Answer: {answer}").format(answer=escape(question.answer))
            else:
                part += "\n" + _("No answer yet.")
            parts.append(part)
        text = "\n".join(parts)
    if isinstance(query.message, Message):
        await query.message.answer(text[:4000])


def build_router() -> Router:
    router = Router(name="ask")
    allowed = Allowed("ask")
    router.message.register(ask_requested, Command("ask"), allowed)
    router.callback_query.register(school_pressed, Asking.school, AskSchool.filter(), allowed)
    router.callback_query.register(mine_pressed, AskMine.filter(), allowed)
    router.message.register(question_typed, Asking.text, ~F.text.startswith("/"), allowed)
    return router
