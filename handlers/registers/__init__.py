"""/import: a school's registers from a file, the personal invitations they give, and the
people who join through them (storage/registers does the work)."""

from __future__ import annotations

from aiogram import Router


def build_router() -> Router:
    from handlers.registers import importing, joining, pending

    router = Router(name="registers")
    # Joining first: a personal link's /start must be taken before the ordinary registration.
    router.include_router(joining.build_router())
    router.include_router(importing.build_router())
    router.include_router(pending.build_router())
    return router
