"""Forming pairs and groups (/pair), the members' answers (members answer the invitation
whatever their roles: the membership in the programme is the permission, checked in the handler),
and the list of pairs (/pairs).

The package's router consults its modules in this order."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def build_router() -> Router:
    # Imported here: importing one module of the package must not load every conversation.
    from aiogram import Router

    from handlers.pairing import answer, forming, listing

    router = Router(name="pairing")
    for module in (
        forming,
        answer,
        listing,
    ):
        router.include_router(module.build_router())
    return router
