"""The bank of best practices (/practices): the bank, submitting, review, export.

The package's router consults its modules in this order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def build_router() -> Router:
    # Imported here: importing one module of the package must not load every conversation.
    from aiogram import Router

    from handlers.practices import bank, export, review, submit

    router = Router(name="practices")
    for module in (
        bank,
        submit,
        review,
        export,
    ):
        router.include_router(module.build_router())
    return router
