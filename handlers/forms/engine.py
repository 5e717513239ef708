"""The conversation that fills a Form: ask, validate, advance, summarise, submit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from html import escape
from typing import Any

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from handlers.forms.fields import Field, Form
from handlers.forms.typed import REJECTED, parse_typed
from handlers.system.cancel import cancel_button
from storage.clock import Clock

Submit = Callable[[CallbackQuery, dict[str, Any], dict[str, Any], dict[str, Any]], Awaitable[None]]
# Every form the engine runs, by name, with what saves it: put together by
# handlers.engine_forms() and given to the handlers as the dispatcher's "forms".
Forms = Mapping[str, tuple[Form, Submit]]


class Filling(StatesGroup):
    answering = State()
    confirming = State()


class FormAct(CallbackData, prefix="f"):
    action: str  # pick, toggle, done, skip, back, confirm, edit, jump
    key: str = ""
    value: str = ""


async def start_form(
    message: Message,
    state: FSMContext,
    form: Form,
    context: dict[str, Any],
    answers: dict[str, Any] | None = None,
) -> None:
    answers = answers or {}
    first = form.visible(answers)[0]
    await state.set_state(Filling.answering)
    await state.set_data(
        {
            "form": form.name,
            "key": first.key,
            "answers": answers,
            "context": context,
            "editing": False,
        }
    )
    await _ask(message, form, first, answers)


async def review_form(
    message: Message,
    state: FSMContext,
    form: Form,
    context: dict[str, Any],
    answers: dict[str, Any],
) -> None:
    """Start a form whose answers are mostly known: ask only the fields missing from
    `answers` (a key present with None counts as skipped), then show the summary."""
    await state.set_state(Filling.answering)
    data = {
        "form": form.name,
        "key": form.visible(answers)[0].key,
        "answers": answers,
        "context": context,
        "editing": True,
    }
    await _advance(message, state, data, form)


def _button(text: str, action: str, key: str = "", value: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=FormAct(action=action, key=key, value=value).pack()
    )


def _question(
    form: Form, field: Field, answers: dict[str, Any]
) -> tuple[str, InlineKeyboardMarkup]:
    visible = form.visible(answers)
    number = next(i for i, f in enumerate(visible, 1) if f.key == field.key)
    # The question being asked is still open: its current answer decides nothing yet.
    fewest, most = form.step_totals({k: v for k, v in answers.items() if k != field.key})
    if fewest == most:
        text = _("Step {number} of {total}").format(number=number, total=most)
    else:
        text = _("Step {number} of {fewest}–{most}").format(number=number, fewest=fewest, most=most)
    text = f"<i>{text}</i>\n\n{field.prompt}"
    if field.hint:
        text += f"\n<i>{field.hint}</i>"
    rows: list[list[InlineKeyboardButton]] = []
    selected = answers.get(field.key) or []
    for choice in field.choices:
        if field.multiple:
            mark = "✅ " if choice.value in selected else "▫️ "
            rows.append([_button(mark + str(choice.label), "toggle", field.key, choice.value)])
        else:
            rows.append([_button(str(choice.label), "pick", field.key, choice.value)])
    if field.multiple:
        rows.append([_button(_("Done ✔"), "done", field.key)])
    navigation = []
    if number > 1:
        navigation.append(_button(_("◀ Back"), "back", field.key))
    if field.optional:
        navigation.append(_button(_("Skip ▶"), "skip", field.key))
    if navigation:
        rows.append(navigation)
    rows.append([cancel_button()])
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


async def _ask(message: Message, form: Form, field: Field, answers: dict[str, Any]) -> None:
    text, markup = _question(form, field, answers)
    await message.answer(text, reply_markup=markup)


def _summary(form: Form, answers: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [_("Please check:"), ""]
    for field in form.visible(answers):
        lines.append(f"<b>{field.label}</b>: {escape(field.render(answers.get(field.key)))}")
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(_("✔ All correct"), "confirm"), _button(_("✎ Change"), "edit")],
            [cancel_button()],
        ]
    )
    return "\n".join(lines), markup


async def _advance(message: Message, state: FSMContext, data: dict[str, Any], form: Form) -> None:
    answers = data["answers"]
    visible = form.visible(answers)
    keys = [f.key for f in visible]
    if data["editing"]:
        upcoming = [f for f in visible if f.key not in answers]
    else:
        position = keys.index(data["key"]) if data["key"] in keys else -1
        upcoming = visible[position + 1 :]
    if upcoming:
        data["key"] = upcoming[0].key
        await state.set_data(data)
        await _ask(message, form, upcoming[0], answers)
        return
    # Answers to fields that a later change hid are dropped, so nothing stale is saved.
    data["answers"] = {k: v for k, v in answers.items() if k in keys}
    await state.set_data(data)
    await state.set_state(Filling.confirming)
    text, markup = _summary(form, data["answers"])
    await message.answer(text, reply_markup=markup)


async def _current(state: FSMContext, forms: Forms) -> tuple[dict[str, Any], Form, Field]:
    data = await state.get_data()
    form, _submit = forms[data["form"]]
    return data, form, form.get(data["key"], data["answers"])


async def answer_typed(message: Message, state: FSMContext, clock: Clock, forms: Forms) -> None:
    data, form, field = await _current(state, forms)
    value = await parse_typed(message, field, clock.now().date())
    if value is REJECTED:
        return
    data["answers"][field.key] = value
    await _advance(message, state, data, form)


async def button_pressed(
    query: CallbackQuery, callback_data: FormAct, state: FSMContext, forms: Forms
) -> None:
    data, form, field = await _current(state, forms)
    message = query.message
    if callback_data.key != field.key or not isinstance(message, Message):
        await query.answer(_("This button is no longer active."))
        return
    answers = data["answers"]
    action = callback_data.action
    if action in ("pick", "toggle") and callback_data.value not in {c.value for c in field.choices}:
        await query.answer(_("This button is no longer active."))
        return
    if action == "pick":
        previous = answers.get(field.key, data.get("replaced", {}).get(field.key))
        if previous not in (None, callback_data.value):
            # Another choice may change which questions apply and their bounds: ask those again.
            for dependent in form.fields:
                if dependent.when is not None:
                    answers.pop(dependent.key, None)
        answers[field.key] = callback_data.value
        await query.answer()
        await message.edit_text(
            f"{message.html_text}\n\n→ <b>{escape(field.label_of(callback_data.value))}</b>"
        )
        await _advance(message, state, data, form)
    elif action == "toggle":
        selected = list(answers.get(field.key) or [])
        value = callback_data.value
        selected = [v for v in selected if v != value] if value in selected else [*selected, value]
        answers[field.key] = selected
        await state.set_data(data)
        await query.answer()
        await message.edit_reply_markup(reply_markup=_question(form, field, answers)[1])
    elif action == "done":
        if not field.optional and not answers.get(field.key):
            await query.answer(_("Choose at least one option."), show_alert=True)
            return
        answers.setdefault(field.key, [])
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        await _advance(message, state, data, form)
    elif action == "skip" and field.optional:
        answers[field.key] = [] if field.multiple else None
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        await _advance(message, state, data, form)
    elif action == "back":
        await _go_back(query, message, state, data, form, field)
    else:
        await query.answer(_("This button is no longer active."))


async def _go_back(
    query: CallbackQuery,
    message: Message,
    state: FSMContext,
    data: dict[str, Any],
    form: Form,
    field: Field,
) -> None:
    visible = form.visible(data["answers"])
    position = [f.key for f in visible].index(field.key)
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    previous = visible[max(position - 1, 0)]
    data["key"] = previous.key
    data["editing"] = False
    await state.set_data(data)
    await _ask(message, form, previous, data["answers"])


async def summary_pressed(
    query: CallbackQuery,
    callback_data: FormAct,
    state: FSMContext,
    forms: Forms,
    **context: Any,
) -> None:
    data = await state.get_data()
    form, submit = forms[data["form"]]
    message = query.message
    if not isinstance(message, Message):
        return
    if callback_data.action == "confirm":
        await message.edit_reply_markup(reply_markup=None)
        await submit(query, data["answers"], data["context"], {**context, "state": state})
    elif callback_data.action == "edit":
        await query.answer()
        rows = [[_button(str(f.label), "jump", f.key)] for f in form.visible(data["answers"])]
        await message.edit_reply_markup(reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))
    elif callback_data.action == "jump":
        keys = [f.key for f in form.visible(data["answers"])]
        if callback_data.key not in keys:
            await query.answer(_("This button is no longer active."))
            return
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        # Kept aside: choosing another value must still clear the answers that depended on it.
        data["replaced"] = {callback_data.key: data["answers"].pop(callback_data.key, None)}
        data.update(key=callback_data.key, editing=True)
        await state.set_data(data)
        await state.set_state(Filling.answering)
        await _ask(message, form, form.get(callback_data.key, data["answers"]), data["answers"])
    else:
        await query.answer(_("This button is no longer active."))


async def summary_typed(message: Message) -> None:
    await message.answer(_("Please confirm or change the answers with the buttons above."))


def build_router() -> Router:
    router = Router(name="forms")
    # Commands other than /cancel pass through, so /help works in the middle of a form.
    router.message.register(answer_typed, Filling.answering, ~F.text.startswith("/"))
    router.callback_query.register(button_pressed, Filling.answering, FormAct.filter())
    router.callback_query.register(summary_pressed, Filling.confirming, FormAct.filter())
    router.message.register(summary_typed, Filling.confirming, ~F.text.startswith("/"))
    return router
