"""The meeting log through the real process: a meeting logged in a few taps from the last
log's values, confirmed and rated; bad dates and notes refused; a double tap saving one
meeting; a group meeting with two of three pupils; a dispute flagged to the curator."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from storage.catalogue.entries import EntryKind, entries
from storage.db import Database
from storage.meetings.writing import Draft, log_meeting
from storage.models.enums import Role
from storage.models.meetings import Meeting
from storage.pairing.forming import Proposal, form_programme, respond
from tests.fakebot.keyboards import find_callback_button
from tests.support.chat import Person
from tests.support.seed import add_person, build_tree

pytestmark = pytest.mark.e2e

CURATOR, MENTOR, MENTEE, GROUP_MENTOR = 301, 302, 303, 304
PUPILS = {305: "Белова Дарья", 306: "Смирнов Артём", 307: "Ахмедов Тимур"}
PUPIL = {"category": "student", "grade": 7, "birth_year": 2013}


def moscow_today() -> date:
    return datetime.now(ZoneInfo("Europe/Moscow")).date()


def show(value: date) -> str:
    return value.strftime("%d.%m.%Y")


async def seed(db_url: str) -> None:
    """A pair whose mentor logged a meeting a week ago, and a group of three pupils."""
    database = Database(db_url)
    now = datetime.now(UTC)
    today = moscow_today()
    try:
        tree = await build_tree(database, now)
        school = tree.school_id
        curator = await add_person(database, CURATOR, "Иванченко Ольга", Role.curator, school, now)
        mentor = await add_person(database, MENTOR, "Петров Иван", Role.mentor, school, now)
        mentee = await add_person(database, MENTEE, "Кузнецова Анна", Role.mentee, school, now)
        group_mentor = await add_person(
            database, GROUP_MENTOR, "Орлов Глеб", Role.mentor, school, now
        )
        pupils = [
            await add_person(database, tid, name, Role.mentee, school, now, profile=PUPIL)
            for tid, name in PUPILS.items()
        ]
        async with database.transaction() as s:
            form = (await entries(s, tree.municipality_id, EntryKind.form))[0].id
            made = []
            for lead, members in ((mentor, [mentee]), (group_mentor, pupils)):
                proposal = Proposal(
                    school_id=school,
                    mentor_ids=[lead],
                    mentee_ids=members,
                    form_id=form,
                    starts_on=today - timedelta(days=30),
                    planned_end_on=today + timedelta(days=200),
                    goals="Адаптация",
                    is_group=len(members) > 1,
                )
                programme = await form_programme(s, proposal, curator, now)
                for person in [lead, *members]:
                    await respond(s, programme.id, person, True, now)
                made.append(programme.id)
            last_week = Draft(
                programme_id=made[0],
                held_on=today - timedelta(days=7),
                format="online",
                duration_minutes=60,
                activity="lesson_visit",
                attendee_ids=[mentee],
            )
            await log_meeting(s, last_week, mentor, "seeded-key", today, now)
    finally:
        await database.dispose()


async def meeting_count(db_url: str) -> int:
    database = Database(db_url)
    try:
        async with database.reading() as s:
            return await s.scalar(select(func.count()).select_from(Meeting))
    finally:
        await database.dispose()


async def test_meetings_logged_confirmed_refused_and_disputed(bot_process, tg, db_url):
    await seed(db_url)
    await bot_process.start(tg)
    today = moscow_today()
    curator, mentor, mentee = (
        Person(tg, CURATOR, "Ольга"),
        Person(tg, MENTOR, "Иван"),
        Person(tg, MENTEE, "Анна"),
    )
    group_mentor = Person(tg, GROUP_MENTOR, "Глеб")
    pupils = {tid: Person(tg, tid, name.split()[1]) for tid, name in PUPILS.items()}

    # Three taps at most: «Today» and «Save»; the rest comes from last week's log.
    question = await mentor.say("/meeting")
    assert question.text.startswith("Когда была встреча?")
    summary = await mentor.tap(f"Сегодня, {show(today)}")
    for line in ("Формат: онлайн", "Длительность: 60 мин", "Вид работы: посещение урока"):
        assert line in summary.text
    saved = await mentor.tap("✔ Сохранить")
    assert saved.text.startswith(f"Сохранено: встреча {show(today)}.")
    asked = await tg.wait_for(MENTEE, lambda m: "состоялась?" in m.text)
    assert f"Встреча {show(today)} состоялась?" in asked.text
    rating = await mentee.tap("✔ Да, состоялась", asked)
    assert "только когда оценок не меньше трёх" in rating.text
    assert (await mentee.tap("5")).text == "Спасибо! Ваша оценка: 5 из 5."

    # A date in the future and an over-long note are refused with what is expected.
    await mentor.say("/meeting")
    refused = await mentor.say(show(today + timedelta(days=1)))
    assert refused.text.startswith(
        "Встречу записывают после того, как она состоялась: дата не может быть позже "
        f"сегодняшней, {show(today)}."
    )
    await tg.wait_for(
        MENTOR, lambda m: m.text.startswith("Когда была встреча?"), after=refused.message_id
    )
    summary = await mentor.say(show(today))
    assert f"Дата: {show(today)}" in summary.text
    await mentor.tap("Заметки", summary)
    refused = await mentor.say("ж" * 2001)
    assert refused.text.startswith("Нужно от 1 до 2000 символов, а здесь 2001.")
    await tg.wait_for(
        MENTOR, lambda m: m.text.startswith("Отправьте заметки"), after=refused.message_id
    )
    await mentor.say("/cancel")
    assert await meeting_count(db_url) == 2, "nothing saved by the refused conversation"

    # A double tap on «Save» makes one meeting.
    await mentor.say("/meeting")
    summary = await mentor.tap(f"Сегодня, {show(today)}")
    newest = summary.message_id
    mentor.fake.click(summary, text="✔ Сохранить")
    mentor.fake.click(summary, text="✔ Сохранить")
    await tg.wait_for(MENTOR, lambda m: m.text.startswith("Сохранено"), after=newest)
    listing = await mentor.say("/meetings")
    assert "Встречи: 3" in listing.text
    assert tg.unanswered_callbacks() == []
    # A tap on the old button once the meeting is saved is told so.
    save = find_callback_button(summary.edits[0]["reply_markup"], "✔ Сохранить", None)
    mentor.fake.press(summary, save["callback_data"])
    await tg.sent_changed.wait_until(lambda: not tg.unanswered_callbacks() or None, 10)
    alerts = [r[1].get("text") for r in tg.requests_for("answerCallbackQuery")]
    assert "Эта встреча уже сохранена." in alerts
    assert await meeting_count(db_url) == 3

    # A group meeting with two of the three pupils.
    await group_mentor.say("/meeting")
    await group_mentor.tap(f"Сегодня, {show(today)}")
    await group_mentor.tap("Очно")
    await group_mentor.tap("45 мин")
    summary = await group_mentor.tap("Проектная работа")
    assert "Присутствовали: Ахмедов Тимур, Белова Дарья, Смирнов Артём" in summary.text
    await group_mentor.tap("👥 Кто пришёл", summary)
    await group_mentor.tap_edit("✅ Смирнов Артём")
    summary = await group_mentor.tap("Готово ✔")
    assert "Присутствовали: Ахмедов Тимур, Белова Дарья" in summary.text
    await group_mentor.tap("✔ Сохранить", summary)
    for tid in (305, 307):
        await tg.wait_for(tid, lambda m: "состоялась?" in m.text)
    assert not any("состоялась?" in m.text for m in pupils[306].fake.messages)

    # A pupil says it did not take place: the curator is told and sees it flagged.
    asked = next(m for m in pupils[307].fake.messages if "состоялась?" in m.text)
    await pupils[307].tap("✖ Нет, не состоялась", asked)
    notice = await tg.wait_for(CURATOR, lambda m: m.text.startswith("⚠️ Ахмедов Тимур"))
    assert "записанная наставником Орлов Глеб, не состоялась" in notice.text
    listing = await curator.say("/meetings")
    assert f"⚠️ {show(today)} · Ахмедов Тимур, Белова Дарья" in listing.buttons
    disputed = await curator.tap_edit("⚠️ Оспоренные", listing)
    assert "Оспоренные встречи: 1" in disputed.text
    card = await curator.tap_edit(f"⚠️ {show(today)} · Ахмедов Тимур, Белова Дарья", disputed)
    assert "Подтверждение: ⚠️ оспорена" in card.text
    assert "• Ахмедов Тимур — ⚠️ оспорена" in card.text
    assert await bot_process.stop() == 0
