"""Every conversation's router, in the order the dispatcher consults them."""

from __future__ import annotations

from aiogram import Router


def get_routers() -> list[Router]:
    """Fresh routers on every call: a router can belong to one dispatcher only, and tests
    and the benchmark build many."""
    from handlers import (
        announce,
        ask,
        campaign,
        campaign_results,
        cancel,
        catalogue,
        chart,
        chat_member,
        errors,
        export,
        fallback,
        faq,
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
        questions,
        registers,
        report,
        start,
        stats,
        summary,
        survey,
    )
    from handlers.forms import engine as forms
    from handlers.registration import flow as registration

    # cancel first so /cancel wins in every state; a personal link from the registers before
    # the ordinary registration's deep-link /start, both before the plain greeting; fallback
    # last catches the rest.
    modules = [
        errors,
        cancel,
        registers,
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
        ask,
        questions,
        faq,
        summary,
        stats,
        export,
        chart,
        report,
        forms,
        fallback,
    ]
    return [module.build_router() for module in modules]
