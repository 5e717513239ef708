"""Texts and keyboards of /pair; no state and no database here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from handlers.system.cancel import cancel_button
from handlers.ui.paging import paged
from storage.catalogue.entries import Entry
from storage.pairing.people import Candidate


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


def person_label(person: Candidate) -> str:
    """The name; a mentee already in pairs or groups says how many mentors they have."""
    if not person.mentors:
        return person.name
    count = ngettext("{n} mentor", "{n} mentors", person.mentors).format(n=person.mentors)
    return f"{person.name} · {count}"


def people_keyboard(
    people: list[Candidate],
    action: str,
    selected: Iterable[int] = (),
    *,
    multiple: bool = False,
    page: int = 0,
    searching: bool = False,
) -> InlineKeyboardMarkup:
    """A page of people (PAGE_SIZE, ◀ «page of total» ▶ below); with a search on, a button
    that shows everyone again."""
    chosen = set(selected)
    buttons = []
    for person in people:
        mark = ("✅ " if person.person_id in chosen else "▫️ ") if multiple else ""
        data = PairStep(action=action, value=person.person_id).pack()
        buttons.append(InlineKeyboardButton(text=mark + person_label(person), callback_data=data))
    rows = paged(buttons, page, lambda p: PairStep(action=f"{action}_page", value=p))
    extra = []
    if searching:
        extra.append((_("✖ Show everyone"), PairStep(action=f"{action}_all")))
    if multiple:
        extra.append((_("Done ✔"), PairStep(action=f"{action}_done")))
    markup = keyboard(extra)
    markup.inline_keyboard[:0] = rows
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
