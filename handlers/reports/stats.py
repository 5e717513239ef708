"""/stats: a curator enters the school's denominators of the key indicators per academic year.

Students aged 10–18 and 15–18, teachers, young teachers (0–3 years): typed one at a time
through the form engine, each may be skipped (unknown, named in the summary, never zero).
The figures are checked together before saving (15–18 are among 10–18, young teachers
among teachers); a contradiction is explained and the form starts again with nothing saved.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape
from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.forms.engine import start_form
from handlers.forms.fields import Field, FieldError, Form
from handlers.programmes.common import school_today
from handlers.reports.common import button, markup
from handlers.reports.summary_text import whole
from storage.clock import Clock
from storage.models.enums import Role
from storage.models.orgs import Organization
from storage.people.actor import Actor
from storage.reports.period import academic_year, shift_year, valid_year
from storage.reports.stats import MAXIMUM, denominators, inconsistent, save_denominators
from storage.settings import Settings


class StatsAct(CallbackData, prefix="st_a"):
    school: int
    year: str = ""  # empty: the current academic year
    action: str = "show"  # show | edit


def count(raw: str, _today: date) -> int:
    """A whole number of people; spaces between thousands are fine (6 793)."""
    value = re.sub(r"[\s\u00a0\u202f]", "", raw)
    if not re.fullmatch(r"\d{1,6}", value) or int(value) > MAXIMUM:
        raise FieldError(
            _("Expected a whole number of people from 0 to {max}, for example 6793.").format(
                max=whole(MAXIMUM)
            )
        )
    return int(value)


HINT = __("Send a number, or skip if you do not know it yet.")
FORM = Form(
    "school_stats",
    (
        Field(
            "students_10_18",
            __("Students aged 10–18"),
            __("How many students aged 10 to 18 study at the school?"),
            parse=count,
            optional=True,
            hint=HINT,
        ),
        Field(
            "students_15_18",
            __("Students aged 15–18"),
            __("How many of them are aged 15 to 18?"),
            parse=count,
            optional=True,
            hint=HINT,
        ),
        Field(
            "teachers",
            __("Teachers"),
            __("How many teachers work at the school?"),
            parse=count,
            optional=True,
            hint=HINT,
        ),
        Field(
            "young_teachers",
            __("Young teachers (0–3 years)"),
            __("How many of them are young teachers with 0 to 3 years of experience?"),
            parse=count,
            optional=True,
            hint=HINT,
        ),
    ),
)
LABELS = {f.key: f.label for f in FORM.fields}


async def curated(session: AsyncSession, actor: Actor) -> list[Organization]:
    ids = actor.org_ids(Role.curator)
    if not ids:
        return []
    rows = await session.scalars(
        select(Organization).where(Organization.id.in_(ids)).order_by(Organization.name)
    )
    return list(rows.all())


async def card(
    message: Message,
    session: AsyncSession,
    school: Organization,
    year: str,
    current: str,
) -> None:
    found = (await denominators(session, frozenset({school.id}), year)).get(school.id)
    lines = [
        _("<b>{school}</b>: figures for the indicators, academic year {year}").format(
            school=escape(school.name), year=year
        )
    ]
    for field in FORM.fields:
        value = found.get(field.key) if found else None
        shown = whole(value) if value is not None else _("not entered")
        lines.append(f"• {field.label}: {shown}")
    lines.append(_("The summary names the figures that are missing and never counts them as zero."))
    rows = [
        [
            button(
                _("✎ Enter figures for {year}").format(year=year),
                StatsAct(school=school.id, year=year, action="edit"),
            )
        ]
    ]
    other = shift_year(year, -1) if year == current else current
    rows.append(
        [
            button(
                _("Academic year {year}").format(year=other), StatsAct(school=school.id, year=other)
            )
        ]
    )
    await message.answer("\n".join(lines), reply_markup=markup(rows))


async def stats_requested(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
) -> None:
    schools = await curated(session, actor)
    if not schools:
        await message.answer(_("There are no schools in your scope yet."))
        return
    if len(schools) > 1:
        await message.answer(
            _("Which school?"),
            reply_markup=markup([[button(s.name, StatsAct(school=s.id))] for s in schools]),
        )
        return
    school = schools[0]
    current = academic_year(await school_today(session, settings, clock, school.id))
    await card(message, session, school, current, current)


async def stats_pressed(
    query: CallbackQuery,
    callback_data: StatsAct,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    clock: Clock,
    state: FSMContext,
) -> None:
    school = next((s for s in await curated(session, actor) if s.id == callback_data.school), None)
    current = None
    if school is not None:
        current = academic_year(await school_today(session, settings, clock, school.id))
    year = callback_data.year or current
    if (
        school is None
        or current is None
        or year is None
        or not valid_year(year)
        # The current year and the one before: older figures are history.
        or year not in (current, shift_year(current, -1))
    ):
        await query.answer(_("This school is not in your scope."), show_alert=True)
        return
    message = query.message
    if not isinstance(message, Message):
        return
    await query.answer()
    if callback_data.action == "edit":
        await message.answer(
            _("Figures of {school} for {year}.").format(school=escape(school.name), year=year)
        )
        await start_form(message, state, FORM, {"school_id": school.id, "year": year})
        return
    await card(message, session, school, year, current)


async def stats_submitted(
    query: CallbackQuery, answers: dict[str, Any], context: dict[str, Any], data: dict[str, Any]
) -> None:
    session: AsyncSession = data["session"]
    actor: Actor = data["actor"]
    clock: Clock = data["clock"]
    settings: Settings = data["settings"]
    state: FSMContext = data["state"]
    message = query.message
    assert isinstance(message, Message)
    school = next((s for s in await curated(session, actor) if s.id == context["school_id"]), None)
    if school is None:
        await state.clear()
        await query.answer(_("This school is not in your scope."), show_alert=True)
        return
    values = {f.key: answers.get(f.key) for f in FORM.fields}
    problems = inconsistent(values)
    await query.answer()
    if problems:
        part, whole_ = problems[0]
        await message.answer(
            _(
                "«{part}» ({part_value}) cannot be more than «{whole}» ({whole_value}). "
                "Nothing was saved; please enter the figures again."
            ).format(
                part=LABELS[part],
                part_value=whole(values[part] or 0),
                whole=LABELS[whole_],
                whole_value=whole(values[whole_] or 0),
            )
        )
        await start_form(message, state, FORM, context)
        return
    await save_denominators(
        session, school.id, context["year"], values, actor.person_id, clock.now()
    )
    await state.clear()
    await message.answer(_("Saved. The summary (/summary) now uses these figures."))
    current = academic_year(await school_today(session, settings, clock, school.id))
    await card(message, session, school, context["year"], current)


# The form this conversation runs through the engine (see handlers.engine_forms).
ENGINE_FORMS = {FORM.name: (FORM, stats_submitted)}


def build_router() -> Router:
    router = Router(name="stats")
    allowed = Allowed("stats")
    router.message.register(stats_requested, Command("stats"), allowed)
    router.callback_query.register(stats_pressed, StatsAct.filter(), allowed)
    return router
