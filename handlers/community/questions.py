"""/questions: the curator's open and answered questions of the school's mentors and
mentees; the curator answers in the bot and the answer reaches the asker."""

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
from handlers.community.ask import QAnswer
from handlers.forms.fields import Field
from handlers.forms.fields import text as text_parser
from handlers.forms.typed import REJECTED, parse_typed
from handlers.programmes.common import show_date
from handlers.system.cancel import cancel_button
from handlers.ui.notify import tell
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.community import questions
from storage.models.community import Question
from storage.models.core import Person
from storage.models.enums import Role
from storage.people.actor import Actor

PAGE = 8
ANSWER = Field("answer", __("Answer"), __("Answer"), parse=text_parser(*questions.ANSWER_LENGTH))


class QList(CallbackData, prefix="q_l"):
    status: str = questions.OPEN
    page: int = 0


class QOpen(CallbackData, prefix="q_o"):
    question_id: int


class Answering(StatesGroup):
    text = State()


def _button(label: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=label, callback_data=data.pack())


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _list(
    session: AsyncSession, actor: Actor, status: str, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    schools = actor.org_ids(Role.curator)
    counts = await questions.counts(session, schools)
    found, total = await questions.school_questions(session, schools, status, PAGE, page * PAGE)
    title = (
        _("<b>Open questions</b>") if status == questions.OPEN else _("<b>Answered questions</b>")
    )
    lines = [title, _("Questions: {count}").format(count=total)]
    if not total:
        lines.append(_("No questions here."))
    rows = [
        [_button(f"{_short(name or '—', 20)}: {_short(q.text)}", QOpen(question_id=q.id))]
        for q, name in found
    ]
    navigation = []
    if page > 0:
        navigation.append(_button("◀", QList(status=status, page=page - 1)))
    if (page + 1) * PAGE < total:
        navigation.append(_button("▶", QList(status=status, page=page + 1)))
    if navigation:
        rows.append(navigation)
    rows.append(
        [
            _button(_("Open ({count})").format(count=counts[questions.OPEN]), QList()),
            _button(
                _("Answered ({count})").format(count=counts[questions.ANSWERED]),
                QList(status=questions.ANSWERED),
            ),
        ]
    )
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def questions_requested(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext
) -> None:
    await state.clear()
    text, markup = await _list(session, actor, questions.OPEN, 0)
    await message.answer(text, reply_markup=markup)


async def list_pressed(
    query: CallbackQuery, callback_data: QList, session: AsyncSession, actor: Actor
) -> None:
    status = (
        callback_data.status
        if callback_data.status in (questions.OPEN, questions.ANSWERED)
        else questions.OPEN
    )
    await query.answer()
    text, markup = await _list(session, actor, status, max(callback_data.page, 0))
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, markup)


async def _curated(
    query: CallbackQuery, session: AsyncSession, actor: Actor, question_id: int
) -> Question | None:
    question = await session.get(Question, question_id)
    if question is None or question.school_id not in actor.org_ids(Role.curator):
        await query.answer(_("This question is not available to you."), show_alert=True)
        return None
    return question


async def open_pressed(
    query: CallbackQuery, callback_data: QOpen, session: AsyncSession, actor: Actor
) -> None:
    question = await _curated(query, session, actor, callback_data.question_id)
    if question is None:
        return
    await query.answer()
    asker = await session.get(Person, question.asker_id)
    lines = [
        _("<b>Question from {name}</b>, {date}").format(
            name=escape((asker.full_name if asker else None) or "—"),
            date=show_date(question.created_at.date()),
        ),
        "",
        escape(question.text),
    ]
    rows = []
    if question.status == questions.ANSWERED:
        lines += ["", _("Answer: {answer}").format(answer=escape(question.answer or ""))]
    else:
        rows.append([_button(_("✍ Answer"), QAnswer(question_id=question.id))])
    rows.append([_button(_("◀ To the list"), QList(status=question.status))])
    if isinstance(query.message, Message):
        await replace_screen(
            query.message, "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)
        )


async def answer_pressed(
    query: CallbackQuery,
    callback_data: QAnswer,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    question = await _curated(query, session, actor, callback_data.question_id)
    if question is None:
        return
    if question.status != questions.OPEN:
        await query.answer(_("This question has been answered already."), show_alert=True)
        return
    await query.answer()
    await state.clear()
    await state.set_state(Answering.text)
    await state.update_data(answer_question=question.id)
    low, high = questions.ANSWER_LENGTH
    if isinstance(query.message, Message):
        await query.message.answer(
            ngettext(
                "Your answer to «{question}» ({min}–{max} character):",
                "Your answer to «{question}» ({min}–{max} characters):",
                high,
            ).format(question=escape(_short(question.text, 200)), min=low, max=high),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[cancel_button()]]),
        )


async def answer_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    i18n: I18n,
) -> None:
    text = await parse_typed(message, ANSWER, clock.now().date())
    if text is REJECTED:
        return
    question_id = (await state.get_data()).get("answer_question")
    await state.clear()
    question = await session.get(Question, question_id) if question_id else None
    if question is None or question.school_id not in actor.org_ids(Role.curator):
        await message.answer(_("This question is not available to you."))
        return
    answered = await questions.answer(session, question.id, actor.person_id, text, clock.now())
    if answered is None:
        await message.answer(_("This question has been answered already."))
        return
    await message.answer(
        _("Your answer is sent."),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[_button(_("◀ To the list"), QList())]]),
    )
    asked, curator = answered.text, actor.full_name or "—"
    await tell(
        bot,
        i18n,
        await questions.contact(session, answered.asker_id),
        lambda: _("💬 {curator} answered your question «{question}»:\n\n{answer}").format(
            curator=escape(curator), question=escape(_short(asked, 200)), answer=escape(text)
        ),
    )


def build_router() -> Router:
    router = Router(name="questions")
    allowed = Allowed("questions")
    router.message.register(questions_requested, Command("questions"), allowed)
    router.callback_query.register(list_pressed, QList.filter(), allowed)
    router.callback_query.register(open_pressed, QOpen.filter(), allowed)
    router.callback_query.register(answer_pressed, QAnswer.filter(), allowed)
    router.message.register(answer_typed, Answering.text, ~F.text.startswith("/"), allowed)
    return router
