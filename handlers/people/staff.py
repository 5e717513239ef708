"""/people for coordinators and the administrator: the curators and coordinators in their
care, 10 a page, all or deactivated, narrowed by a typed name or organisation; a card for
each role. The actions on the card (deactivate, activate, invite a replacement) live in
people_staff_actions.
"""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed, orgs_below
from handlers.people.staff_common import (
    FILTER_STATUS,
    PAGE_SIZE,
    SEARCH_KEY,
    StaffCard,
    StaffFilter,
    StaffInvite,
    StaffPage,
    StaffSearch,
    StaffSearching,
    StaffStatus,
    button,
    change_line,
    checked_member,
    display_name,
    list_position,
    remember_position,
    role_line,
)
from handlers.system.cancel import cancel_button
from handlers.ui.dates import local_datetime
from handlers.ui.labels import status_title
from handlers.ui.screens import replace_screen
from storage.models.enums import MembershipStatus, Role
from storage.orgs.scope import effective_timezone
from storage.people.actor import Actor
from storage.people.staff import StaffMember, other_active_holders, role_history, staff_page
from storage.settings import Settings

SEARCH_MAX = 60


def filter_title(view: StaffFilter) -> str:
    return {StaffFilter.all: _("All"), StaffFilter.deactivated: _("Deactivated")}[view]


