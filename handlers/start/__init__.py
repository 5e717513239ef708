"""The first contact: /start's greeting and the choice of language.

The package's router consults its modules in this order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def build_router() -> Router:
    # Imported here: importing one module of the package must not load every conversation.
    from aiogram import Router

    from handlers.start import greeting, language

    router = Router(name="start")
    for module in (
        greeting,
        language,
    ):
        router.include_router(module.build_router())
    return router
