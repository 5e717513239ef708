"""Pairs and groups named in the registers become programmes once every member has joined:
proposed, with every member asked to accept, exactly as /pair forms them (the same checks;
a mentor over capacity is accepted, since the school's own register names the pair)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.meetings.people import school_curators
from storage.models.enums import MembershipStatus
from storage.models.orgs import Membership
from storage.models.registers import RegisterEntry, RegisterPair, RegisterPairMember
from storage.pairing.forming import Problem, Proposal, Refused, form_programme

# Refusals that may pass once a curator acts (a guardian's consent, a reactivation).
WAITING = frozenset({Problem.awaiting_guardian, Problem.not_in_school})


async def ready_pairs(session: AsyncSession, school_id: int | None = None) -> list[int]:
    """Planned pairs not formed yet whose every member joined and is active in the school."""
    query = (
        select(
            RegisterPair.id,
            RegisterPairMember.role,
            RegisterEntry.person_id,
            Membership.status,
        )
        .join(RegisterPairMember, RegisterPairMember.pair_id == RegisterPair.id)
        .join(RegisterEntry, RegisterEntry.id == RegisterPairMember.entry_id)
        .outerjoin(
            Membership,
            (Membership.person_id == RegisterEntry.person_id)
            & (Membership.organization_id == RegisterEntry.school_id)
            & (Membership.role == RegisterPairMember.role),
        )
        .where(RegisterPair.programme_id.is_(None), RegisterPair.refused.is_(None))
        .order_by(RegisterPair.id)
    )
    if school_id is not None:
        query = query.where(RegisterPair.school_id == school_id)
    ready: dict[int, bool] = defaultdict(lambda: True)
    for pair_id, _role, person_id, status in await session.execute(query):
        ready[pair_id] = (
            ready[pair_id] and person_id is not None and (status == MembershipStatus.active.value)
        )
    return [pair_id for pair_id, ok in ready.items() if ok]


async def form_pair(session: AsyncSession, pair_id: int, now: datetime) -> int | None:
    """Form the planned pair; the programme's id, or None if it waits or was refused."""
    pair = await session.get(
        RegisterPair,
        pair_id,
        with_for_update=session.bind.dialect.name != "sqlite",
        populate_existing=True,
    )
    if pair is None or pair.programme_id is not None or pair.refused is not None:
        return None
    members = (
        await session.execute(
            select(RegisterPairMember.role, RegisterEntry.person_id)
            .join(RegisterEntry, RegisterEntry.id == RegisterPairMember.entry_id)
            .where(RegisterPairMember.pair_id == pair_id)
        )
    ).all()
    if any(person_id is None for _role, person_id in members):
        return None
    curators = await school_curators(session, pair.school_id)
    author = pair.created_by or (curators[0] if curators else None)
    proposal = Proposal(
        school_id=pair.school_id,
        mentor_ids=[p for role, p in members if role == "mentor"],
        mentee_ids=[p for role, p in members if role == "mentee"],
        form_id=pair.form_id,
        starts_on=pair.starts_on,
        planned_end_on=pair.planned_end_on,
        goals=pair.goals,
        is_group=pair.is_group,
    )
    try:
        async with session.begin_nested():
            programme = await form_programme(
                session,
                proposal,
                author,  # type: ignore[arg-type]  (None: nobody to tell of a refusal)
                now,
                frozenset({Problem.over_capacity}),
            )
    except Refused as refused:
        if not set(refused.problems) <= WAITING:
            pair.refused = refused.problems[0].value
            await session.flush()
        return None
    pair.programme_id = programme.id
    await session.flush()
    return programme.id


async def form_ready(
    session: AsyncSession, now: datetime, school_id: int | None = None, *, one_per_person=False
) -> list[int]:
    """Form every ready pair (of one school, or everywhere); the programmes formed.

    `one_per_person` forms at most one per person in this call: its proposal then goes out
    through the outbox as a message of its own, not merged with another one's buttons.
    """
    formed = []
    busy: set[int] = set()
    for pair_id in await ready_pairs(session, school_id):
        if one_per_person:
            people = set(
                (
                    await session.scalars(
                        select(RegisterEntry.person_id)
                        .join(RegisterPairMember, RegisterPairMember.entry_id == RegisterEntry.id)
                        .where(RegisterPairMember.pair_id == pair_id)
                    )
                ).all()
            )
            if people & busy:
                continue
            busy |= people
        programme_id = await form_pair(session, pair_id, now)
        if programme_id is not None:
            formed.append(programme_id)
    return formed
