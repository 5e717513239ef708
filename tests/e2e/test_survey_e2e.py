"""Questionnaires through the real process: a mentee answers the monitoring questionnaire,
interrupted by a restart, and resumes; the mentor answers; the mentee changes her answers
before the deadline; an answer after the deadline is late; nobody else sees her answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from storage.catalogue.entries import EntryKind, entries
from storage.db import Database
from storage.models.enums import Role
from storage.models.surveys import Campaign, SurveyParticipation, SurveyResponse
from storage.pairing.forming import Proposal, form_programme, respond
from tests.support.chat import Person
from tests.support.seed import add_person, build_tree

pytestmark = pytest.mark.e2e

CURATOR, MENTOR, MENTEE = 301, 302, 303
SECRET = "ТАЙНЫЙ-ОТВЕТ-5521"
CHANGED = "НОВЫЙ-ОТВЕТ-6632"


def moscow_today() -> date:
    return datetime.now(ZoneInfo("Europe/Moscow")).date()


async def seed(db_url: str) -> int:
    """A school with an active pair and an open campaign; the campaign's id."""
    database = Database(db_url)
    now = datetime.now(UTC)
    today = moscow_today()
    try:
        tree = await build_tree(database, now)
        school = tree.school_id
        await add_person(database, CURATOR, "Иванченко Ольга", Role.curator, school, now)
        mentor = await add_person(database, MENTOR, "Петров Иван", Role.mentor, school, now)
        mentee = await add_person(database, MENTEE, "Кузнецова Анна", Role.mentee, school, now)
        async with database.transaction() as s:
            forms = await entries(s, tree.municipality_id, EntryKind.form)
            proposal = Proposal(
                school_id=school,
                mentor_ids=[mentor],
                mentee_ids=[mentee],
                form_id=forms[0].id,
                starts_on=today - timedelta(days=60),
                planned_end_on=today + timedelta(days=120),
                goals="Адаптация молодого специалиста",
            )
            programme = await form_programme(s, proposal, None, now)
            for person in (mentor, mentee):
                await respond(s, programme.id, person, True, now)
            campaign = Campaign(
                municipality_id=tree.municipality_id,
                period=f"{(today + timedelta(days=10)):%Y-%m}",
                opens_on=today - timedelta(days=4),
                deadline=today + timedelta(days=10),
                created_at=now,
                updated_at=now,
            )
            s.add(campaign)
            await s.flush()
            return campaign.id
    finally:
        await database.dispose()


async def stored(db_url: str, model) -> list:
    database = Database(db_url)
    try:
        async with database.reading() as s:
            return list((await s.scalars(select(model))).all())
    finally:
        await database.dispose()


async def newer(person: Person, tg, part: str):
    """The next message from now on that contains `part` (after a tap that sends two)."""
    newest = person.fake.last.message_id
    return lambda: tg.wait_for(person.id, lambda m: m.message_id > newest and part in m.text)


async def open_item(person: Person, tg, button: str) -> None:
    await person.say("/survey")
    first_question = await newer(person, tg, "Вопрос 1 из")
    await person.tap(button)
    await first_question()


