"""Organisations: /orgs lists and adds them, and edits a name, kind or time zone.

The package's router consults its modules in this order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def build_router() -> Router:
    # Imported here: importing one module of the package must not load every conversation.
    from aiogram import Router

    from handlers.orgs import edit, edit_value, menu

    router = Router(name="orgs")
    for module in (
        menu,
        edit,
        edit_value,
    ):
        router.include_router(module.build_router())
    return router
