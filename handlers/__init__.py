"""Every conversation's router, in the order the dispatcher consults them."""

from __future__ import annotations

from aiogram import Router


def get_routers() -> list[Router]:
    """Fresh routers on every call: a router can belong to one dispatcher only, and tests
    and the benchmark build many."""
    from handlers import (
        announce,
        campaign,
        campaign_results,
        cancel,
        catalogue,
        chat_member,
        errors,
        fallback,
        feedback,
        invite,
        language,
        meeting,
        orgs,
        outbox,
        pairing,
        pairs,
        people,
        practices,
        privacy,
        profile,
        programme,
        start,
        survey,
    )
    from handlers.forms import engine as forms
    from handlers.registration import flow as registration

    # cancel first so /cancel wins in every state; registration's deep-link /start before the
    # plain greeting; fallback last catches the rest.
    modules = [
        errors,
        cancel,
        registration,
        start,
        language,
        orgs,
        invite,
        people,
        profile,
        privacy,
        catalogue,
        pairing,
        pairs,
        programme,
        meeting,
        feedback,
        outbox,
        chat_member,
        campaign,
        campaign_results,
        survey,
        practices,
        announce,
        forms,
        fallback,
    ]
    return [module.build_router() for module in modules]
