"""Every conversation's router, in the order the dispatcher consults them."""

from __future__ import annotations

from aiogram import Router


def get_routers() -> list[Router]:
    # Imported here so that importing `handlers` alone has no side effects.
    from handlers import cancel, errors, fallback, feedback, language, start

    # cancel comes first so /cancel wins in every state; fallback last catches the rest.
    return [
        errors.router,
        cancel.router,
        start.router,
        language.router,
        feedback.router,
        fallback.router,
    ]
