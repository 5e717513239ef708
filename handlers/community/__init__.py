"""Announcements, questions to the curators, and the frequent questions.

The package's router consults its modules in this order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def build_router() -> Router:
    # Imported here: importing one module of the package must not load every conversation.
    from aiogram import Router

    from handlers.community import announce, ask, faq, questions

    router = Router(name="community")
    for module in (
        announce,
        ask,
        questions,
        faq,
    ):
        router.include_router(module.build_router())
    return router
