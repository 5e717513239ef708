"""What the meeting screens share: callback data, states, titles, the draft in FSM data.

The draft of a meeting lives in FSM data under DRAFT_KEY (JSON only: dates as ISO text), so a
restart loses nothing. Its programme id is checked again on every step: a forged id, a programme
closed meanwhile or a role lost is refused.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.programmes.common import Access, programme_access
from storage.people.actor import Actor

DRAFT_KEY = "meeting_draft"


class MeetingPick(CallbackData, prefix="mt_k"):
    programme_id: int


class MeetingStep(CallbackData, prefix="mt_s"):
    # date, cal, format, duration, activity, plan, who, who_done, ask, publish, noop
    action: str
    value: str = ""


class MeetingSave(CallbackData, prefix="mt_v"):
    key: str  # the draft's request key: a second tap finds the meeting saved by the first


class MeetingAnswer(CallbackData, prefix="mt_y"):
    meeting_id: int
    took_place: bool


class MeetingRate(CallbackData, prefix="mt_r"):
    meeting_id: int
    rating: int  # 1–5; 0 skips


class MeetingsPage(CallbackData, prefix="mt_p"):
    page: int = 0
    disputed: bool = False


class MeetingOpen(CallbackData, prefix="mt_o"):
    meeting_id: int
    page: int = 0
    disputed: bool = False


class MeetingAct(CallbackData, prefix="mt_a"):
    meeting_id: int
    action: str  # edit, delete, delete_yes, photos
    version: int = 0


class PhotoPage(CallbackData, prefix="mt_f"):
    page: int = 0


class PhotoSend(CallbackData, prefix="mt_g"):
    photo_id: int


class MeetingLog(StatesGroup):
    choosing = State()  # buttons only: format, activity, plan item, who came, publishing
    date = State()  # buttons, or a date typed as DD.MM.YYYY
    duration = State()  # buttons, or minutes typed
    topic = State()
    notes = State()
    photo = State()
    summary = State()


def format_title(value: str) -> str:
    return {"in_person": _("in person"), "online": _("online")}.get(value, value)


def activity_title(value: str) -> str:
    return {
        "consultation": _("consultation"),
        "lesson_visit": _("lesson visit"),
        "mutual_visits": _("mutual lesson visits"),
        "joint_planning": _("planning a lesson or event together"),
        "master_class": _("master class"),
        "project": _("project work"),
        "competition": _("preparing for a competition or olympiad"),
        "other": _("other"),
    }.get(value, value)


def status_title(value: str) -> str:
    return {
        "confirmed": _("✅ confirmed"),
        "disputed": _("⚠️ disputed"),
        "pending": _("⏳ waiting for the answer"),
        "unconfirmed": _("❔ unconfirmed"),
    }.get(value, value)


STATUS_MARKS = {"confirmed": "✅", "disputed": "⚠️", "pending": "⏳", "unconfirmed": "❔"}


def minutes(value: int) -> str:
    return _("{count} min").format(count=value)


def refusal(access: Access | None) -> str:
    if access is None:
        return _("This pair or group is not available to you.")
    if not access.active:
        return _("The programme is closed; meetings can no longer be logged for it.")
    return _("Only the mentor of the pair or group logs its meetings.")


def may_log(access: Access | None) -> bool:
    return access is not None and access.active and access.role == "mentor" and not access.silent


async def get_draft(state: FSMContext) -> dict[str, Any] | None:
    return (await state.get_data()).get(DRAFT_KEY)


async def put_draft(state: FSMContext, draft: dict[str, Any] | None) -> None:
    await state.update_data({DRAFT_KEY: draft})


async def finish(state: FSMContext) -> None:
    await put_draft(state, None)
    await state.set_state(None)


async def draft_access(
    event: Message | CallbackQuery, session: AsyncSession, actor: Actor, state: FSMContext
) -> tuple[dict[str, Any], Access] | None:
    """The draft and the programme's access if the actor may still log for it; otherwise the
    conversation ends with the reason."""
    draft = await get_draft(state)
    if draft is None:
        if isinstance(event, CallbackQuery):
            await event.answer(_("This button is no longer active."), show_alert=True)
        else:
            await event.answer(_("This conversation has ended. Send /meeting to start again."))
        return None
    access = await programme_access(session, actor, draft.get("pid", 0))
    if not may_log(access):
        await finish(state)
        if isinstance(event, CallbackQuery):
            await event.answer(refusal(access), show_alert=True)
        else:
            await event.answer(refusal(access))
        return None
    return draft, access


def iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
