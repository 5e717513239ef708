"""Long lists of buttons a page at a time.

A region has hundreds of schools and a large one over fifty municipalities; Telegram
shows a hundred buttons at most and nobody scrolls through them, so a picker shows
PAGE_SIZE at a time with ◀ «2 of 9» ▶ under them. The caller says which callback turns
to a page (`turn(page)`), so each picker keeps its own callback data and its own checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from aiogram.utils.i18n import gettext as _

PAGE_SIZE = 20

Turn = Callable[[int], CallbackData]


def page_count(items: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-items // size))


def navigation_row(page: int, total: int, turn: Turn) -> list[InlineKeyboardButton]:
    """◀ «page of total» ▶ (the middle one shows the same page again); empty for one page."""
    if total <= 1:
        return []
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(text="◀", callback_data=turn(page - 1).pack()))
    row.append(
        InlineKeyboardButton(
            text=_("{page} of {total}").format(page=page + 1, total=total),
            callback_data=turn(page).pack(),
        )
    )
    if page < total - 1:
        row.append(InlineKeyboardButton(text="▶", callback_data=turn(page + 1).pack()))
    return row


def paged(
    buttons: Sequence[InlineKeyboardButton], page: int, turn: Turn, size: int = PAGE_SIZE
) -> list[list[InlineKeyboardButton]]:
    """One button a row for the page asked (clamped: a stale page shows the nearest),
    then the navigation row when there is more than one page."""
    total = page_count(len(buttons), size)
    page = max(0, min(page, total - 1))
    rows = [[b] for b in buttons[page * size : (page + 1) * size]]
    nav = navigation_row(page, total, turn)
    return [*rows, nav] if nav else rows
