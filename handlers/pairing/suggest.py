"""The mentor step of /pair: ranked suggestions with their reasons in words, or the full list."""

from __future__ import annotations

from html import escape

from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.pairing.view import PairStep, keyboard, people_keyboard
from handlers.registration.forms import STUDENT_DIFFICULTIES, TEACHER_DIFFICULTIES
from storage.clock import Clock
from storage.models.enums import MenteeCategory, Role
from storage.models.profiles import MenteeProfile
from storage.pairing.cross_school import schools_for_pairs
from storage.pairing.people import school_people
from storage.pairing.suggestions import Reason, Suggestion, suggest_mentors

DIFFICULTY_LABELS = {c.value: c.label for c in (*TEACHER_DIFFICULTIES, *STUDENT_DIFFICULTIES)}


def reason_text(reason: Reason) -> str | None:
    p = reason.params
    if reason.code == "difficulty_match":
        names = [str(DIFFICULTY_LABELS.get(code, code)) for code in p.get("codes", [])]
        names += p.get("words", [])
        return _("knows what the mentee finds difficult: {items}").format(items=", ".join(names))
    if reason.code == "request_match":
        return _("competencies match the request: {words}").format(words=", ".join(p["words"]))
    if reason.code == "same_school":
        return _("works in the same school")
    if reason.code == "other_school":
        return _("another school of the municipality: {school}").format(school=p["school_name"])
    if reason.code == "age_fits":
        return _("prefers mentees like this one ({desired})").format(desired=p["desired"])
    if reason.code == "age_mismatch":
        return _("prefers other mentees ({desired})").format(desired=p["desired"])
    if reason.code == "free_capacity":
        return _("free places: {free} of {capacity}").format(free=p["free"], capacity=p["capacity"])
    if reason.code == "no_capacity":
        return _("no free places ({load} of {capacity} taken)").format(
            load=p["load"], capacity=p["capacity"]
        )
    if reason.code in ("experience_gap", "small_experience_gap", "no_experience_gap"):
        return _("teaching experience: the mentor's {mentor}, the mentee's {mentee}").format(
            mentor=years(p["mentor_years"]), mentee=years(p["mentee_years"])
        )
    if reason.code == "student_peer":
        return _("an older student")
    if reason.code == "peer_not_older":
        return _("a student not older than the mentee")
    if reason.code == "preferred_form":
        return _("a form the mentee asked for")
    if reason.code == "form_not_preferred":
        return _("the mentee asked for other forms")
    return None


def years(count: int) -> str:
    return ngettext("{count} year", "{count} years", count).format(count=count)


def suggestion_lines(number: int, suggestion: Suggestion) -> list[str]:
    lines = [
        ngettext(
            "{n}. <b>{name}</b> — {score} point",
            "{n}. <b>{name}</b> — {score} points",
            suggestion.score,
        ).format(n=number, name=escape(suggestion.full_name), score=suggestion.score)
    ]

    for reason in suggestion.reasons:
        text = reason_text(reason)
        if text:
            sign = "+" if reason.points > 0 else "−" if reason.points < 0 else "·"
            lines.append(f"   {sign} {escape(text)}")
    return lines


async def _all_teachers(session: AsyncSession, mentee_ids: list[int]) -> bool:
    categories = await session.scalars(
        select(MenteeProfile.category).where(MenteeProfile.person_id.in_(mentee_ids))
    )
    found = list(categories.all())
    return bool(found) and len(found) == len(mentee_ids) and MenteeCategory.student not in found


async def show_mentor_choice(
    message: Message, state: FSMContext, session: AsyncSession, clock: Clock, *, full_list: bool
) -> None:
    data = await state.get_data()
    schools = await schools_for_pairs(session, data["school_id"])
    if not await _all_teachers(session, data["mentees"]):
        # Pairs across schools are allowed for teacher–teacher mentoring only.
        schools = {data["school_id"]}
    await state.update_data(mentor_schools=sorted(schools))
    if data["group"] or full_list:
        mentors = await school_people(session, schools, Role.mentor)
        if not mentors:
            await message.answer(_("The school has no mentors yet. Invite them with /invite."))
            return
        await message.answer(
            _("Choose the mentors:") if data["group"] else _("Choose the mentor:"),
            reply_markup=people_keyboard(
                mentors, "mentor", data["mentors"], multiple=data["group"]
            ),
        )
        return
    suggestions = await suggest_mentors(
        session,
        data["mentees"][0],
        data["school_id"],
        clock.now().date(),
        include_school_ids=schools - {data["school_id"]},
    )
    if not suggestions:
        await message.answer(_("The school has no mentors yet. Invite them with /invite."))
        return
    lines = [_("Suggested mentors, best first (the curator decides):"), ""]
    for number, suggestion in enumerate(suggestions, 1):
        lines += suggestion_lines(number, suggestion)
    buttons = [
        (
            f"{n}. {s.full_name}" + (" ⚠" if s.over_capacity else ""),
            PairStep(action="mentor", value=s.person_id),
        )
        for n, s in enumerate(suggestions, 1)
    ]
    buttons.append((_("All mentors of the school"), PairStep(action="all_mentors")))
    await message.answer("\n".join(lines), reply_markup=keyboard(buttons))
