"""/pairs marks active pairs without a meeting in the last 30 days."""

from __future__ import annotations

from datetime import timedelta

from storage.models.enums import Role
from storage.models.meetings import Meeting
from tests.support.seed import add_person, build_tree, make_programme

QUIET = "💤 за последние 30 дней не записано ни одной встречи"


async def test_a_pair_without_recent_meetings_is_marked_until_one_is_logged(
    harness, database, clock
):
    now = clock.now()  # 23.11.2026; the pair started on 01.09.2026
    tree = await build_tree(database, now)
    curator = await add_person(database, 71, "Куратор Ольга", Role.curator, tree.school_id, now)
    mentor = await add_person(database, 72, "Петров Иван", Role.mentor, tree.school_id, now)
    mentee = await add_person(database, 73, "Иванова Анна", Role.mentee, tree.school_id, now)
    pair = await make_programme(database, tree, now, curator, mentor, [mentee])

    curator_chat = harness.client.user(71)
    await curator_chat.send("/pairs")
    assert QUIET in curator_chat.last.text
    mentor_chat = harness.client.user(72)
    await mentor_chat.send("/pairs")
    assert QUIET in mentor_chat.last.text

    async with database.transaction() as s:
        s.add(
            Meeting(
                programme_id=pair,
                logged_by=mentor,
                held_on=(now - timedelta(days=29)).date(),
                format="online",
                duration_minutes=30,
                activity="consultation",
                request_key="quiet-test",
                created_at=now,
                updated_at=now,
            )
        )
    await curator_chat.send("/pairs")
    assert QUIET not in curator_chat.last.text
    clock.advance(timedelta(days=2))
    await curator_chat.send("/pairs")
    assert QUIET in curator_chat.last.text
