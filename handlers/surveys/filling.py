"""/survey: the person's questionnaires — to answer, to continue, to change until the deadline.

Only the respondent ever sees their answers (their own draft, and their own response while
they change it). Nobody else learns from the bot whether a particular person has answered.
"""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.surveys import engine
from handlers.surveys.common import (
    DRAFT,
    SurveyAct,
    SurveyFilling,
    SurveyOpen,
    button,
    deadline_text,
    item_by_scope,
    open_data,
    person_items,
    questionnaire_of,
    questions_of,
)
from storage.clock import Clock
from storage.models import MenteeProfile, Person
from storage.models.orgs import Organization
from storage.models.programmes import ProgrammeMember
from storage.people.actor import Actor
from storage.settings import Settings
from storage.surveys.answers import AnswerError, Refused, own_response, submit
from storage.surveys.pending import Item, category_of
from storage.surveys.questionnaires.builtin import latest
from storage.surveys.questionnaires.model import Occasion
from storage.surveys.questionnaires.programme import PROFILE_QUESTIONS


async def _about(session: AsyncSession, actor: Actor, item: Item) -> str:
    """Which pair, group or school the item is about (names of the person's own partners)."""
    target = item.target
    if target.programme_id is None:
        school = await session.get(Organization, target.school_id)
        return _("School: {school}").format(school=escape(school.name if school else "—"))
    others = await session.scalars(
        select(Person.full_name)
        .join(ProgrammeMember, ProgrammeMember.person_id == Person.id)
        .where(
            ProgrammeMember.programme_id == target.programme_id,
            ProgrammeMember.person_id != actor.person_id,
        )
        .order_by(ProgrammeMember.role.desc(), Person.full_name)
    )
    names = ", ".join(name or "—" for name in others.all())
    return _("Programme with: {names}").format(names=escape(names or "—"))


def _status(item: Item, draft: dict | None) -> str:
    deadline = deadline_text(item)
    if item.done:
        if item.changeable:
            return _("✅ Answered. You can change your answers until {deadline}.").format(
                deadline=deadline
            )
        if item.participation is not None and item.participation.late:
            return _("✅ Answered after the deadline (marked late).")
        return _("✅ Answered.")
    lines = []
    if item.campaign is None:
        lines.append(_("Not answered yet."))
    elif item.late:
        lines.append(
            _(
                "The deadline {deadline} has passed: answers are still accepted and marked late."
            ).format(deadline=deadline)
        )
    else:
        lines.append(_("To answer by {deadline}.").format(deadline=deadline))
    if draft is not None:
        answered = sum(1 for q in questions_of(draft) if q.key in draft["answers"])
        lines.append(
            _("A draft is saved: {answered} of {total} answered.").format(
                answered=answered, total=len(questions_of(draft))
            )
        )
    return "\n".join(lines)


