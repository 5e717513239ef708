"""The meeting log (/meeting, /meetings, the mentees' confirmations) as one router."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    meeting_change,
    meeting_confirm,
    meeting_input,
    meeting_log,
    meeting_photos,
    meeting_save,
    meeting_steps,
    meetings,
)


def build_router() -> Router:
    router = Router(name="meeting")
    for module in (
        meeting_log,
        meeting_steps,
        meeting_save,
        meeting_input,
        meeting_confirm,
        meetings,
        meeting_change,
        meeting_photos,
    ):
        router.include_router(module.build_router())
    return router
