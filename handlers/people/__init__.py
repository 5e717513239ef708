"""A school's participants (/people) and the curators and coordinators above them.

The package's router consults its modules in this order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def build_router() -> Router:
    # Imported here: importing one module of the package must not load every conversation.
    from aiogram import Router

    from handlers.people import card, edit, edit_value, listing, staff, staff_actions, status

    router = Router(name="people")
    for module in (
        listing,
        card,
        status,
        edit,
        edit_value,
        staff,
        staff_actions,
    ):
        router.include_router(module.build_router())
    return router