async def survey_requested(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    items = await person_items(session, actor, settings, clock)
    if not items:
        await message.answer(_("There are no questionnaires for you to answer now."))
        return
    draft = (await state.get_data()).get(DRAFT) if await _in_survey(state) else None
    lines = [_("<b>Your questionnaires</b>"), ""]
    rows = []
    for number, item in enumerate(items, 1):
        own_draft = draft if draft and draft.get("scope") == item.scope else None
        title = latest(item.questionnaire).title
        lines.append(f"<b>{number}. {title}</b>")
        lines.append(await _about(session, actor, item))
        lines.append(_status(item, own_draft))
        lines.append("")
        if own_draft is not None:
            label = _("{number}. Continue").format(number=number)
        elif item.done and item.changeable:
            label = _("{number}. ✎ Change the answers").format(number=number)
        elif not item.done:
            label = _("{number}. Answer").format(number=number)
        else:
            continue
        rows.append([button(label, open_data(item))])
    lines.append(
        _(
            "Answers are stored without your name: nobody sees them one by one, they count "
            "only in totals over several respondents."
        )
    )
    await message.answer(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
    )


async def _in_survey(state: FSMContext) -> bool:
    return await state.get_state() in (
        SurveyFilling.answering.state,
        SurveyFilling.confirming.state,
    )


async def open_pressed(
    query: CallbackQuery,
    callback_data: SurveyOpen,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    message = query.message
    if not isinstance(message, Message):
        return
    items = await person_items(session, actor, settings, clock)
    item = next((i for i in items if open_data(i) == callback_data), None)
    if item is None:
        await query.answer(_("This questionnaire is not available to you now."), show_alert=True)
        return
    if item.done and not item.changeable:
        await query.answer(
            _("Your answers are saved and can no longer be changed."), show_alert=True
        )
        return
    draft = (await state.get_data()).get(DRAFT) if await _in_survey(state) else None
    await query.answer()
    if draft and draft.get("scope") == item.scope:
        await engine.ask(message, draft)
        return
    questionnaire = latest(item.questionnaire)
    draft = {
        "scope": item.scope,
        "q": questionnaire.key,
        "v": questionnaire.version,
        "cat": await category_of(session, actor.person_id, item.audience),
        "answers": {},
        "changing": item.done,
    }
    intro = [f"<b>{questionnaire.title}</b>", await _about(session, actor, item)]
    if item.done:
        response = await own_response(session, settings.survey_key, item.scope)
        if response is None:
            await message.answer(_("Your answers are saved and can no longer be changed."))
            return
        for question in questions_of(draft):
            # A skipped optional question was answered with nothing; a new one is asked.
            if question.key in response.answers or not question.required:
                draft["answers"][question.key] = response.answers.get(question.key)
        intro.append(_("Your current answers are below; change any of them and send again."))
    else:
        await _prefill_profile(session, actor, item, draft)
        intro.append(
            _("{count} questions, about two minutes.").format(count=len(questions_of(draft)))
        )
        if item.late:
            intro.append(_("The deadline has passed: your answers will be marked late."))
    intro.append(
        _(
            "Your answers are stored without your name; nobody sees them one by one. "
            "They count once you send them; you can stop and continue later with /survey."
        )
    )
    await message.answer("\n".join(intro))
    await engine.begin(message, state, draft, first_unanswered=item.done)


async def _prefill_profile(session: AsyncSession, actor: Actor, item: Item, draft: dict) -> None:
    """Questions that go to the profile start from what the profile says now."""
    if item.occasion != Occasion.entry or item.target.respondent_role != "mentee":
        return
    profile = await session.get(MenteeProfile, actor.person_id)
    for question in questions_of(draft):
        if question.key in PROFILE_QUESTIONS and profile is not None:
            known = {o.value for o in question.options}
            draft["answers"][question.key] = [v for v in profile.difficulties or [] if v in known]


async def send_pressed(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    message = query.message
    draft = (await state.get_data()).get(DRAFT)
    if not draft or not isinstance(message, Message):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    item = await item_by_scope(session, actor, settings, clock, draft["scope"])
    if item is None:
        await state.clear()
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(_("This questionnaire is not available to you now."))
        return
    try:
        result = await submit(
            session,
            key=settings.survey_key,
            questionnaire=questionnaire_of(draft),
            target=item.target,
            answers=draft["answers"],
            category=draft.get("cat"),
            today=item.today,
            now=clock.now(),
        )
    except AnswerError as error:
        # A stale draft (a question changed meanwhile): ask that question again.
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        draft["answers"].pop(str(error), None)
        draft.update(at=str(error), editing=True)
        await state.set_state(SurveyFilling.answering)
        await state.update_data({DRAFT: draft})
        await message.answer(_("Please answer this question again."))
        await engine.ask(message, draft)
        return
    except Refused as refused:
        await state.clear()
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        if refused.reason == "closed":
            await message.answer(_("The questionnaire is closed; your answers were not taken."))
        else:
            await message.answer(_("Your answers are saved and can no longer be changed."))
        return
    await state.clear()
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await message.answer(_thanks(item, result))


def _thanks(item: Item, result) -> str:
    deadline = deadline_text(item)
    if result.replaced:
        return _(
            "Your answers are updated; the earlier ones are replaced. "
            "You can change them until {deadline}."
        ).format(deadline=deadline)
    if result.late:
        return _(
            "Thank you! Your answers are saved. The deadline {deadline} had passed, so they are "
            "marked late and can no longer be changed."
        ).format(deadline=deadline)
    if result.changeable:
        return _(
            "Thank you! Your answers are saved. You can change them with /survey until {deadline}."
        ).format(deadline=deadline)
    return _("Thank you! Your answers are saved.")


def build_router() -> Router:
    router = Router(name="survey")
    allowed = Allowed("survey")
    router.message.register(survey_requested, Command("survey"), allowed)
    router.callback_query.register(open_pressed, SurveyOpen.filter(), allowed)
    not_command = ~F.text.startswith("/")
    router.message.register(engine.answer_typed, SurveyFilling.answering, not_command)
    router.message.register(engine.summary_typed, SurveyFilling.confirming, not_command)
    router.callback_query.register(
        engine.question_pressed,
        SurveyFilling.answering,
        SurveyAct.filter(F.action.in_({"pick", "toggle", "done", "skip", "back"})),
    )
    router.callback_query.register(
        send_pressed, SurveyFilling.confirming, SurveyAct.filter(F.action == "send")
    )
    router.callback_query.register(
        engine.summary_edit,
        SurveyFilling.confirming,
        SurveyAct.filter(F.action.in_({"edit", "summary", "jump"})),
    )
    return router
