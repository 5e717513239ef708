"""A pair's or group's personal programme (/programme): its card, edits, typed input, closing.

The package's router consults its modules in this order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def build_router() -> Router:
    # Imported here: importing one module of the package must not load every conversation.
    from aiogram import Router

    from handlers.programmes import close, edit, input, menu

    router = Router(name="programmes")
    for module in (
        menu,
        edit,
        input,
        close,
    ):
        router.include_router(module.build_router())
    return router
