"""Telegram's rules and failures against the real process: network errors that carry the
token never reach the log, replies that meet 429 go again, a flood is refused and told once,
and every screen that edits itself takes a double tap."""

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
from storage.models.surveys import Campaign
from storage.pairing.forming import Proposal, form_programme, respond
from tests.conftest import ADMIN_ID
from tests.support.botprocess import BotProcess
from tests.support.chat import Person
from tests.support.seed import add_person, build_tree

pytestmark = pytest.mark.e2e

TOKEN = "42:TEST-token"
APOLOGY = "Извините, у нас что-то пошло не так."


async def test_network_errors_429_and_a_flood(fake_api, tg, db_url, tmp_path):
    """Logged at DEBUG, with the production throttle (20 updates per person in 5 s)."""
    bot = BotProcess(fake_api.url, db_url, tmp_path, LOG_LEVEL="DEBUG", THROTTLE_RATE="20")
    await bot.start(tg)
    try:
        user = tg.user(7001)
        # The poll in progress ends with this update; the next polls meet a bad status line
        # (aiohttp's error names the URL, token included), a dropped connection and a 502.
        tg.break_next("getUpdates", how="garbage")
        tg.break_next("getUpdates", how="drop")
        tg.fail_next("getUpdates", status=502)
        user.send("/start")
        assert (await user.wait_reply(timeout=30)).text.startswith("Здравствуйте")
        # A reply whose connection breaks: the failed update is logged with its traceback.
        tg.break_next("sendMessage", how="garbage")
        user.send("/help")
        assert (await user.wait_reply(timeout=30)).text.startswith(APOLOGY)

        # A reply that meets flood control waits and goes again.
        tg.fail_next("sendMessage", status=429, retry_after=1)
        user.send("/help")
        assert (await user.wait_reply(timeout=30)).text.startswith("Что я умею")
        assert tg.statuses[429] == 1

        # A flood: 60 messages at once. 20 go through, 20 wait their turn, the rest are
        # refused, and the person is told once; someone else is served meanwhile.
        flooder = tg.user(7002)
        for n in range(1, 61):
            flooder.send(f"сообщение {n}")
        calm = tg.user(7003)
        calm.send("/help")
        assert (await calm.wait_reply(timeout=30)).text.startswith("Что я умею")
        answered = await tg.sent_changed.wait_until(lambda: len(tg.sent_to(7002)) >= 41 or None, 30)
        assert answered, tg.transcript(7002)
        assert await bot.stop() == 0
    finally:
        if bot.process is not None and bot.process.returncode is None:
            await bot.kill()
    texts = [m.text for m in tg.sent_to(7002)]
    notices = [t for t in texts if t.startswith("Вы отправляете быстрее, чем я успеваю")]
    assert len(texts) == 41 and len(notices) == 1, texts
    assert "«сообщение 41»" in notices[0]

    log = bot.log
    assert "TEST-token" not in log, "the token, or its secret half, is in the log"
    assert "Failed to fetch updates" in log and "ClientResponseError" in log, log[-3000:]
    assert "Traceback" in log and "update" in log and "failed" in log
    assert "/bot<redacted>/getUpdates" in log


CURATOR, COORDINATOR, MENTOR, MENTEE, SECOND_MENTEE = 7101, 7102, 7103, 7104, 7105


def moscow_today() -> date:
    return datetime.now(ZoneInfo("Europe/Moscow")).date()


def show(value: date) -> str:
    return value.strftime("%d.%m.%Y")