async def test_answering_resuming_changing_and_late(bot_process, tg, db_url):
    campaign_id = await seed(db_url)
    await bot_process.start(tg)
    curator = Person(tg, CURATOR, "Ольга")
    mentor, mentee = Person(tg, MENTOR, "Иван"), Person(tg, MENTEE, "Анна")

    # The mentee starts the monitoring questionnaire and answers three questions.
    listing = await mentee.say("/survey")
    assert "Анкета мониторинга для наставляемого" in listing.text
    deadline = (moscow_today() + timedelta(days=10)).strftime("%d.%m.%Y")
    assert f"Заполнить до {deadline}." in listing.text
    await open_item(mentee, tg, "2. Заполнить")
    for value in ("9", "8"):
        await mentee.tap(value)
    third = await mentee.say("7")
    assert third.text.startswith("Вопрос 4 из 12")

    # A restart in the middle: nothing typed is lost.
    assert await bot_process.stop() == 0
    await bot_process.start(tg)
    resumed = await mentee.say("/survey")
    assert "Черновик сохранён: отвечено 3 из 12." in resumed.text, tg.transcript(MENTEE)
    question = await mentee.tap("2. Продолжить")
    assert question.text.startswith("Вопрос 4 из 12")
    await mentee.tap("Пропустить ▶")  # no group meetings
    for value in ("3", "3", "3", "3"):
        await mentee.tap(value)
    await mentee.tap("Да")
    await mentee.tap("Да")
    await mentee.say(SECRET)
    summary = await mentee.tap("Пропустить ▶")
    assert "Проверьте ответы:" in summary.text and SECRET in summary.text
    thanks = await mentee.tap("✔ Отправить")
    assert (
        thanks.text == f"Спасибо! Ответы сохранены. Изменить их можно через /survey до {deadline}."
    )

    # The mentor answers his questionnaire.
    await open_item(mentor, tg, "2. Заполнить")
    for _ in range(3):
        await mentor.tap("10")
    await mentor.tap("Пропустить ▶")
    for _ in range(4):
        await mentor.tap("9")
    await mentor.tap("Да")
    await mentor.tap("Да")
    await mentor.say("Рост наставляемой")
    await mentor.tap("Пропустить ▶")
    assert (await mentor.tap("✔ Отправить")).text.startswith("Спасибо! Ответы сохранены.")

    # The mentee changes one answer before the deadline: one response remains, replaced.
    listing = await mentee.say("/survey")
    assert f"✅ Ответы отправлены. Изменить их можно до {deadline}." in listing.text
    summary_shown = await newer(mentee, tg, "Проверьте ответы:")
    await mentee.tap("2. ✎ Изменить ответы")
    current = await summary_shown()
    assert "Проверьте ответы:" in current.text
    assert SECRET in current.text
    await mentee.tap_edit("✎ Изменить ответ", current)
    await mentee.tap("11", current)
    await mentee.say(CHANGED)
    updated = await mentee.tap("✔ Отправить")
    assert updated.text.startswith("Ответы обновлены, прежние заменены.")

    responses = await stored(db_url, SurveyResponse)
    by_role = {r.respondent_role: r for r in responses}
    assert sorted(by_role) == ["mentee", "mentor"] and len(responses) == 2
    assert by_role["mentee"].answers["valuable"] == CHANGED
    assert by_role["mentee"].answers["effectiveness"] == 9
    participations = await stored(db_url, SurveyParticipation)
    assert len(participations) == 2 and all(not p.late for p in participations)
    assert {p.campaign_id for p in participations} == {campaign_id}

    # After the deadline: the curator's answer is late and final; changes are closed.
    database = Database(db_url)
    try:
        async with database.transaction() as s:
            await s.execute(
                update(Campaign)
                .where(Campaign.id == campaign_id)
                .values(deadline=moscow_today() - timedelta(days=1))
            )
    finally:
        await database.dispose()
    listing = await curator.say("/survey")
    assert "ответы ещё принимаются и отмечаются как поздние" in listing.text
    first_question = await newer(curator, tg, "Вопрос 1 из 9")
    await curator.tap("1. Заполнить")
    await first_question()
    await curator.tap("Да")
    for value in ("6", "5", "4", "7", "3"):
        await curator.tap(value)
    await curator.tap_edit("▫️ Благодарственные письма и грамоты")
    await curator.tap("Готово ✔")
    await curator.tap("Пропустить ▶")
    await curator.tap("Пропустить ▶")
    late = await curator.tap("✔ Отправить")
    assert "отмечены как поздние и изменить их нельзя" in late.text
    curator_response = next(
        r for r in await stored(db_url, SurveyResponse) if r.respondent_role == "curator"
    )
    assert curator_response.late and curator_response.link is None
    listing = await mentee.say("/survey")
    assert "✅ Ответы отправлены." in listing.text and "✎" not in " ".join(listing.buttons)

    # Nobody else was shown the mentee's answers.
    for other in (MENTOR, CURATOR):
        assert SECRET not in tg.transcript(other) and CHANGED not in tg.transcript(other)
    assert await bot_process.stop() == 0
