"""/people: the curator's list of the school's participants, by pages and filters; for
coordinators and the administrator, the curators and coordinators in their care (people_staff).

The card and its actions live in people_card, people_status and people_edit(_value); this router
includes them so the dispatcher wiring stays one line.
"""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed, coordinates
from handlers.people.card import consent_lines, memberships_line
from handlers.people.common import (
    FILTER_STATUS,
    PAGE_SIZE,
    CardOpened,
    PeopleFilter,
    PeoplePage,
    SchoolChosen,
    button,
    curated_schools,
    display_name,
    remember_position,
)
from handlers.people.staff import show_list as show_staff
from handlers.people.staff_common import StaffPage
from handlers.ui.screens import replace_screen
from storage.models.orgs import Organization
from storage.orgs.scope import effective_timezone
from storage.people.actor import Actor
from storage.people.admin import school_page
from storage.settings import Settings


def filter_title(people_filter: PeopleFilter) -> str:
    return {
        PeopleFilter.all: _("All"),
        PeopleFilter.awaiting: _("Awaiting guardian"),
        PeopleFilter.deactivated: _("Deactivated"),
    }[people_filter]


async def people_requested(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings, state: FSMContext
) -> None:
    schools = list(
        await session.scalars(
            select(Organization)
            .where(Organization.id.in_(curated_schools(actor)))
            .order_by(Organization.name)
        )
    )
    if coordinates(actor):
        if not schools:
            await show_staff(message, session, actor, state, StaffPage(), edit=False)
            return
        # A coordinator who is also a curator: the school's participants or the staff.
        rows = [[button(school.name, SchoolChosen(school_id=school.id))] for school in schools]
        rows.append([button(_("👥 Curators and coordinators"), StaffPage())])
        await message.answer(
            _("Whom do you want to see?"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
        )
        return
    if len(schools) == 1:
        page = PeoplePage(school_id=schools[0].id)
        await remember_position(state, page)
        text, markup = await render_list(session, settings, page)
        await message.answer(text, reply_markup=markup)
        return
    rows = [[button(school.name, SchoolChosen(school_id=school.id))] for school in schools]
    await message.answer(
        _("Which school's participants do you want to see?"),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=rows),
    )


async def school_chosen(
    query: CallbackQuery,
    callback_data: SchoolChosen,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    state: FSMContext,
) -> None:
    await _show_page(
        query, PeoplePage(school_id=callback_data.school_id), session, actor, settings, state
    )


async def page_requested(
    query: CallbackQuery,
    callback_data: PeoplePage,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    state: FSMContext,
) -> None:
    await _show_page(query, callback_data, session, actor, settings, state)


async def _show_page(
    query: CallbackQuery,
    page: PeoplePage,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    state: FSMContext,
) -> None:
    if page.school_id not in curated_schools(actor):
        await query.answer(_("This school is not yours."), show_alert=True)
        return
    await remember_position(state, page)
    text, markup = await render_list(session, settings, page)
    await query.answer()
    if isinstance(query.message, Message):
        await replace_screen(query.message, text, markup)


async def render_list(
    session: AsyncSession, settings: Settings, page: PeoplePage
) -> tuple[str, InlineKeyboardMarkup]:
    status = FILTER_STATUS[page.view]
    number = max(page.page, 0)
    people, total = await school_page(session, page.school_id, status, number, PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    if number >= pages:  # the list shrank since the button was drawn: show its last page
        number = pages - 1
        people, total = await school_page(session, page.school_id, status, number, PAGE_SIZE)
    school = await session.get(Organization, page.school_id)
    zone = await effective_timezone(session, page.school_id, settings.default_timezone)
    lines = [
        _("«{school}», participants — {filter}: {total}").format(
            school=escape(school.name), filter=filter_title(page.view), total=total
        ),
        _("Page {page} of {pages}").format(page=number + 1, pages=pages),
    ]
    rows: list[list[InlineKeyboardButton]] = []
    for index, person in enumerate(people, number * PAGE_SIZE + 1):
        name = display_name(person.person.full_name)
        lines += ["", f"{index}. <b>{escape(name)}</b> — {memberships_line(person)}"]
        lines += [f"   {line}" for line in consent_lines(person, zone)]
        rows.append(
            [
                button(
                    f"{index}. {name}",
                    CardOpened(school_id=page.school_id, person_id=person.person.id),
                )
            ]
        )
    if not people:
        lines += ["", _("Nobody here.")]
    turns = []
    if number > 0:
        turns.append(
            button("◀", PeoplePage(school_id=page.school_id, view=page.view, page=number - 1))
        )
    if number + 1 < pages:
        turns.append(
            button("▶", PeoplePage(school_id=page.school_id, view=page.view, page=number + 1))
        )
    if turns:
        rows.append(turns)
    rows.append(
        [
            button(
                ("• " if option == page.view else "") + filter_title(option),
                PeoplePage(school_id=page.school_id, view=option),
            )
            for option in PeopleFilter
        ]
    )
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def build_router() -> Router:
    router = Router(name="people")
    allowed = Allowed("people")
    router.message.register(people_requested, Command("people"), allowed)
    router.callback_query.register(school_chosen, SchoolChosen.filter(), allowed)
    router.callback_query.register(page_requested, PeoplePage.filter(), allowed)
    return router