async def seed_school(db_url: str) -> None:
    """A school: a curator, a coordinator, a mentor with two pairs (a meeting logged a week
    ago in the first), and an open monitoring campaign."""
    database = Database(db_url)
    now = datetime.now(UTC)
    today = moscow_today()
    try:
        tree = await build_tree(database, now)
        school = tree.school_id
        curator = await add_person(database, CURATOR, "Иванченко Ольга", Role.curator, school, now)
        await add_person(
            database, COORDINATOR, "Сидоров Пётр", Role.coordinator, tree.municipality_id, now
        )
        mentor = await add_person(database, MENTOR, "Петров Иван", Role.mentor, school, now)
        mentees = [
            await add_person(database, MENTEE, "Кузнецова Анна", Role.mentee, school, now),
            await add_person(database, SECOND_MENTEE, "Белова Дарья", Role.mentee, school, now),
        ]
        async with database.transaction() as s:
            form = (await entries(s, tree.municipality_id, EntryKind.form))[0].id
            programmes = []
            for mentee in mentees:
                proposal = Proposal(
                    school_id=school,
                    mentor_ids=[mentor],
                    mentee_ids=[mentee],
                    form_id=form,
                    starts_on=today - timedelta(days=30),
                    planned_end_on=today + timedelta(days=200),
                    goals="Адаптация",
                )
                programme = await form_programme(s, proposal, curator, now)
                for person in (mentor, mentee):
                    await respond(s, programme.id, person, True, now)
                programmes.append(programme.id)
            last_week = Draft(
                programme_id=programmes[0],
                held_on=today - timedelta(days=7),
                format="online",
                duration_minutes=60,
                activity="lesson_visit",
                attendee_ids=[mentees[0]],
            )
            await log_meeting(s, last_week, mentor, "seeded-key", today, now)
            s.add(
                Campaign(
                    municipality_id=tree.municipality_id,
                    period=f"{(today + timedelta(days=20)):%Y-%m}",
                    opens_on=today - timedelta(days=4),
                    deadline=today + timedelta(days=20),
                    created_at=now,
                    updated_at=now,
                )
            )
    finally:
        await database.dispose()


async def count(db_url: str, model) -> int:
    database = Database(db_url)
    try:
        async with database.reading() as s:
            return await s.scalar(select(func.count()).select_from(model))
    finally:
        await database.dispose()


def starts(prefix: str):
    return lambda m: (m.text or "").startswith(prefix)


def has(part: str):
    return lambda m: part in (m.text or "")


