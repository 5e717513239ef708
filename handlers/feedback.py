"""/feedback: a short conversation that delivers a message to the administrators.

Topic, then text, then a preview to confirm; each step is kept in the FSM storage,
so a restart in the middle loses nothing.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from html import escape

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.system.cancel import cancel_button
from handlers.ui.screens import replace_screen
from storage.clock import Clock
from storage.community.feedback import save_feedback
from storage.people.actor import Actor
from storage.settings import Settings

log = logging.getLogger(__name__)

MIN_LENGTH = 5
MAX_LENGTH = 2000


class FeedbackForm(StatesGroup):
    topic = State()
    text = State()
    confirm = State()


class Topic(StrEnum):
    problem = "problem"
    question = "question"
    idea = "idea"


class Step(StrEnum):
    send = "send"
    edit = "edit"
    back = "back"


class TopicChosen(CallbackData, prefix="fb_t"):
    topic: Topic


class StepChosen(CallbackData, prefix="fb_s"):
    step: Step


def topic_title(topic: Topic) -> str:
    titles = {
        Topic.problem: _("Something does not work"),
        Topic.question: _("A question"),
        Topic.idea: _("A suggestion"),
    }
    return titles[topic]


def _keyboard(*rows: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [cancel_button()]])


def _step(text: str, step: Step) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=StepChosen(step=step).pack())


async def feedback_requested(message: Message, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(FeedbackForm.topic)
    await message.answer(
        _("What would you like to tell the administrators about?"), reply_markup=_topics()
    )


def _topics() -> InlineKeyboardMarkup:
    return _keyboard(
        *[
            [InlineKeyboardButton(text=topic_title(t), callback_data=TopicChosen(topic=t).pack())]
            for t in Topic
        ]
    )


async def topic_chosen(query: CallbackQuery, callback_data: TopicChosen, state: FSMContext) -> None:
    await state.update_data(topic=callback_data.topic.value)
    await state.set_state(FeedbackForm.text)
    await query.answer()
    await _ask_text(query, callback_data.topic)


async def _ask_text(query: CallbackQuery, topic: Topic) -> None:
    text = ngettext(
        "Topic: {topic}.\nNow write your message in one text ({min}–{max} character).",
        "Topic: {topic}.\nNow write your message in one text ({min}–{max} characters).",
        MAX_LENGTH,
    ).format(topic=topic_title(topic), min=MIN_LENGTH, max=MAX_LENGTH)
    markup = _keyboard([_step(_("◀ Back"), Step.back)])
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, markup)


async def topic_typed(message: Message) -> None:
    await message.answer(
        _("Please choose the topic with the buttons above."), reply_markup=_topics()
    )


async def back_to_topic(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(FeedbackForm.topic)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_text(
            _("What would you like to tell the administrators about?"), reply_markup=_topics()
        )


async def text_written(message: Message, state: FSMContext) -> None:
    if message.text is None:
        await message.answer(_("Please send your message as text."))
        return
    text = message.text.strip()
    if not MIN_LENGTH <= len(text) <= MAX_LENGTH:
        await message.answer(
            ngettext(
                "The message must be {min} to {max} character long; yours has {count}. "
                "Please write it again.",
                "The message must be {min} to {max} characters long; yours has {count}. "
                "Please write it again.",
                MAX_LENGTH,
            ).format(min=MIN_LENGTH, max=MAX_LENGTH, count=len(text))
        )
        return
    await state.update_data(text=text)
    await state.set_state(FeedbackForm.confirm)
    data = await state.get_data()
    await message.answer(
        _("Please check your message:\n\n<b>{topic}</b>\n{text}").format(
            topic=topic_title(Topic(data["topic"])), text=escape(text)
        ),
        reply_markup=_keyboard([_step(_("Send"), Step.send), _step(_("Edit"), Step.edit)]),
    )


async def edit_requested(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(FeedbackForm.text)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(_("Write the message again; the new text replaces the old one."))


async def send_confirmed(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    bot: Bot,
    i18n: I18n,
) -> None:
    data = await state.get_data()
    feedback = await save_feedback(
        session, actor.person_id, data["topic"], data["text"], clock.now()
    )
    await state.clear()
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(_("Sent. Thank you! The administrators will read it soon."))
    # Administrators' own language choice is not known here; they read the installation's default.
    with i18n.use_locale(settings.default_locale):
        text = _(
            "Feedback #{id} · {topic}\nFrom: {author} (Telegram id {user_id})\n\n{text}"
        ).format(
            id=feedback.id,
            topic=topic_title(Topic(data["topic"])),
            author=escape(query.from_user.full_name),
            user_id=query.from_user.id,
            text=escape(data["text"]),
        )
    await _notify_admins(bot, settings.admin_ids, feedback.id, text)


async def _notify_admins(bot: Bot, admin_ids: frozenset[int], feedback_id: int, text: str) -> None:
    for admin_id in sorted(admin_ids):
        try:
            await bot.send_message(admin_id, text)
        except TelegramAPIError as exc:
            # Stored either way; an admin who never started the bot reads it later.
            log.warning("feedback %s not delivered to admin %s: %s", feedback_id, admin_id, exc)


def build_router() -> Router:
    router = Router(name="feedback")
    router.message.register(feedback_requested, Command("feedback"))
    router.callback_query.register(topic_chosen, FeedbackForm.topic, TopicChosen.filter())
    # Commands pass through: /help works mid-way, and a command never becomes the text.
    not_command = ~F.text.startswith("/")
    router.message.register(topic_typed, FeedbackForm.topic, not_command)
    router.callback_query.register(
        back_to_topic, FeedbackForm.text, StepChosen.filter(F.step == Step.back)
    )
    router.message.register(
        text_written, StateFilter(FeedbackForm.text, FeedbackForm.confirm), not_command
    )
    router.callback_query.register(
        edit_requested, FeedbackForm.confirm, StepChosen.filter(F.step == Step.edit)
    )
    router.callback_query.register(
        send_confirmed, FeedbackForm.confirm, StepChosen.filter(F.step == Step.send)
    )
    return router
