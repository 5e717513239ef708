"""The bot's conversations, one package per capability, in the order the dispatcher consults
them. The list below reads like the bot's menu; each package's `build_router` composes its own
modules (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router

    from handlers.forms.engine import Forms
    from handlers.ui.rendered import Renderer


def get_routers() -> list[Router]:
    """Fresh routers on every call: a router can belong to one dispatcher only, and tests
    and the benchmark build many."""
    from handlers import (
        campaigns,
        catalogue,
        community,
        feedback,
        invitations,
        meetings,
        orgs,
        outbox,
        pairing,
        people,
        practices,
        privacy,
        profile,
        programmes,
        registers,
        reports,
        start,
        surveys,
    )
    from handlers.forms import engine as forms
    from handlers.registration import flow as registration
    from handlers.system import cancel, chat_member, errors, fallback

    # cancel first so /cancel wins in every state; a personal link from the registers before
    # the ordinary registration's deep-link /start, both before the plain greeting; fallback
    # last catches the rest.
    features = [
        errors,
        cancel,
        registers,
        registration,
        start,
        orgs,
        invitations,
        people,
        profile,
        privacy,
        catalogue,
        pairing,
        programmes,
        meetings,
        feedback,
        outbox,
        chat_member,
        campaigns,
        surveys,
        practices,
        community,
        reports,
        forms,
        fallback,
    ]
    return [feature.build_router() for feature in features]


def outbox_renderers() -> dict[str, Renderer]:
    """How every kind of outbox message reads, from the features that enqueue them; bot/
    hands this to the sender, so the scheduler imports no handler."""
    from handlers import outbox_texts
    from handlers.registers import proposals

    return {**outbox_texts.RENDERERS, **proposals.RENDERERS}


def engine_forms() -> Forms:
    """Every form the forms engine runs, with what saves it; bot/ puts it in the dispatcher's
    data as "forms", so the engine finds a form by the name its conversation stored."""
    from handlers.orgs import menu as orgs
    from handlers.registers import joining
    from handlers.registration import flow as registration
    from handlers.reports import stats

    return {
        **registration.ENGINE_FORMS,
        **orgs.ENGINE_FORMS,
        **joining.ENGINE_FORMS,
        **stats.ENGINE_FORMS,
    }