async def test_every_kind_of_screen_takes_a_double_tap(bot_process, tg, db_url):
    """Each tap below is one tap delivered twice plus a second tap on the same button of the
    same message, all at once (Person.double_tap checks that nothing failed and nothing
    was said twice); after each, the screen is what one tap leaves."""
    await seed_school(db_url)
    await bot_process.start(tg)
    today = moscow_today()
    curator, coordinator = Person(tg, CURATOR, "Ольга"), Person(tg, COORDINATOR, "Пётр")
    mentor, mentee = Person(tg, MENTOR, "Иван"), Person(tg, MENTEE, "Анна")
    admin = Person(tg, ADMIN_ID, "Админ")

    # A choice that redraws its own message and removes the keyboard.
    await mentor.say("/language")
    chosen = await mentor.double_tap("Русский", until=lambda m: not m.buttons)
    assert chosen.text == "Язык интерфейса — русский."

    # A conversation's screens: a topic that redraws the question, back, cancel, send.
    asked = await mentor.say("/feedback")
    topic = await mentor.double_tap("Вопрос", asked, until=starts("Тема: Вопрос."))
    await mentor.double_tap("◀ Назад", topic, until=starts("О чём вы хотите написать"))
    await mentor.double_tap("Вопрос", asked, until=starts("Тема: Вопрос."))
    preview = await mentor.say("Когда заполнять анкету?")
    await mentor.double_tap("Отправить", preview, until=starts("Отправлено."))
    to_admin = await tg.wait_for(ADMIN_ID, has("Когда заполнять анкету?"))
    assert sum("Когда заполнять анкету?" in m.text for m in admin.fake.messages) == 1
    assert to_admin.message_id
    await mentor.say("/feedback")
    await mentor.double_tap("✖ Отмена", until=starts("Отменено"))

    # The meeting log: a pair picked, a date, a calendar page, the save; one meeting.
    meetings_before = await count(db_url, Meeting)
    picker = await mentor.say("/meeting")
    date_question = await mentor.double_tap(
        "Кузнецова Анна", picker, until=starts("Когда была встреча?")
    )
    await mentor.double_tap(
        "📅 Календарь", date_question, until=lambda m: "📅 Календарь" not in m.buttons
    )
    await mentor.say("/meeting")
    await mentor.double_tap("Кузнецова Анна", until=starts("Когда была встреча?"))
    summary = await mentor.double_tap(f"Сегодня, {show(today)}", until=has("Длительность"))
    saved = await mentor.double_tap("✔ Сохранить", summary, until=starts("Сохранено"))
    assert saved.text.startswith(f"Сохранено: встреча {show(today)}.")
    assert await count(db_url, Meeting) == meetings_before + 1

    # The mentee's confirmation redraws the question; the rating removes its keyboard.
    asked = await tg.wait_for(MENTEE, has("состоялась?"))
    rating = await mentee.double_tap("✔ Да, состоялась", asked, until=has("оценок"))
    thanks = await mentee.double_tap("5", rating, until=starts("Спасибо! Ваша оценка"))
    assert thanks.text == "Спасибо! Ваша оценка: 5 из 5."

    # A questionnaire: opened once, an answer written under its question, the next asked.
    listing = await mentee.say("/survey")
    first = await mentee.double_tap("2. Заполнить", listing, until=starts("Вопрос 1 из"))
    second = await mentee.double_tap("7", first, until=starts("Вопрос 2 из"))
    assert first.text.endswith("→ 7") and second.text.startswith("Вопрос 2 из 12")

    # Lists that open a card in place, a page of a list, a menu that redraws its keyboard.
    listing = await mentor.say("/meetings")
    [logged] = [b for b in listing.buttons if b.endswith("Кузнецова Анна") and show(today) in b]
    card = await mentor.double_tap(logged, listing, until=has("Подтверждение"))
    assert card.message_id == listing.message_id
    chooser = await mentor.say("/programme")
    [pair] = [b for b in chooser.buttons if "Белова Дарья" in b]
    card = await mentor.double_tap(pair, chooser, until=has("Белова Дарья"))
    assert card.message_id == chooser.message_id
    profile = await mentor.say("/profile")
    menu = await mentor.double_tap("✎ Изменить", profile, until=lambda m: len(m.buttons) > 2)
    await mentor.double_tap("◀ Назад", menu, until=lambda m: m.buttons == ["✎ Изменить"])

    # The curator: a person's card from the list, a filter of the pairs.
    people = await curator.say("/people")
    [row] = [b for b in people.buttons if "Кузнецова Анна" in b]
    await curator.double_tap(row, people, until=has("Кузнецова Анна"))
    pairs = await curator.say("/pairs")
    filtered = await curator.double_tap("идёт", pairs, until=starts("Пары и группы школы — идёт"))
    assert filtered.message_id == pairs.message_id and "• идёт" in filtered.buttons

    # An invitation: the role redraws the screen, the number of uses gives one link.
    invite = await curator.say("/invite")
    uses = await curator.double_tap(
        "Пригласить: наставник", invite, until=lambda m: "5" in m.buttons
    )
    link = await curator.double_tap("5", uses, until=has("?start="))
    assert sum("?start=" in (m.text or "") for m in curator.fake.messages) == 1
    assert link.text

    # The coordinator: a refresh that changes nothing, and a prompt asked once.
    outbox = await coordinator.say("/outbox")
    screen = (outbox.text, outbox.buttons)
    refreshed = await coordinator.double_tap("↻ Обновить", outbox, changes=False)
    assert (refreshed.text, refreshed.buttons) == screen
    faq = await coordinator.say("/faq")
    editing = await coordinator.double_tap("✎ Редактировать: Сальский район", faq)
    await coordinator.double_tap("+ Добавить вопрос", editing, until=starts("Напишите вопрос"))

    for person in (curator, coordinator, mentor, mentee, admin):
        person.check_chat()
    assert not any(m.text.startswith("Отменять нечего") for m in mentor.fake.messages)
    assert await bot_process.stop() == 0
    assert "handlers.system.errors" not in bot_process.log, bot_process.log[-3000:]
