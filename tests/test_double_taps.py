"""A double tap (bot/middlewares/double_tap.py): a second tap on the same button of the same
message while the first is being handled is the same tap, answered but not handled again;
the same tap delivered twice is handled once and answered once. The conversations of most
modules also run with every tap doubled (tests/conftest.py: DOUBLE_TAP_MODULES)."""

from __future__ import annotations

from storage.models import MenteeProfile
from storage.models.enums import Role
from tests.support.seed import add_person, build_tree, make_programme

MENTOR, MENTEE, CURATOR = 71, 72, 73


async def people(harness, clock) -> tuple[int, int]:
    database, now = harness.app.database, clock.now()
    tree = await build_tree(database, now)
    mentor = await add_person(database, MENTOR, "Петров Иван", Role.mentor, tree.school_id, now)
    mentee = await add_person(database, MENTEE, "Иванова Анна", Role.mentee, tree.school_id, now)
    curator = await add_person(database, CURATOR, "Куратор", Role.curator, tree.school_id, now)
    await make_programme(database, tree, now, curator, mentor, [mentee])
    return mentor, mentee


async def test_a_double_tapped_choice_asks_the_next_question_once(harness, clock):
    await people(harness, clock)
    mentor = harness.client.user(MENTOR)
    await mentor.send("/meeting")
    question = mentor.last
    asked = len(mentor.replies)
    await mentor.double_click(question, text="Сегодня, 23.11.2026")
    assert len(mentor.replies) == asked + 1
    assert mentor.last.text == "В каком формате прошла встреча?"
    answers = harness.tg.requests_for("answerCallbackQuery")
    assert len(answers) == 2, "the two taps are answered, the second delivery is not"


async def test_a_double_tapped_tick_is_ticked_once(harness, clock):
    _mentor, mentee = await people(harness, clock)
    user = harness.client.user(MENTEE)
    await user.send("/profile")
    await user.click(user.last, text="✎ Изменить")
    await user.click(user.last, text="Предпочтительные формы наставничества")
    await user.double_click(user.last, text="▫️ учитель – учитель")
    assert "✅ учитель – учитель" in user.last.buttons, "ticked, not ticked and unticked"
    await user.click(user.last, text="Готово ✔")
    async with harness.app.database.reading() as s:
        row = await s.get(MenteeProfile, mentee)
    assert row.preferred_forms == ["teacher_teacher"]
