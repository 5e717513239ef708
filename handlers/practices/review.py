"""The curator approves a case for the school's bank or returns it with a note; the
municipality's coordinator promotes it to the municipal bank. The author hears of each."""

from __future__ import annotations

from html import escape

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n, ngettext
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.practices.common import (
    PROMOTE,
    REVIEW,
    PrAct,
    PrList,
    PrOpen,
    bank_scope,
    button,
    markup,
    short,
)
from handlers.practices.submit import start_submission
from handlers.system.cancel import cancel_button
from handlers.ui.notify import tell
from storage import practices
from storage.clock import Clock
from storage.community.questions import contact
from storage.models.community import Practice
from storage.models.enums import Role
from storage.people.actor import Actor


class ReturnNote(StatesGroup):
    text = State()


async def _checked(
    query: CallbackQuery, session: AsyncSession, actor: Actor, data: PrAct
) -> Practice | None:
    """The case if the actor may take this action on it now; otherwise an alert says why."""
    practice = await session.get(Practice, data.practice_id)
    scope = await bank_scope(session, actor)
    if practice is None:
        await query.answer(_("This case is not available to you."), show_alert=True)
        return None
    if data.action in ("approve", "return"):
        allowed, expected = practice.school_id in scope.curated, practices.SUBMITTED
    elif data.action == "promote":
        allowed, expected = practice.school_id in scope.coordinated_schools, practices.SCHOOL
    else:  # resubmit
        allowed = practice.author_id == actor.person_id and practice.school_id in (
            scope.submit_schools
        )
        expected = practices.RETURNED
    if not allowed:
        await query.answer(_("This case is not available to you."), show_alert=True)
        return None
    if practice.status != expected:
        await query.answer(_("Someone has already decided on this case."), show_alert=True)
        return None
    return practice


def _open(practice_id: int, bank: str) -> object:
    return markup([[button(_("Open the case"), PrOpen(practice_id=practice_id, bank=bank))]])


async def _tell_author(
    bot: Bot, i18n: I18n, session: AsyncSession, practice: Practice, what: str
) -> None:
    title = practice.title
    note = practice.review_note or ""

    def render() -> str:
        if what == "approve":
            return _("✔ Your case «{title}» is approved for the school's bank.").format(
                title=escape(title)
            )
        if what == "promote":
            return _(
                "⭐ Your case «{title}» is now in the municipal bank of best practices."
            ).format(title=escape(title))
        return _(
            "↩ The curator returned your case «{title}» with a note:\n{note}\n\n"
            "Correct it and submit it again from the card."
        ).format(title=escape(title), note=escape(note))

    practice_id = practice.id
    await tell(
        bot, i18n, await contact(session, practice.author_id), render,
        lambda: _open(practice_id, ""),
    )  # fmt: skip


async def decision_pressed(
    query: CallbackQuery,
    callback_data: PrAct,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    i18n: I18n,
    state: FSMContext,
) -> None:
    practice = await _checked(query, session, actor, callback_data)
    if practice is None:
        return
    message = query.message if isinstance(query.message, Message) else None
    if callback_data.action == "return":
        await query.answer()
        await state.clear()
        await state.set_state(ReturnNote.text)
        await state.update_data(practice_return=practice.id)
        if message:
            await message.answer(
                ngettext(
                    "Write a note to the author of «{title}»: what to correct "
                    "({min}–{max} character).",
                    "Write a note to the author of «{title}»: what to correct "
                    "({min}–{max} characters).",
                    practices.NOTE_LENGTH[1],
                ).format(
                    title=escape(short(practice.title)),
                    min=practices.NOTE_LENGTH[0],
                    max=practices.NOTE_LENGTH[1],
                ),
                reply_markup=markup([[cancel_button()]]),
            )
        return
    if callback_data.action == "resubmit":
        await query.answer()
        if message:
            await start_submission(message, state, session, actor, practice.school_id, practice.id)
        return
    move = practices.approve if callback_data.action == "approve" else practices.promote
    moved = await move(session, practice.id, actor.person_id, clock.now())
    if moved is None:
        await query.answer(_("Someone has already decided on this case."), show_alert=True)
        return
    await query.answer()
    if callback_data.action == "approve":
        done = _("✔ Approved: «{title}» is in the school's bank.")
        back = PrList(bank=REVIEW)
    else:
        done = _("⭐ Promoted: «{title}» is in the municipal bank.")
        back = PrList(bank=PROMOTE)
    if message:
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(
            done.format(title=escape(moved.title)),
            reply_markup=markup([[button(_("◀ To the list"), back)]]),
        )
    await _tell_author(bot, i18n, session, moved, callback_data.action)


async def note_written(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
    bot: Bot,
    i18n: I18n,
) -> None:
    low, high = practices.NOTE_LENGTH
    text = (message.text or "").strip()
    if not low <= len(text) <= high:
        await message.answer(
            ngettext(
                "The note must be {min} to {max} character long; yours has {count}.",
                "The note must be {min} to {max} characters long; yours has {count}.",
                high,
            ).format(min=low, max=high, count=len(text))
        )
        return
    practice_id = (await state.get_data()).get("practice_return")
    practice = await session.get(Practice, practice_id) if practice_id else None
    await state.clear()
    if practice is None or practice.school_id not in actor.org_ids(Role.curator):
        await message.answer(_("This case is not available to you."))
        return
    returned = await practices.return_to_author(
        session, practice.id, actor.person_id, text, clock.now()
    )
    if returned is None:
        await message.answer(_("Someone has already decided on this case."))
        return
    await message.answer(
        _("↩ Returned to the author with your note."),
        reply_markup=markup([[button(_("◀ To the list"), PrList(bank=REVIEW))]]),
    )
    await _tell_author(bot, i18n, session, returned, "return")


def build_router() -> Router:
    router = Router(name="practice_review")
    allowed = Allowed("practices")
    router.callback_query.register(
        decision_pressed,
        PrAct.filter(F.action.in_({"approve", "return", "promote", "resubmit"})),
        allowed,
    )
    router.message.register(note_written, ReturnNote.text, ~F.text.startswith("/"), allowed)
    return router
