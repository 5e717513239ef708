"""Texts and keyboards of /pair; no state and no database here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from handlers.cancel import cancel_button
from storage.catalogue import Entry
from storage.pairing import Candidate

PEOPLE_PAGE = 20  # a keyboard stays usable on a phone; more are reached with ◀ ▶


class PairStep(CallbackData, prefix="pr_s"):
    action: str
    value: int = 0


def keyboard(
    buttons: Iterable[tuple[str, CallbackData]], *, columns: int = 1
) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    for text, data in buttons:
        button = InlineKeyboardButton(text=text, callback_data=data.pack())
        if rows and len(rows[-1]) < columns:
            rows[-1].append(button)
        else:
            rows.append([button])
    rows.append([cancel_button()])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def people_keyboard(
    people: list[Candidate],
    action: str,
    selected: Iterable[int] = (),
    *,
    multiple: bool = False,
    page: int = 0,
) -> InlineKeyboardMarkup:
    chosen = set(selected)
    pages = max(1, -(-len(people) // PEOPLE_PAGE))
    page = min(max(page, 0), pages - 1)
    buttons = []
    for person in people[page * PEOPLE_PAGE : (page + 1) * PEOPLE_PAGE]:
        mark = ("✅ " if person.person_id in chosen else "▫️ ") if multiple else ""
        buttons.append((f"{mark}{person.name}", PairStep(action=action, value=person.person_id)))
    turns = []
    if page > 0:
        turns.append(("◀", PairStep(action=f"{action}_page", value=page - 1)))
    if page < pages - 1:
        turns.append((f"▶ {page + 2}/{pages}", PairStep(action=f"{action}_page", value=page + 1)))
    if multiple:
        buttons.append((_("Done ✔"), PairStep(action=f"{action}_done")))
    markup = keyboard(buttons)
    if turns:
        row = [InlineKeyboardButton(text=t, callback_data=d.pack()) for t, d in turns]
        markup.inline_keyboard.insert(len(markup.inline_keyboard) - 1, row)
    return markup


def entries_keyboard(items: list[Entry], action: str, *, skippable: bool) -> InlineKeyboardMarkup:
    buttons = [(item.name, PairStep(action=action, value=item.id)) for item in items]
    if skippable:
        buttons.append((_("Skip ▶"), PairStep(action=action, value=0)))
    return keyboard(buttons)


def summary_text(
    *,
    group: bool,
    mentors: list[str],
    mentees: list[str],
    form: str,
    role_model: str | None,
    kind: str | None,
    starts_on: date,
    planned_end_on: date,
    goals: str,
) -> str:
    lines = [
        _("<b>New group</b>") if group else _("<b>New pair</b>"),
        _("Mentors: {names}").format(names=escape(", ".join(mentors))),
        _("Mentees: {names}").format(names=escape(", ".join(mentees))),
        _("Form: {name}").format(name=escape(form)),
    ]
    if role_model:
        lines.append(_("Role model: {name}").format(name=escape(role_model)))
    if kind:
        lines.append(_("Kind: {name}").format(name=escape(kind)))
    lines.append(
        _("From {start} to {end}").format(
            start=starts_on.strftime("%d.%m.%Y"), end=planned_end_on.strftime("%d.%m.%Y")
        )
    )
    lines.append(_("Goals: {goals}").format(goals=escape(goals)))
    return "\n".join(lines)
