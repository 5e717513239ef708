"""Answering a questionnaire: one question a message, back, skip, a summary, then sending.

Scale questions show 1–10 as two rows of five (a typed number works too), yes/no two
buttons, single choice one button an option, multiple choice ticks and «Done», free text is
typed. Everything answered stays in the FSM draft until it is sent, so a restart resumes the
conversation where it was.
"""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.surveys.common import (
    DRAFT,
    SurveyAct,
    SurveyFilling,
    act,
    questionnaire_of,
    questions_of,
)
from handlers.system.cancel import cancel_button
from storage.surveys.answers import SCALE
from storage.surveys.questionnaires.model import Kind, Question

SUMMARY_TEXT_LIMIT = 200  # characters of a free-text answer shown in the summary


def render_value(question: Question, value: Any) -> str:
    """An answer as the respondent sees it (already HTML-escaped)."""
    if value is None:
        return _("— (skipped)")
    if question.kind == Kind.yes_no:
        return _("Yes") if value else _("No")
    if question.kind in (Kind.single, Kind.multiple):
        values = value if isinstance(value, list) else [value]
        labels = {o.value: str(o.label) for o in question.options}
        return escape(", ".join(labels.get(v, v) for v in values)) if values else _("none")
    return escape(str(value))


def _position(draft: dict[str, Any], key: str) -> tuple[int, int]:
    keys = [q.key for q in questions_of(draft)]
    return keys.index(key) + 1, len(keys)


def question_screen(draft: dict[str, Any], question: Question) -> tuple[str, InlineKeyboardMarkup]:
    number, total = _position(draft, question.key)
    header = _("Question {number} of {total}").format(number=number, total=total)
    lines = [f"<i>{header}</i>", "", str(question.text)]
    hint = {
        Kind.scale: _("1 is the lowest, 10 the highest: tap a number or send it."),
        Kind.multiple: _("Tick all that apply, then tap «Done ✔»."),
        Kind.text: ngettext(
            "Write your answer in one message, up to {max} character.",
            "Write your answer in one message, up to {max} characters.",
            question.max_length,
        ).format(max=question.max_length),
    }.get(question.kind)
    if hint:
        lines.append(f"<i>{hint}</i>")
    answers = draft["answers"]
    if question.key in answers and question.kind != Kind.multiple:
        current = render_value(question, answers[question.key])
        lines += ["", _("Current answer: {answer}").format(answer=current)]
    return "\n".join(lines), _keyboard(question, answers, number > 1)


def _keyboard(
    question: Question, answers: dict[str, Any], can_go_back: bool
) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    key = question.key
    if question.kind == Kind.scale:
        rows = [
            [act(str(n), "pick", key, str(n)) for n in range(1, 6)],
            [act(str(n), "pick", key, str(n)) for n in range(6, 11)],
        ]
    elif question.kind == Kind.yes_no:
        rows = [[act(_("Yes"), "pick", key, "1"), act(_("No"), "pick", key, "0")]]
    elif question.kind == Kind.single:
        rows = [[act(str(o.label), "pick", key, o.value)] for o in question.options]
    elif question.kind == Kind.multiple:
        ticked = answers.get(key) or []
        rows = [
            [act(("✅ " if o.value in ticked else "▫️ ") + str(o.label), "toggle", key, o.value)]
            for o in question.options
        ]
        rows.append([act(_("Done ✔"), "done", key)])
    navigation = []
    if can_go_back:
        navigation.append(act(_("◀ Back"), "back", key))
    if not question.required:
        navigation.append(act(_("Skip ▶"), "skip", key))
    if navigation:
        rows.append(navigation)
    rows.append([cancel_button()])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def summary_screen(draft: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup]:
    questionnaire = questionnaire_of(draft)
    lines = [f"<b>{questionnaire.title}</b>", _("Please check your answers:"), ""]
    for number, question in enumerate(questions_of(draft), 1):
        value = draft["answers"].get(question.key)
        if isinstance(value, str) and len(value) > SUMMARY_TEXT_LIMIT:
            value = value[:SUMMARY_TEXT_LIMIT] + "…"
        lines.append(f"{number}. {question.text}")
        lines.append(f"→ <b>{render_value(question, value)}</b>")
    return "\n".join(lines), summary_keyboard()


