"""What curators and coordinators ask for: /summary, /stats, /export, /chart, /report.

The package's router consults its modules in this order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def build_router() -> Router:
    # Imported here: importing one module of the package must not load every conversation.
    from aiogram import Router

    from handlers.reports import chart, export, note, stats, summary

    router = Router(name="reports")
    for module in (
        summary,
        stats,
        export,
        chart,
        note,
    ):
        router.include_router(module.build_router())
    return router
