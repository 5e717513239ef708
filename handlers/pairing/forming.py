"""/pair: the curator forms a pair or a group, helped by suggestions that explain themselves.

School → pair or group → mentee(s) → mentor(s) (for a pair: ranked suggestions with their
reasons) → form, role model, kind → start, planned end, goals → summary → confirm. Every
step is kept in FSM data, and on submit every id is checked again by storage.pairing.forming.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.forms.fields import FieldError
from handlers.forms.fields import text as text_parser
from handlers.pairing.people import (
    ask_mentees,
    candidates,
    mentees_markup,
    search_cleared,
    search_typed,
    shown,
)
from handlers.pairing.submit import show_summary, submit
from handlers.pairing.suggest import show_mentor_choice
from handlers.pairing.view import PairStep, entries_keyboard, keyboard, people_keyboard
from handlers.programmes.common import school_today
from storage.catalogue.entries import EntryKind, entries
from storage.clock import Clock
from storage.models.enums import Role
from storage.models.orgs import Organization
from storage.pairing.people import municipality_of
from storage.people.actor import Actor
from storage.settings import Settings

GOALS = text_parser(3, 2000)
MONTHS = (3, 6, 9, 12)


class Pairing(StatesGroup):
    school = State()
    shape = State()
    mentees = State()
    mentors = State()
    form = State()
    role_model = State()
    kind = State()
    starts = State()
    ends = State()
    goals = State()
    confirm = State()


def parse_date(raw: str) -> date | None:
    try:
        day, month, year = (int(part) for part in raw.strip().split("."))
        return date(year, month, day)
    except ValueError:
        return None


async def pair_requested(
    message: Message, state: FSMContext, session: AsyncSession, actor: Actor
) -> None:
    await state.clear()
    school_ids = sorted(actor.org_ids(Role.curator))
    if len(school_ids) > 1:
        schools = (
            await session.scalars(select(Organization).where(Organization.id.in_(school_ids)))
        ).all()
        await state.set_state(Pairing.school)
        await message.answer(
            _("For which school?"),
            reply_markup=keyboard((s.name, PairStep(action="school", value=s.id)) for s in schools),
        )
        return
    await _ask_shape(message, state, school_ids[0])


async def _ask_shape(message: Message, state: FSMContext, school_id: int) -> None:
    await state.set_state(Pairing.shape)
    await state.set_data({"school_id": school_id, "mentees": [], "mentors": []})
    await message.answer(
        _("A pair (one mentor and one mentee) or a group?"),
        reply_markup=keyboard(
            [
                (_("Pair"), PairStep(action="shape", value=0)),
                (_("Group"), PairStep(action="shape", value=1)),
            ],
            columns=2,
        ),
    )


async def _ask_form(message: Message, state: FSMContext, session: AsyncSession) -> None:
    data = await state.get_data()
    municipality_id = await municipality_of(session, data["school_id"])
    forms = await entries(session, municipality_id, EntryKind.form)
    if not forms:
        await state.clear()
        await message.answer(
            _(
                "The municipality's catalogue has no forms of mentoring to choose from; "
                "its coordinator adds them with /catalogue."
            )
        )
        return
    await state.set_state(Pairing.form)
    await message.answer(
        _("The form of mentoring:"), reply_markup=entries_keyboard(forms, "form", skippable=False)
    )


async def step_pressed(
    query: CallbackQuery,
    callback_data: PairStep,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    settings: Settings,
    **context: Any,
) -> None:
    current = await state.get_state()
    action, value = callback_data.action, callback_data.value
    expected = {
        "school": Pairing.school,
        "shape": Pairing.shape,
        "mentee": Pairing.mentees,
        "mentee_done": Pairing.mentees,
        "mentor": Pairing.mentors,
        "mentor_done": Pairing.mentors,
        "mentee_page": Pairing.mentees,
        "mentee_all": Pairing.mentees,
        "mentor_page": Pairing.mentors,
        "all_mentors": Pairing.mentors,
        "form": Pairing.form,
        "model": Pairing.role_model,
        "kind": Pairing.kind,
        "today": Pairing.starts,
        "months": Pairing.ends,
        "confirm": Pairing.confirm,
        "force": Pairing.confirm,
    }.get(action)
    message = query.message
    if expected is None or current != expected.state or not isinstance(message, Message):
        await query.answer(_("This button is no longer active."))
        return
    await query.answer()
    data = await state.get_data()
    if action == "school":
        if value not in actor.org_ids(Role.curator):
            await message.answer(_("This school is not yours."))
            return
        await _ask_shape(message, state, value)
    elif action == "shape":
        await state.update_data(group=bool(value))
        await state.set_state(Pairing.mentees)
        await ask_mentees(message, state, session)
    elif action == "mentee_all":
        await search_cleared(message, state, session)
    elif action in ("mentee_page", "mentor_page"):
        await _page_turned(message, state, session, data, action.removesuffix("_page"), value)
    elif action in ("mentee", "mentor"):
        await _person_picked(message, state, session, data, action, value, actor, clock)
    elif action == "mentee_done":
        if not data["mentees"]:
            await message.answer(_("Choose at least one mentee."))
            return
        await show_mentor_choice(message, state, session, clock, full_list=True)
        await state.set_state(Pairing.mentors)
    elif action == "mentor_done":
        if not data["mentors"]:
            await message.answer(_("Choose at least one mentor."))
            return
        await _ask_form(message, state, session)
    elif action == "all_mentors":
        await show_mentor_choice(message, state, session, clock, full_list=True)
    elif action in ("form", "model", "kind"):
        await _catalogue_picked(message, state, session, data, action, value)
    elif action == "today":
        # The school's today: in Kamchatka the 24th begins while Moscow's UTC is the 23rd.
        await _start_set(
            message, state, await school_today(session, settings, clock, data["school_id"])
        )
    elif action == "months":
        if value not in MONTHS:
            return
        starts_on = date.fromisoformat(data["starts_on"])
        await _end_set(message, state, starts_on + timedelta(days=round(value * 30.44)))
    else:
        await submit(
            query, message, state, session, actor, clock, force=action == "force", context=context
        )


async def _page_turned(message, state, session, data, action, page) -> None:
    role = Role.mentee if action == "mentee" else Role.mentor
    key = "mentees" if role == Role.mentee else "mentors"
    people = shown(await candidates(session, data, role), data, role)
    data[f"{key}_page"] = page
    await state.update_data(**{f"{key}_page": page})
    await message.edit_reply_markup(reply_markup=_people_markup(people, data, role))


def _people_markup(people, data, role):
    if role == Role.mentee:
        return mentees_markup(people, data)
    page = data.get("mentors_page", 0)
    return people_keyboard(people, "mentor", data["mentors"], multiple=data["group"], page=page)


async def _person_picked(message, state, session, data, action, value, actor, clock) -> None:
    role = Role.mentee if action == "mentee" else Role.mentor
    key = "mentees" if role == Role.mentee else "mentors"
    everyone = await candidates(session, data, role)
    if value not in {p.person_id for p in everyone}:
        await message.answer(_("This person is not in your school."))
        return
    if data["group"]:
        chosen = [v for v in data[key] if v != value] if value in data[key] else [*data[key], value]
        data[key] = chosen
        await state.update_data(**{key: chosen})
        await message.edit_reply_markup(
            reply_markup=_people_markup(shown(everyone, data, role), data, role)
        )
        return
    await state.update_data(**{key: [value]})
    if role == Role.mentee:
        await state.set_state(Pairing.mentors)
        await show_mentor_choice(message, state, session, clock, full_list=False)
    else:
        await _ask_form(message, state, session)


async def _catalogue_picked(message, state, session, data, action, value) -> None:
    municipality_id = await municipality_of(session, data["school_id"])
    kind = {
        "form": EntryKind.form,
        "model": EntryKind.role_model,
        "kind": EntryKind.mentoring_kind,
    }[action]
    # A role model must belong to the form chosen a step before, even from a stale button.
    form_code = data.get("form_code") if action == "model" else None
    visible = await entries(session, municipality_id, kind, form_code=form_code)
    entry = next((e for e in visible if e.id == value), None)
    if entry is None and not (action != "form" and value == 0):
        await message.answer(_("This button is no longer active."))
        return
    if action == "form":
        await state.update_data(form_id=entry.id, form_code=entry.code)
        await _ask_role_model(message, state, session, municipality_id, entry.code)
    elif action == "model":
        await state.update_data(role_model_id=entry.id if entry else None)
        await _ask_kind(message, state, session, municipality_id)
    else:
        await state.update_data(kind_id=entry.id if entry else None)
        await _ask_start(message, state)


# The role model and the kind may be skipped; when the catalogue offers nothing to choose,
# the question (its only button would be «Skip») is left out and counted as skipped.


async def _ask_role_model(message, state, session, municipality_id, form_code) -> None:
    models = await entries(session, municipality_id, EntryKind.role_model, form_code=form_code)
    if not models:
        await state.update_data(role_model_id=None)
        await _ask_kind(message, state, session, municipality_id)
        return
    await state.set_state(Pairing.role_model)
    await message.answer(
        _("The role model:"), reply_markup=entries_keyboard(models, "model", skippable=True)
    )


async def _ask_kind(message, state, session, municipality_id) -> None:
    kinds = await entries(session, municipality_id, EntryKind.mentoring_kind)
    if not kinds:
        await state.update_data(kind_id=None)
        await _ask_start(message, state)
        return
    await state.set_state(Pairing.kind)
    await message.answer(
        _("The kind of mentoring:"), reply_markup=entries_keyboard(kinds, "kind", skippable=True)
    )


async def _ask_start(message: Message, state: FSMContext) -> None:
    await state.set_state(Pairing.starts)
    await message.answer(
        _("The start date (DD.MM.YYYY):"),
        reply_markup=keyboard([(_("Today"), PairStep(action="today"))]),
    )


async def _start_set(message: Message, state: FSMContext, starts_on: date) -> None:
    await state.update_data(starts_on=starts_on.isoformat())
    await state.set_state(Pairing.ends)
    await message.answer(
        _("The planned end (DD.MM.YYYY), or its length:"),
        reply_markup=keyboard(
            [
                (
                    ngettext("{n} month", "{n} months", n).format(n=n),
                    PairStep(action="months", value=n),
                )
                for n in MONTHS
            ],
            columns=2,
        ),
    )


async def _end_set(message: Message, state: FSMContext, planned_end_on: date) -> None:
    await state.update_data(planned_end_on=planned_end_on.isoformat())
    await state.set_state(Pairing.goals)
    await message.answer(
        _("The goals of the programme, in a few sentences:"), reply_markup=keyboard([])
    )


async def date_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
) -> None:
    typed = parse_date(message.text or "")
    current = await state.get_state()
    if typed is None:
        await message.answer(_("Expected a date like 01.12.2026."))
        return
    if current == Pairing.starts.state:
        school_id = (await state.get_data())["school_id"]
        if abs((typed - await school_today(session, settings, clock, school_id)).days) > 366:
            await message.answer(_("The start must be within a year from today."))
            return
        await _start_set(message, state, typed)
        return
    starts_on = date.fromisoformat((await state.get_data())["starts_on"])
    if not starts_on < typed <= starts_on + timedelta(days=3 * 366):
        await message.answer(_("The end must be after the start and within three years of it."))
        return
    await _end_set(message, state, typed)


async def goals_typed(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock
) -> None:
    try:
        goals = GOALS(message.text or "", clock.now().date())
    except FieldError as error:
        await message.answer(str(error))
        return
    await state.update_data(goals=goals)
    await state.set_state(Pairing.confirm)
    await show_summary(message, state, session)


async def expects_buttons(message: Message) -> None:
    await message.answer(_("Please answer with the buttons under the question."))


def build_router() -> Router:
    router = Router(name="pairing")
    allowed = Allowed("pair")
    not_command = ~F.text.startswith("/")
    router.message.register(pair_requested, Command("pair"), allowed)
    router.callback_query.register(step_pressed, PairStep.filter(), allowed)
    router.message.register(
        date_typed, StateFilter(Pairing.starts, Pairing.ends), not_command, allowed
    )
    router.message.register(goals_typed, Pairing.goals, not_command, allowed)
    router.message.register(search_typed, Pairing.mentees, not_command, allowed)
    states = (
        Pairing.school,
        Pairing.shape,
        Pairing.mentees,
        Pairing.mentors,
        Pairing.form,
        Pairing.role_model,
        Pairing.kind,
        Pairing.confirm,
    )
    router.message.register(expects_buttons, StateFilter(*states), not_command, allowed)
    return router