def summary_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [act(_("✔ Send"), "send"), act(_("✎ Change an answer"), "edit")],
            [cancel_button()],
        ]
    )


def numbers_keyboard(draft: dict[str, Any]) -> InlineKeyboardMarkup:
    questions = questions_of(draft)
    buttons = [act(str(n), "jump", q.key) for n, q in enumerate(questions, 1)]
    rows = [buttons[i : i + 6] for i in range(0, len(buttons), 6)]
    rows.append([act(_("◀ Back"), "summary")])
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def ask(message: Message, draft: dict[str, Any]) -> None:
    """Send the current question, or the summary when every question has been visited."""
    if draft.get("at") is None:
        text, markup = summary_screen(draft)
    else:
        question = next(q for q in questions_of(draft) if q.key == draft["at"])
        text, markup = question_screen(draft, question)
    await message.answer(text, reply_markup=markup)


async def begin(
    message: Message, state: FSMContext, draft: dict[str, Any], first_unanswered: bool
) -> None:
    """Store the draft and ask its first question (or go on where the answers end)."""
    questions = questions_of(draft)
    pending = [q for q in questions if q.key not in draft["answers"]]
    if first_unanswered:
        draft["at"] = pending[0].key if pending else None
    else:
        draft["at"] = questions[0].key
    await _store(state, draft)
    await ask(message, draft)


async def _store(state: FSMContext, draft: dict[str, Any]) -> None:
    await state.set_state(SurveyFilling.answering if draft["at"] else SurveyFilling.confirming)
    await state.update_data({DRAFT: draft})


async def _advance(message: Message, state: FSMContext, draft: dict[str, Any]) -> None:
    questions = questions_of(draft)
    keys = [q.key for q in questions]
    if draft.get("editing"):
        # Changing one answer from the summary: back to the summary, unless something is
        # still unanswered (a required question never reached).
        upcoming = [q for q in questions if q.key not in draft["answers"]]
        draft["editing"] = False
    else:
        upcoming = questions[keys.index(draft["at"]) + 1 :]
    draft["at"] = upcoming[0].key if upcoming else None
    await _store(state, draft)
    await ask(message, draft)


async def _current(state: FSMContext) -> tuple[dict[str, Any], Question] | None:
    draft = (await state.get_data()).get(DRAFT)
    if not draft or not draft.get("at"):
        return None
    question = next((q for q in questions_of(draft) if q.key == draft["at"]), None)
    return (draft, question) if question is not None else None


async def _stale(query: CallbackQuery) -> None:
    await query.answer(_("This button is no longer active."), show_alert=True)