async def render_list(
    session: AsyncSession, actor: Actor, page: StaffPage, search: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    scope = await orgs_below(session, actor)
    status = FILTER_STATUS[page.view]
    number = max(page.page, 0)
    members, total = await staff_page(session, scope, status, search, number, PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    if number >= pages:  # the list shrank since the button was drawn: its last page
        number = pages - 1
        members, total = await staff_page(session, scope, status, search, number, PAGE_SIZE)
    lines = [
        _("Curators and coordinators in your care — {filter}: {total}").format(
            filter=filter_title(page.view), total=total
        )
    ]
    if search:
        lines.append(_("Search: «{text}»").format(text=escape(search)))
    lines.append(_("Page {page} of {pages}").format(page=number + 1, pages=pages))
    rows: list[list[InlineKeyboardButton]] = []
    for index, member in enumerate(members, number * PAGE_SIZE + 1):
        name = display_name(member)
        status_text = status_title(member.membership.status)
        lines += ["", f"{index}. <b>{escape(name)}</b> — {role_line(member)}: {status_text}"]
        rows.append([button(f"{index}. {name}", StaffCard(membership_id=member.membership.id))])
    if not members:
        lines += ["", _("Nobody here.")]
    turns = []
    if number > 0:
        turns.append(button("◀", StaffPage(view=page.view, page=number - 1)))
    if number + 1 < pages:
        turns.append(button("▶", StaffPage(view=page.view, page=number + 1)))
    if turns:
        rows.append(turns)
    marked = {option: ("• " if option == page.view else "") for option in StaffFilter}
    rows.append(
        [
            button(marked[option] + filter_title(option), StaffPage(view=option))
            for option in StaffFilter
        ]
    )
    if search:
        rows.append([button(_("✖ Clear the search"), StaffSearch(clear=True))])
    else:
        rows.append([button(_("🔎 Search by name or organisation"), StaffSearch())])
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


async def show_list(
    message: Message,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
    page: StaffPage,
    *,
    edit: bool,
) -> None:
    await remember_position(state, page)
    search = (await state.get_data()).get(SEARCH_KEY)
    text, markup = await render_list(session, actor, page, search)
    if edit:
        await replace_screen(message, text, markup)
    else:
        await message.answer(text, reply_markup=markup)


async def page_requested(
    query: CallbackQuery,
    callback_data: StaffPage,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    if await state.get_state() == StaffSearching.text.state:
        await state.set_state(None)  # back to the list instead of typing a search
    await query.answer()
    if isinstance(query.message, Message):
        await show_list(query.message, session, actor, state, callback_data, edit=True)


async def search_pressed(
    query: CallbackQuery,
    callback_data: StaffSearch,
    session: AsyncSession,
    actor: Actor,
    state: FSMContext,
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if callback_data.clear:
        await state.update_data({SEARCH_KEY: None})
        page = (await list_position(state)).model_copy(update={"page": 0})
        await show_list(query.message, session, actor, state, page, edit=True)
        return
    await state.set_state(StaffSearching.text)
    back = button(_("◀ Back to the list"), await list_position(state))
    await replace_screen(
        query.message,
        _("Send a part of the name or of the organisation's name."),
        InlineKeyboardMarkup(inline_keyboard=[[back, cancel_button()]]),
    )


async def search_typed(
    message: Message, session: AsyncSession, actor: Actor, state: FSMContext
) -> None:
    text = " ".join((message.text or "").split())
    if not 1 <= len(text) <= SEARCH_MAX:
        await message.answer(
            ngettext(
                "Send from 1 to {max} character of text, or /cancel.",
                "Send from 1 to {max} characters of text, or /cancel.",
                SEARCH_MAX,
            ).format(max=SEARCH_MAX)
        )
        return
    await state.set_state(None)
    await state.update_data({SEARCH_KEY: text})
    page = (await list_position(state)).model_copy(update={"page": 0})
    await show_list(message, session, actor, state, page, edit=False)


async def render_card(
    session: AsyncSession, settings: Settings, actor: Actor, member: StaffMember, state: FSMContext
) -> tuple[str, InlineKeyboardMarkup]:
    membership = member.membership
    zone = await effective_timezone(session, member.org.id, settings.default_timezone)
    lines = [f"<b>{escape(display_name(member))}</b>", role_line(member)]
    lines.append(
        _("Status: {status} since {date}").format(
            status=status_title(membership.status),
            date=local_datetime(membership.status_changed_at, zone),
        )
    )
    active = membership.status == MembershipStatus.active
    if active and not await other_active_holders(session, membership):
        lines.append(last_one_warning(member))
    if member.person.blocked_at is not None:
        lines.append(_("🚫 has blocked the bot: messages do not reach them"))
    history = await role_history(session, membership.id)
    if history:
        lines += ["", _("Recent changes:")]
        for change in history:
            lines.append(
                _("• {when} — {who}: {what}").format(
                    when=local_datetime(change.changed_at, zone),
                    who=escape(change.person_name or _("(name erased)")),
                    what=change_line(change),
                )
            )
    rows = []
    own = membership.person_id == actor.person_id
    if active and not own:
        rows.append(
            [
                button(
                    _("Deactivate"),
                    StaffStatus(membership_id=membership.id, status=MembershipStatus.deactivated),
                )
            ]
        )
    elif membership.status == MembershipStatus.deactivated and member.person.erased_at is None:
        rows.append(
            [
                button(
                    _("Activate"),
                    StaffStatus(membership_id=membership.id, status=MembershipStatus.active),
                )
            ]
        )
    rows.append([button(_("✉ Invite a replacement"), StaffInvite(membership_id=membership.id))])
    rows.append([button(_("◀ Back to the list"), await list_position(state))])
    return "\n".join(lines), InlineKeyboardMarkup(inline_keyboard=rows)


def last_one_warning(member: StaffMember) -> str:
    if member.membership.role == Role.curator:
        return _(
            "⚠ The only active curator of the school: without them nobody keeps its registers, "
            "forms pairs or records consents."
        )
    return _(
        "⚠ The only active coordinator here: without them nobody runs the campaigns or gets "
        "the digests."
    )


async def card_opened(
    query: CallbackQuery,
    callback_data: StaffCard,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    state: FSMContext,
) -> None:
    member = await checked_member(query, session, actor, callback_data.membership_id)
    if member is None:
        return
    await query.answer()
    if isinstance(query.message, Message):
        text, markup = await render_card(session, settings, actor, member, state)
        await replace_screen(query.message, text, markup)


def build_router() -> Router:
    router = Router(name="people_staff")
    allowed = Allowed("people")
    router.callback_query.register(page_requested, StaffPage.filter(), allowed)
    router.callback_query.register(search_pressed, StaffSearch.filter(), allowed)
    router.message.register(search_typed, StaffSearching.text, ~F.text.startswith("/"), allowed)
    router.callback_query.register(card_opened, StaffCard.filter(), allowed)
    return router
