"""The end of /pair: the summary, the curator's confirmation, and the programme formed."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.pairing.answer import ask_members
from handlers.pairing.view import PairStep, keyboard, summary_text
from storage.catalogue.entries import find_entry
from storage.clock import Clock
from storage.pairing.forming import Problem, Proposal, Refused, form_programme
from storage.pairing.people import municipality_of, names
from storage.people.actor import Actor


def problem_text(problem: Problem) -> str:
    return {
        Problem.no_mentor: _("choose at least one mentor"),
        Problem.no_mentee: _("choose at least one mentee"),
        Problem.pair_size: _("a pair is one mentor and one mentee"),
        Problem.not_in_school: _("someone is no longer a participant of the school"),
        Problem.cross_school: _(
            "mentors from other schools may only form teacher–teacher pairs with teachers"
        ),
        Problem.awaiting_guardian: _(
            "a pupil's guardian has not given consent yet; the curator records it in /people"
        ),
        Problem.same_person: _("one person cannot be both mentor and mentee here"),
        Problem.dates: _("the planned end must be after the start"),
        Problem.over_capacity: _("a mentor would have more mentees than they can take"),
        Problem.same_form_again: _("a mentee is already in an open programme of this form"),
    }[problem]


def _proposal(data: dict[str, Any]) -> Proposal:
    return Proposal(
        school_id=data["school_id"],
        mentor_ids=data["mentors"],
        mentee_ids=data["mentees"],
        form_id=data["form_id"],
        role_model_id=data.get("role_model_id"),
        kind_id=data.get("kind_id"),
        starts_on=date.fromisoformat(data["starts_on"]),
        planned_end_on=date.fromisoformat(data["planned_end_on"]),
        goals=data["goals"],
        is_group=data["group"],
    )


async def _entry_name(
    session: AsyncSession, municipality_id: int, entry_id: int | None
) -> str | None:
    entry = await find_entry(session, municipality_id, entry_id) if entry_id else None
    return entry.name if entry else None


async def show_summary(message: Message, state: FSMContext, session: AsyncSession) -> None:
    data = await state.get_data()
    municipality_id = await municipality_of(session, data["school_id"])
    who = await names(session, [*data["mentors"], *data["mentees"]])
    text = summary_text(
        group=data["group"],
        mentors=[who[i] for i in data["mentors"]],
        mentees=[who[i] for i in data["mentees"]],
        form=await _entry_name(session, municipality_id, data["form_id"]) or "—",
        role_model=await _entry_name(session, municipality_id, data.get("role_model_id")),
        kind=await _entry_name(session, municipality_id, data.get("kind_id")),
        starts_on=date.fromisoformat(data["starts_on"]),
        planned_end_on=date.fromisoformat(data["planned_end_on"]),
        goals=data["goals"],
    )
    await message.answer(
        text + "\n\n" + _("Everyone in it will be asked to accept."),
        reply_markup=keyboard([(_("✔ Form and send"), PairStep(action="confirm"))]),
    )


async def submit(
    query: CallbackQuery,
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    *,
    force: bool,
    context: dict[str, Any],
) -> None:
    data = await state.get_data()
    proposal = _proposal(data)
    confirmed = frozenset(Problem(p) for p in data.get("warned", [])) if force else frozenset()
    try:
        programme = await form_programme(session, proposal, actor.person_id, clock.now(), confirmed)
    except Refused as refused:
        await session.rollback()
        if all(p in (Problem.over_capacity, Problem.same_form_again) for p in refused.problems):
            await state.update_data(warned=[p.value for p in refused.problems])
            await message.answer(
                _("Please confirm: {problems}.").format(
                    problems="; ".join(problem_text(p) for p in refused.problems)
                ),
                reply_markup=keyboard([(_("Form anyway"), PairStep(action="force"))]),
            )
            return
        await state.clear()
        await message.answer(
            _("The programme was not formed: {problems}. Start again with /pair.").format(
                problems="; ".join(problem_text(p) for p in refused.problems)
            )
        )
        return
    await state.clear()
    await message.edit_reply_markup(reply_markup=None)
    await message.answer(
        _("Formed. The participants are asked to accept; I will tell you their answers.")
    )
    await ask_members(session, programme.id, context)
