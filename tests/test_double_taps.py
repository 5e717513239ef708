"""A double tap (bot/middlewares/double_tap.py): a second tap on the same button of the same
message while the first is being handled is the same tap, answered but not handled again;
the same tap delivered twice is handled once and answered once. The conversations of most
modules also run with every tap doubled (tests/conftest.py: DOUBLE_TAP_MODULES)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage.models import MenteeProfile
from storage.models.enums import Role
from storage.models.orgs import Organization
from storage.models.surveys import Campaign
from tests.conftest import ADMIN_ID
from tests.support.seed import add_person, add_role, build_tree, make_programme, region_with_schools

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


# The screens the conversations of DOUBLE_TAP_MODULES do not reach, each double-tapped here.

COORDINATOR = 74


async def school(harness, clock):
    """A pair; the mentor and the mentee also belong to a second school; a coordinator."""
    database, now = harness.app.database, clock.now()
    tree = await build_tree(database, now)
    mentor = await add_person(database, MENTOR, "Петров Иван", Role.mentor, tree.school_id, now)
    mentee = await add_person(database, MENTEE, "Иванова Анна", Role.mentee, tree.school_id, now)
    curator = await add_person(database, CURATOR, "Куратор", Role.curator, tree.school_id, now)
    await add_person(
        database, COORDINATOR, "Соболева Зинаида", Role.coordinator, tree.municipality_id, now
    )
    async with database.transaction() as s:
        await add_role(s, mentor, Role.mentor, tree.other_school_id, now)
        await add_role(s, mentee, Role.mentee, tree.other_school_id, now)
    await make_programme(database, tree, now, curator, mentor, [mentee])
    return tree


async def test_the_announcements_preview_changes_and_history(harness, clock):
    await school(harness, clock)
    curator = harness.client.user(CURATOR)
    await curator.send("/announce")
    await curator.click(curator.last, text="🏫 МБОУ лицей № 9")
    await curator.click(curator.last, text="▫️ наставники")
    await curator.click(curator.last, text="Далее ▶")
    await curator.send("Собрание наставников в пятницу.")
    preview = curator.last
    await curator.double_click(preview, text="✎ Изменить текст")
    assert curator.last.buttons and not preview.buttons
    await curator.send("Собрание наставников в четверг.")
    preview = curator.last
    assert "в четверг" in preview.text
    await curator.double_click(preview, text="◀ Получатели")
    roles = curator.last
    assert "✅ наставники" in roles.buttons and not preview.buttons
    await curator.double_click(roles, text="◀ Назад")
    assert roles.text.startswith("Объявление\nКому оно адресовано?"), roles
    await curator.click(roles, text="🏫 МБОУ лицей № 9")
    await curator.click(curator.last, text="Далее ▶")
    await curator.send("Собрание наставников в среду.")
    await curator.click(curator.last, text="✔ Отправить: 1")
    await curator.send("/announce")
    scopes = curator.last
    await curator.double_click(scopes, text="📊 Отправленные объявления")
    assert scopes.text == "Ваши последние объявления:" and len(scopes.buttons) == 2


async def test_a_question_to_one_of_two_schools(harness, clock):
    await school(harness, clock)
    mentee = harness.client.user(MENTEE)
    await mentee.send("/ask")
    chooser = mentee.last
    await mentee.double_click(chooser, text="МБОУ СОШ № 2")
    assert chooser.buttons == []
    assert mentee.last.text.startswith("Напишите вопрос куратору (МБОУ СОШ № 2)")


async def test_a_case_for_one_of_two_schools_and_back_to_the_bank(harness, clock):
    await school(harness, clock)
    mentor = harness.client.user(MENTOR)
    await mentor.send("/practices")
    await mentor.click(mentor.last, text="✍ Предложить практику")
    chooser = mentor.last
    await mentor.double_click(chooser, text="МБОУ СОШ № 2")
    assert chooser.buttons == [] and mentor.last.message_id > chooser.message_id
    await mentor.send("/cancel")
    await mentor.send("/practices")
    menu = mentor.last
    await mentor.click(menu, text="📝 Мои практики")
    await mentor.double_click(menu, text="◀ Банк лучших практик")
    assert menu.text.startswith("Банк лучших практик")


async def test_a_rating_skipped_and_a_change_saved(harness, clock):
    await school(harness, clock)
    mentor, mentee = harness.client.user(MENTOR), harness.client.user(MENTEE)
    await mentor.send("/meeting")
    await mentor.click(mentor.last, text="Сегодня, 23.11.2026")
    for label in ("Очно", "45 мин", "Консультация", "✔ Сохранить"):
        await mentor.click(mentor.last, text=label)
    await mentee.click(mentee.last, text="✔ Да, состоялась")
    rating = mentee.last
    await mentee.double_click(rating, text="Пропустить")
    assert rating.buttons == [] and mentee.last.text == "Спасибо!"

    await mentor.send("/meetings")
    await mentor.click(mentor.last, text="✅ 23.11.2026 · Иванова Анна")
    await mentor.click(mentor.last, text="✎ Изменить")
    await mentor.click(mentor.last, text="Дата")
    await mentor.click(mentor.last, text="Вчера")
    summary = mentor.last
    await mentor.double_click(summary, text="✔ Сохранить изменения")
    assert mentor.last.text.startswith("Изменения сохранены")
    assert summary.buttons == []


async def test_back_to_the_summary_of_a_questionnaire(harness, clock):
    await school(harness, clock)
    async with harness.app.database.transaction() as s:
        tree_municipality = await s.scalar(
            select(Organization.id).where(Organization.level == "municipality")
        )
        s.add(
            Campaign(
                municipality_id=tree_municipality,
                period="2026-12",
                opens_on=date(2026, 11, 9),
                deadline=date(2026, 12, 20),
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
    mentee = harness.client.user(MENTEE)
    await mentee.send("/survey")
    await mentee.click(mentee.last, text=mentee.last.buttons[-1])
    while "Проверьте ответы:" not in (mentee.last.text or ""):
        buttons = mentee.last.buttons
        if "Пропустить ▶" in buttons:
            await mentee.click(mentee.last, text="Пропустить ▶")
        elif buttons and buttons[0] in ("1", "Да"):
            await mentee.click(mentee.last, text=buttons[0])
        else:
            await mentee.send("Ответ на открытый вопрос")
    summary = mentee.last
    await mentee.click(summary, text="✎ Изменить ответ")
    await mentee.double_click(summary, text="◀ Назад")
    assert summary.buttons == ["✔ Отправить", "✎ Изменить ответ", "✖ Отмена"]


async def test_a_page_of_organisations_for_the_results(harness, clock):
    now = clock.now()
    [(district, schools)] = await region_with_schools(
        harness.app.database, now, [[f"Школа № {n:02d}" for n in range(1, 26)]]
    )
    person = await add_person(
        harness.app.database, CURATOR, "Куратор", Role.curator, schools[0], now
    )
    async with harness.app.database.transaction() as s:
        for other in schools[1:]:
            await add_role(s, person, Role.curator, other, now)
        s.add(
            Campaign(
                municipality_id=district,
                period="2026-12",
                opens_on=date(2026, 11, 9),
                deadline=date(2026, 12, 20),
                created_at=now,
                updated_at=now,
            )
        )
    curator = harness.client.user(CURATOR)
    await curator.send("/results")
    chooser = curator.last
    assert "▶" in chooser.buttons, chooser
    await curator.double_click(chooser, text="▶")
    assert chooser.button_rows[-1] == ["◀", "2 из 2"]


async def test_back_to_the_list_of_frequent_questions(harness, clock):
    await school(harness, clock)
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/faq")
    await coordinator.click(coordinator.last, text="✎ Редактировать: Сальский район")
    await coordinator.click(coordinator.last, text="+ Добавить вопрос")
    await coordinator.send("Когда сдавать отчёт?")
    await coordinator.send("До 20 декабря и до 20 мая.")
    mentor = harness.client.user(MENTOR)
    await mentor.send("/faq")
    screen = mentor.last
    await mentor.click(screen, text="1. Когда сдавать отчёт?")
    assert "До 20 декабря" in screen.text
    await mentor.double_click(screen, text="◀ Все вопросы")
    assert "До 20 декабря" not in screen.text and "1. Когда сдавать отчёт?" in screen.buttons


async def test_back_from_a_question_with_buttons_in_a_form(harness):
    admin = harness.client.user(ADMIN_ID)
    await admin.send("/orgs")
    await admin.click(admin.last, text="+ Регион")
    await admin.send("Ростовская область")
    zones = admin.last
    asked = len(admin.replies)
    await admin.double_click(zones, text="◀ Назад")
    assert zones.buttons == [] and len(admin.replies) == asked + 1
    assert admin.last.text.endswith("Полное название организации?")
