"""The meeting log (/meeting, /meetings, the mentees' confirmations).

The package's router consults its modules in this order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def build_router() -> Router:
    # Imported here: importing one module of the package must not load every conversation.
    from aiogram import Router

    from handlers.meetings import change, confirm, input, listing, log, photos, save, steps

    router = Router(name="meetings")
    for module in (
        log,
        steps,
        save,
        input,
        confirm,
        listing,
        change,
        photos,
    ):
        router.include_router(module.build_router())
    return router