async def question_pressed(query: CallbackQuery, callback_data: SurveyAct, state: FSMContext):
    current = await _current(state)
    message = query.message
    if current is None or not isinstance(message, Message):
        await _stale(query)
        return
    draft, question = current
    if callback_data.key != question.key:
        await _stale(query)
        return
    answers = draft["answers"]
    action = callback_data.action
    if action == "pick":
        value = _picked(question, callback_data.value)
        if value is None:
            await _stale(query)
            return
        answers[question.key] = value
        await query.answer()
        await _show_answer(message, render_value(question, value))
        await _advance(message, state, draft)
    elif action == "toggle" and question.kind == Kind.multiple:
        if callback_data.value not in {o.value for o in question.options}:
            await _stale(query)
            return
        ticked = list(answers.get(question.key) or [])
        value = callback_data.value
        ticked = [v for v in ticked if v != value] if value in ticked else [*ticked, value]
        answers[question.key] = ticked
        await state.update_data({DRAFT: draft})
        await query.answer()
        await message.edit_reply_markup(reply_markup=question_screen(draft, question)[1])
    elif action == "done" and question.kind == Kind.multiple:
        if question.required and not answers.get(question.key):
            await query.answer(_("Choose at least one option."), show_alert=True)
            return
        answers.setdefault(question.key, [])
        await query.answer()
        await _show_answer(message, render_value(question, answers[question.key]))
        await _advance(message, state, draft)
    elif action == "skip" and not question.required:
        answers[question.key] = None
        await query.answer()
        await _show_answer(message, render_value(question, None))
        await _advance(message, state, draft)
    elif action == "back":
        keys = [q.key for q in questions_of(draft)]
        position = keys.index(question.key)
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        draft["at"] = keys[max(position - 1, 0)]
        draft["editing"] = False
        await _store(state, draft)
        await ask(message, draft)
    else:
        await _stale(query)


def _picked(question: Question, raw: str) -> Any:
    if question.kind == Kind.scale:
        return int(raw) if raw.isdigit() and int(raw) in SCALE else None
    if question.kind == Kind.yes_no:
        return {"1": True, "0": False}.get(raw)
    if question.kind == Kind.single:
        return raw if raw in {o.value for o in question.options} else None
    return None


async def _show_answer(message: Message, shown: str) -> None:
    """The question stays in the chat with the answer under it and no buttons."""
    await message.edit_text(f"{message.html_text}\n\n→ <b>{shown}</b>", reply_markup=None)


async def answer_typed(message: Message, state: FSMContext) -> None:
    current = await _current(state)
    if current is None:
        await state.set_state(SurveyFilling.confirming)
        await summary_typed(message, state)
        return
    draft, question = current
    raw = (message.text or "").strip()
    problem = None
    if message.text is None:
        problem = _("Please answer with a text message or the buttons under the question.")
    elif question.kind == Kind.text:
        if not raw:
            problem = _("The answer is empty. Please write it in one message.")
        elif len(raw) > question.max_length:
            problem = ngettext(
                "The answer is too long: up to {max} character, yours has {count}. "
                "Please shorten it.",
                "The answer is too long: up to {max} characters, yours has {count}. "
                "Please shorten it.",
                question.max_length,
            ).format(max=question.max_length, count=len(raw))

    elif question.kind == Kind.scale:
        if not (raw.isdigit() and int(raw) in SCALE):
            problem = _("Please send a whole number from 1 to 10, or tap a button.")
    else:
        problem = _("Please answer with the buttons under the question.")
    if problem is not None:
        await message.answer(problem)
        await ask(message, draft)
        return
    draft["answers"][question.key] = int(raw) if question.kind == Kind.scale else raw
    await _advance(message, state, draft)


async def summary_typed(message: Message, state: FSMContext) -> None:
    draft = (await state.get_data()).get(DRAFT)
    await message.answer(_("Please send or change the answers with the buttons below."))
    if draft:
        await ask(message, draft)


async def summary_edit(query: CallbackQuery, callback_data: SurveyAct, state: FSMContext):
    """✎ Change an answer, a question's number, or ◀ Back to the summary's buttons."""
    draft = (await state.get_data()).get(DRAFT)
    message = query.message
    if not draft or not isinstance(message, Message):
        await _stale(query)
        return
    if callback_data.action == "edit":
        await query.answer()
        await message.edit_reply_markup(reply_markup=numbers_keyboard(draft))
    elif callback_data.action == "summary":
        await query.answer()
        await message.edit_reply_markup(reply_markup=summary_keyboard())
    elif callback_data.action == "jump":
        if callback_data.key not in {q.key for q in questions_of(draft)}:
            await _stale(query)
            return
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        draft.update(at=callback_data.key, editing=True)
        await _store(state, draft)
        await ask(message, draft)
    else:
        await _stale(query)
