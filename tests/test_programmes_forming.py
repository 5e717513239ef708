"""Forming pairs and groups: rules, confirmations, concurrency, and the members' answers."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, select

from storage.catalogue.entries import EntryKind, entries
from storage.models import Programme, ProgrammeMember
from storage.models.enums import Role
from storage.pairing.forming import Problem, Proposal, Refused, form_programme, respond
from tests.support.seed import add_person, build_tree


@pytest.fixture
async def school(database, clock):
    now = clock.now()
    tree = await build_tree(database, now)
    people = {
        "mentor": await add_person(
            database, 1, "Петров Иван", Role.mentor, tree.school_id, now, profile={"max_mentees": 2}
        ),
        "mentee": await add_person(database, 2, "Иванова Анна", Role.mentee, tree.school_id, now),
        "mentee2": await add_person(
            database, 3, "Кузнецова Ольга", Role.mentee, tree.school_id, now
        ),
        "mentee3": await add_person(
            database, 4, "Смирнова Мария", Role.mentee, tree.school_id, now
        ),
        "curator": await add_person(database, 5, "Куратор", Role.curator, tree.school_id, now),
        "stranger": await add_person(
            database, 6, "Чужой наставник", Role.mentor, tree.other_school_id, now
        ),
    }
    async with database.reading() as s:
        forms = await entries(s, tree.municipality_id, EntryKind.form)
    return tree, people, forms[0].id


def proposal(tree, form_id, mentors, mentees, group=False) -> Proposal:
    return Proposal(
        school_id=tree.school_id,
        mentor_ids=mentors,
        mentee_ids=mentees,
        form_id=form_id,
        starts_on=date(2026, 12, 1),
        planned_end_on=date(2027, 5, 31),
        goals="Адаптация",
        is_group=group,
    )


async def test_a_pair_becomes_active_when_both_accept(database, clock, school):
    tree, p, form = school
    async with database.transaction() as s:
        programme = await form_programme(
            s, proposal(tree, form, [p["mentor"]], [p["mentee"]]), p["curator"], clock.now()
        )
    async with database.transaction() as s:
        assert (await respond(s, programme.id, p["mentor"], True, clock.now())).status == "proposed"
        assert (await respond(s, programme.id, p["mentee"], True, clock.now())).status == "active"
        assert await respond(s, programme.id, p["mentee"], False, clock.now()) is None, (
            "answered once"
        )


async def test_a_decline_goes_back_with_its_reason(database, clock, school):
    tree, p, form = school
    async with database.transaction() as s:
        programme = await form_programme(
            s,
            proposal(tree, form, [p["mentor"]], [p["mentee"], p["mentee2"]], group=True),
            p["curator"],
            clock.now(),
        )
        declined = await respond(s, programme.id, p["mentee2"], False, clock.now(), "нет времени")
        member = await s.get(ProgrammeMember, (programme.id, p["mentee2"]))
    assert declined.status == "declined" and member.decline_reason == "нет времени"


async def test_refusals_change_nothing(database, clock, school):
    tree, p, form = school
    cases = [
        (proposal(tree, form, [p["mentor"]], [p["mentee"], p["mentee2"]]), Problem.pair_size),
        (proposal(tree, form, [p["stranger"]], [p["mentee"]]), Problem.not_in_school),
        (proposal(tree, form, [p["mentor"]], [p["mentor"]]), Problem.same_person),
        (proposal(tree, form, [], [p["mentee"]], group=True), Problem.no_mentor),
    ]
    for case, problem in cases:
        with pytest.raises(Refused) as refused:
            async with database.transaction() as s:
                await form_programme(s, case, p["curator"], clock.now())
        assert problem in refused.value.problems
    async with database.reading() as s:
        assert await s.scalar(select(func.count()).select_from(Programme)) == 0


async def test_capacity_and_a_second_pair_of_the_same_form_need_confirmation(
    database, clock, school
):
    tree, p, form = school
    async with database.transaction() as s:
        await form_programme(
            s,
            proposal(tree, form, [p["mentor"]], [p["mentee"], p["mentee2"]], group=True),
            p["curator"],
            clock.now(),
        )
    third = proposal(tree, form, [p["mentor"]], [p["mentee3"]])
    with pytest.raises(Refused) as refused:
        async with database.transaction() as s:
            await form_programme(s, third, p["curator"], clock.now())
    assert refused.value.problems == [Problem.over_capacity]
    assert refused.value.details["over_capacity"] == [p["mentor"]]
    async with database.transaction() as s:
        await form_programme(
            s, third, p["curator"], clock.now(), confirmed=frozenset({Problem.over_capacity})
        )

    again = proposal(tree, form, [p["mentor"]], [p["mentee"]])
    with pytest.raises(Refused) as refused:
        async with database.transaction() as s:
            await form_programme(
                s, again, p["curator"], clock.now(), confirmed=frozenset({Problem.over_capacity})
            )
    assert refused.value.problems == [Problem.same_form_again]


async def test_two_curators_on_the_same_mentee_at_once(database, clock, school):
    tree, p, form = school
    outcomes = []

    async def attempt() -> None:
        try:
            async with database.transaction() as s:
                await form_programme(
                    s, proposal(tree, form, [p["mentor"]], [p["mentee"]]), p["curator"], clock.now()
                )
                await asyncio.sleep(0.05)  # hold the transaction while the other one tries
            outcomes.append("formed")
        except Refused as refused:
            outcomes.append(refused.problems)

    await asyncio.gather(attempt(), attempt())
    assert sorted(map(str, outcomes)) == sorted(map(str, ["formed", [Problem.same_form_again]]))
    async with database.reading() as s:
        assert await s.scalar(select(func.count()).select_from(Programme)) == 1
        assert await s.scalar(select(func.count()).select_from(ProgrammeMember)) == 2


async def test_a_minor_awaiting_the_guardian_joins_no_programme(database, clock, school):
    from storage.models.enums import MembershipStatus

    tree, p, form = school
    minor = await add_person(
        database,
        7,
        "Смирнов Артём",
        Role.mentee,
        tree.school_id,
        clock.now(),
        status=MembershipStatus.awaiting_guardian,
    )
    with pytest.raises(Refused) as refused:
        async with database.transaction() as s:
            await form_programme(
                s, proposal(tree, form, [p["mentor"]], [minor]), p["curator"], clock.now()
            )
    assert refused.value.problems == [Problem.awaiting_guardian]


async def test_a_mentor_of_another_school_only_where_allowed_and_only_teacher_teacher(
    database, clock, school
):
    from storage.pairing.cross_school import set_cross_school

    tree, p, teacher_form = school
    async with database.reading() as s:
        pupil_form = (await entries(s, tree.municipality_id, EntryKind.form))[2].id
    neighbour = proposal(tree, teacher_form, [p["stranger"]], [p["mentee"]])
    with pytest.raises(Refused) as refused:
        async with database.transaction() as s:
            await form_programme(s, neighbour, p["curator"], clock.now())
    assert refused.value.problems == [Problem.not_in_school]

    async with database.transaction() as s:
        await set_cross_school(s, tree.municipality_id, True, p["curator"], clock.now())
    with pytest.raises(Refused) as refused:
        async with database.transaction() as s:
            await form_programme(
                s,
                proposal(tree, pupil_form, [p["stranger"]], [p["mentee"]]),
                p["curator"],
                clock.now(),
            )
    assert refused.value.problems == [Problem.cross_school]
    async with database.transaction() as s:
        formed = await form_programme(s, neighbour, p["curator"], clock.now())
    assert formed.school_id == tree.school_id


async def test_erasing_a_member_declines_the_proposals_waiting_for_them(database, clock, school):
    from storage.privacy import erase_person

    tree, p, form = school
    async with database.transaction() as s:
        programme = await form_programme(
            s, proposal(tree, form, [p["mentor"]], [p["mentee"]]), p["curator"], clock.now()
        )
    async with database.transaction() as s:
        await erase_person(s, p["mentee"], clock.now())
    async with database.reading() as s:
        assert (await s.get(Programme, programme.id)).status == "declined"
        member = await s.get(ProgrammeMember, (programme.id, p["mentee"]))
    assert member.response == "declined"
