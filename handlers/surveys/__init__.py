"""Questionnaires answered in chat (/survey), anonymous where it matters.

The package's router consults its modules in this order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def build_router() -> Router:
    # Imported here: importing one module of the package must not load every conversation.
    from aiogram import Router

    from handlers.surveys import filling

    router = Router(name="surveys")
    for module in (filling,):
        router.include_router(module.build_router())
    return router
