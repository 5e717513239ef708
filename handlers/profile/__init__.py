"""/profile: what a person keeps about themselves.

The package's router consults its modules in this order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def build_router() -> Router:
    # Imported here: importing one module of the package must not load every conversation.
    from aiogram import Router

    from handlers.profile import menu

    router = Router(name="profile")
    for module in (menu,):
        router.include_router(module.build_router())
    return router
