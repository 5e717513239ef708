"""/survey in process: the answering engine's edges, changing answers, late answers, entry and
exit questionnaires, forged buttons, and that nobody but the respondent sees an answer."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from handlers.surveys.common import SurveyOpen
from handlers.surveys.invite import invite_members
from storage.models import MenteeProfile, Person
from storage.models.enums import MembershipStatus, Role
from storage.models.programmes import Programme
from storage.models.surveys import Campaign, SurveyParticipation, SurveyResponse
from storage.surveys.questionnaires.model import Occasion
from tests.support.seed import add_person, build_tree, make_programme

MENTOR, MENTEE, CURATOR, COORDINATOR, OTHER_CURATOR = 21, 22, 23, 24, 25
SECRET = "СЕКРЕТНЫЙ-ОТЗЫВ-4417"
SECRET_CHANGE = "ПОМЕНЯТЬ-ВСЁ-9905"


@pytest.fixture
async def school(database, clock):
    """An active pair, the school's curator, the municipal coordinator, an open campaign."""
    now = clock.now()
    tree = await build_tree(database, now)
    ids = {
        "mentor": await add_person(
            database, MENTOR, "Петров Иван", Role.mentor, tree.school_id, now
        ),
        "mentee": await add_person(
            database, MENTEE, "Кузнецова Анна", Role.mentee, tree.school_id, now
        ),
        "curator": await add_person(
            database, CURATOR, "Иванченко Ольга", Role.curator, tree.school_id, now
        ),
        "coordinator": await add_person(
            database, COORDINATOR, "Сидоров Пётр", Role.coordinator, tree.municipality_id, now
        ),
        "other": await add_person(
            database, OTHER_CURATOR, "Чужой Куратор", Role.curator, tree.foreign_school_id, now
        ),
    }
    programme_id = await make_programme(
        database, tree, now, ids["curator"], ids["mentor"], [ids["mentee"]]
    )
    async with database.transaction() as s:
        campaign = Campaign(
            municipality_id=tree.municipality_id,
            period="2026-12",
            opens_on=date(2026, 11, 9),
            deadline=date(2026, 12, 20),
            created_at=now,
            updated_at=now,
        )
        s.add(campaign)
        await s.flush()
        ids.update(programme=programme_id, campaign=campaign.id)
    return tree, ids


def monitoring_button(user) -> str:
    return next(b for b in user.last.buttons if b.endswith(("Заполнить", "Продолжить")))


async def start_monitoring(harness, telegram_id: int):
    user = harness.client.user(telegram_id)
    await user.send("/survey")
    listing = user.last
    assert "Анкета мониторинга" in listing.text
    await user.click(listing, text="2. Заполнить")  # 1 is the entry questionnaire
    return user


async def answer_all(user, *, scale: int, secret: str) -> None:
    """From the current question to the summary of a monitoring questionnaire."""
    for _ in range(8):  # eight 1–10 items; the group meetings one is skipped
        if "групповые встречи" in user.last.text:
            await user.click(user.last, text="Пропустить ▶")
        else:
            await user.click(user.last, text=str(scale))
    await user.click(user.last, text="Да")
    await user.click(user.last, text="Нет")
    await user.send(secret)
    await user.click(user.last, text="Пропустить ▶")
    assert user.last.text.startswith("Анкета мониторинга")
    assert "Проверьте ответы:" in user.last.text


async def rows(harness, model):
    async with harness.app.database.reading() as s:
        return list((await s.scalars(select(model))).all())


async def test_the_mentee_answers_question_by_question_with_clear_answers_to_bad_input(
    harness, school
):
    _tree, ids = school
    user = harness.client.user(MENTEE)
    await user.send("/survey")
    listing = user.last
    assert listing.text.startswith("Ваши анкеты")
    assert "1. Входная анкета для наставляемого" in listing.text
    assert "2. Анкета мониторинга для наставляемого" in listing.text
    assert "Программа с участниками: Петров Иван" in listing.text
    assert "Заполнить до 20.12.2026." in listing.text
    assert listing.buttons == ["1. Заполнить", "2. Заполнить"]

    await user.click(listing, text="2. Заполнить")
    intro = user.replies[-2].text
    assert "Вопросов: 12" in intro and "без вашего имени" in intro
    first = user.last
    assert first.text.startswith("Вопрос 1 из 12")
    assert first.button_rows[:2] == [["1", "2", "3", "4", "5"], ["6", "7", "8", "9", "10"]]
    assert "◀ Назад" not in first.buttons and "Пропустить ▶" not in first.buttons

    # Text where a number is expected, a number out of range: a clear answer and the question.
    await user.send("отлично")
    assert user.replies[-2].text == "Отправьте целое число от 1 до 10 или нажмите кнопку."
    assert user.last.text.startswith("Вопрос 1 из 12")
    await user.send("11")
    assert user.replies[-2].text == "Отправьте целое число от 1 до 10 или нажмите кнопку."
    await user.send("7")
    assert user.last.text.startswith("Вопрос 2 из 12")
    await user.click(user.last, text="9")
    assert user.replies[-2].text.endswith("→ 9"), "the answer stays under its question"
    # Back shows the question again with the current answer.
    await user.click(user.last, text="◀ Назад")
    assert user.last.text.startswith("Вопрос 2 из 12") and "Текущий ответ: 9" in user.last.text
    await user.click(user.last, text="8")
    await user.click(user.last, text="6")  # individual meetings
    assert "Пропустить ▶" in user.last.buttons, "group meetings are optional"
    await user.click(user.last, text="Пропустить ▶")
    assert user.replies[-2].text.endswith("→ — (пропущено)")
    for value in ("5", "4", "3", "2"):
        await user.click(user.last, text=value)
    assert user.last.text.startswith("Вопрос 9 из 12")
    assert user.last.button_rows[0] == ["Да", "Нет"]
    await user.send("да")
    assert user.replies[-2].text == "Пожалуйста, ответьте кнопками под вопросом."
    await user.click(user.last, text="Да")
    await user.click(user.last, text="Нет")
    assert user.last.text.startswith("Вопрос 11 из 12")
    await user.send("x" * 1001)
    assert user.replies[-2].text.startswith("Ответ слишком длинный: можно до 1000 символов")
    await user.send(SECRET)
    await user.click(user.last, text="Пропустить ▶")
    summary = user.last
    assert "Проверьте ответы:" in summary.text and SECRET in summary.text
    assert summary.buttons == ["✔ Отправить", "✎ Изменить ответ", "✖ Отмена"]
    await user.send("готово")
    assert user.replies[-2].text == "Отправьте или измените ответы кнопками ниже."

    # Change one answer from the summary, then back to the summary.
    await user.click(user.last, text="✎ Изменить ответ")
    assert user.last.buttons[:12] == [str(n) for n in range(1, 13)]
    await user.click(user.last, text="1")
    assert user.last.text.startswith("Вопрос 1 из 12") and "Текущий ответ: 7" in user.last.text
    await user.click(user.last, text="10")
    assert "Проверьте ответы:" in user.last.text
    assert not await rows(harness, SurveyResponse), "nothing is stored before sending"
    await user.click(user.last, text="✔ Отправить")
    assert user.last.text == (
        "Спасибо! Ответы сохранены. Изменить их можно через /survey до 20.12.2026."
    )

    [participation] = await rows(harness, SurveyParticipation)
    assert (
        participation.scope_key
        == f"monitoring_mentee:{ids['campaign']}:{ids['mentee']}:{ids['programme']}"
    )
    assert not participation.late
    [response] = await rows(harness, SurveyResponse)
    assert response.answers == {
        "effectiveness": 10,
        "communication": 8,
        "individual_meetings": 6,
        "goals_clear": 5,
        "expectations_met": 4,
        "support": 3,
        "overall": 2,
        "continue": True,
        "become_mentor": False,
        "valuable": SECRET,
    }
    assert response.respondent_role == "mentee" and response.link is not None
    assert len(response.id) == 32 and response.late is False

    await user.send("/survey")
    assert "✅ Ответы отправлены. Изменить их можно до 20.12.2026." in user.last.text
    assert user.last.buttons == ["1. Заполнить", "2. ✎ Изменить ответы"]


async def test_changing_answers_before_the_deadline_replaces_the_one_response(
    harness, school, clock
):
    user = await start_monitoring(harness, MENTEE)
    await answer_all(user, scale=3, secret=SECRET)
    await user.click(user.last, text="✔ Отправить")
    [first] = await rows(harness, SurveyResponse)

    clock.advance(timedelta(days=3))
    await user.send("/survey")
    await user.click(user.last, text="2. ✎ Изменить ответы")
    summary = user.last
    assert "Ниже ваши текущие ответы" in user.replies[-2].text
    assert SECRET in summary.text, "their own previous answers, to them only"
    await user.click(summary, text="✎ Изменить ответ")
    await user.click(user.last, text="11")
    await user.send(SECRET_CHANGE)
    await user.click(user.last, text="✔ Отправить")
    assert user.last.text.startswith("Ответы обновлены, прежние заменены.")

    [response] = await rows(harness, SurveyResponse)
    assert response.id == first.id
    assert response.answers["valuable"] == SECRET_CHANGE
    [participation] = await rows(harness, SurveyParticipation)
    assert participation.changed_at == clock.now()


async def test_after_the_deadline_answers_are_late_and_final(harness, school, clock):
    _tree, ids = school
    clock.advance(timedelta(days=28))  # 21.12.2026
    user = harness.client.user(MENTOR)
    await user.send("/survey")
    assert "Срок 20.12.2026 прошёл: ответы ещё принимаются и отмечаются как поздние." in (
        user.last.text
    )
    await user.click(user.last, text="2. Заполнить")
    assert "ваши ответы будут отмечены как поздние" in user.replies[-2].text
    for _ in range(8):
        if "групповые встречи" in user.last.text:
            await user.click(user.last, text="Пропустить ▶")
        else:
            await user.click(user.last, text="8")
    await user.click(user.last, text="Да")
    await user.click(user.last, text="Да")
    await user.click(user.last, text="Пропустить ▶")
    await user.click(user.last, text="Пропустить ▶")
    await user.click(user.last, text="✔ Отправить")
    assert "отмечены как поздние и изменить их нельзя" in user.last.text

    [participation] = await rows(harness, SurveyParticipation)
    [response] = await rows(harness, SurveyResponse)
    assert participation.late and response.late
    assert response.link is None, "a final answer keeps no bridge to its respondent"
    assert response.respondent_role == "mentor"

    await user.send("/survey")
    assert "✅ Ответы отправлены после срока (отмечены как поздние)." in user.last.text
    assert user.last.buttons == ["1. Заполнить"]
    forged = SurveyOpen(
        occasion="monitoring",
        programme_id=ids["programme"],
        school_id=school[0].school_id,
        campaign_id=ids["campaign"],
    ).pack()
    await user.press(user.last, data=forged)
    alert = harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"]
    assert alert == "Ваши ответы сохранены, изменить их уже нельзя."


async def test_forged_and_foreign_items_are_refused(harness, school):
    tree, ids = school
    user = harness.client.user(OTHER_CURATOR)
    await user.send("/survey")
    assert user.last.text == "Сейчас нет анкет, которые вам нужно заполнить."
    for forged in (
        SurveyOpen(occasion="conditions", school_id=tree.school_id, campaign_id=ids["campaign"]),
        SurveyOpen(
            occasion="monitoring",
            programme_id=ids["programme"],
            school_id=tree.school_id,
            campaign_id=ids["campaign"],
        ),
    ):
        await user.press(user.last, data=forged.pack())
        alert = harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"]
        assert alert == "Эта анкета сейчас вам недоступна."
    # The mentee cannot open the mentor's questionnaire of the same pair either.
    mentee = harness.client.user(MENTEE)
    await mentee.send("/survey")
    await mentee.press(
        mentee.last,
        data=SurveyOpen(
            occasion="conditions", school_id=tree.school_id, campaign_id=ids["campaign"]
        ).pack(),
    )
    alert = harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"]
    assert alert == "Эта анкета сейчас вам недоступна."
    assert not await rows(harness, SurveyParticipation)


async def test_a_young_teachers_difficulties_go_to_the_profile_not_to_the_response(harness, school):
    _tree, ids = school
    user = harness.client.user(MENTEE)
    await user.send("/survey")
    await user.click(user.last, text="1. Заполнить")
    assert user.last.text.startswith("Вопрос 1 из 5")
    await user.click(user.last, text="Готово ✔")
    alert = harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"]
    assert alert == "Выберите хотя бы один вариант."
    await user.click(user.last, text="▫️ Новые знания и умения")
    assert "✅ Новые знания и умения" in user.last.buttons, "ticked in place"
    await user.click(user.last, text="▫️ Поддержка и совет в трудных ситуациях")
    await user.click(user.last, text="Готово ✔")
    await user.click(user.last, text="8")
    await user.click(user.last, text="4")
    difficulties = user.last
    assert difficulties.text.startswith("Вопрос 4 из 5")
    assert "Этот ответ не анонимный" in difficulties.text
    # Pre-ticked from the registration profile.
    assert [b for b in difficulties.buttons if b.startswith("✅ ")] == [
        "✅ Дисциплина и управление классом"
    ]
    await user.click(difficulties, text="✅ Дисциплина и управление классом")
    await user.click(user.last, text="▫️ Работа с родителями")
    await user.click(user.last, text="Готово ✔")
    await user.click(user.last, text="Пропустить ▶")
    await user.click(user.last, text="✔ Отправить")
    assert user.last.text == "Спасибо! Ответы сохранены."

    async with harness.app.database.reading() as s:
        profile = await s.get(MenteeProfile, ids["mentee"])
        assert profile.difficulties == ["parents"]
        [response] = (await s.scalars(select(SurveyResponse))).all()
        assert response.answers == {
            "expectations": ["skills", "support"],
            "help_expected": 8,
            "confidence": 4,
        }
        assert response.link is None and response.campaign_id is None
    await user.send("/survey")
    assert "Входная анкета" not in user.last.text, "an answered entry questionnaire is done"


async def test_the_curator_answers_about_the_schools_conditions(harness, school):
    tree, ids = school
    user = harness.client.user(CURATOR)
    await user.send("/survey")
    assert "Условия наставничества в образовательной организации (куратор)" in user.last.text
    assert "Школа: МБОУ лицей № 9" in user.last.text
    await user.click(user.last, text="1. Заполнить")
    await user.click(user.last, text="Да")
    for value in ("6", "5", "4", "7", "3"):
        await user.click(user.last, text=value)
    await user.click(user.last, text="▫️ Пока никак")
    await user.click(user.last, text="Готово ✔")
    await user.click(user.last, text="Пропустить ▶")
    await user.click(user.last, text="Пропустить ▶")
    await user.click(user.last, text="✔ Отправить")
    [participation] = await rows(harness, SurveyParticipation)
    assert participation.scope_key == (
        f"conditions_curator:{ids['campaign']}:{ids['curator']}:s{tree.school_id}"
    )
    [response] = await rows(harness, SurveyResponse)
    assert response.respondent_role == "curator" and response.form_id is None
    assert response.answers["encouragement"] == ["none"]


async def test_cancel_discards_the_draft_and_a_draft_can_be_continued(harness, school):
    user = await start_monitoring(harness, MENTEE)
    await user.click(user.last, text="7")
    await user.send("/survey")
    assert "Черновик сохранён: отвечено 1 из 12." in user.last.text
    assert "2. Продолжить" in user.last.buttons
    await user.click(user.last, text="2. Продолжить")
    assert user.last.text.startswith("Вопрос 2 из 12")
    await user.send("/cancel")
    await user.send("/survey")
    assert "Черновик" not in user.last.text
    assert user.last.buttons == ["1. Заполнить", "2. Заполнить"]


async def test_entry_and_exit_invitations_start_their_questionnaires(harness, school, clock):
    _tree, ids = school
    async with harness.app.database.transaction() as s:
        programme = await s.get(Programme, ids["programme"])
        with harness.app.i18n.context():
            await invite_members(s, harness.bot, harness.app.i18n, programme, Occasion.entry)
    mentor = harness.client.user(MENTOR)
    invitation = mentor.last
    assert invitation.text.startswith("📝 Ваша программа наставничества началась.")
    await mentor.click(invitation, text="Заполнить анкету")
    assert mentor.last.text.startswith("Вопрос 1 из 4")

    async with harness.app.database.transaction() as s:
        programme = await s.get(Programme, ids["programme"])
        programme.status = "closed"
        programme.closed_at = clock.now()
        programme.ended_on = clock.now().date()
        await s.flush()
        with harness.app.i18n.context():
            await invite_members(s, harness.bot, harness.app.i18n, programme, Occasion.exit)
    mentee = harness.client.user(MENTEE)
    assert mentee.last.text.startswith("📝 Ваша программа наставничества завершена.")
    await mentee.click(mentee.last, text="Заполнить анкету")
    assert mentee.last.text.startswith("Вопрос 1 из 8")
    # The entry invitation of a closed programme no longer opens anything.
    await mentor.click(invitation, text="Заполнить анкету")
    alert = harness.tg.requests_for("answerCallbackQuery")[-1][1]["text"]
    assert alert == "Эта анкета сейчас вам недоступна."


async def test_a_minor_awaiting_the_guardian_gets_nothing(harness, school, clock):
    tree, ids = school
    pupil = await add_person(
        harness.app.database,
        31,
        "Смирнов Артём",
        Role.mentee,
        tree.school_id,
        clock.now(),
        status=MembershipStatus.awaiting_guardian,
        profile={"category": "student", "grade": 7, "birth_year": 2013},
    )
    async with harness.app.database.transaction() as s:
        programme = await s.get(Programme, ids["programme"])
        with harness.app.i18n.context():
            await invite_members(s, harness.bot, harness.app.i18n, programme, Occasion.entry)
    assert harness.tg.sent_to(31) == []
    user = harness.client.user(31)
    await user.send("/survey")
    assert user.last.text.startswith(
        "Ваша регистрация в «МБОУ лицей № 9» ждёт письменного согласия вашего родителя"
    )
    assert not user.last.buttons, "no questionnaire is offered"
    assert pupil


def seen_by(harness, chat_id: int) -> str:
    """Everything the bot ever showed in this chat: texts, edits, buttons, files."""
    parts = []
    for message in harness.tg.sent_to(chat_id, include_deleted=True):
        parts += [message.source_text or "", json.dumps(message.edits, ensure_ascii=False)]
        parts.append(json.dumps(message.reply_markup, ensure_ascii=False))
        if message.file_bytes:
            parts.append(message.file_bytes.decode("utf-8", errors="replace"))
    parts += [str(r[1].get("text")) for r in harness.tg.requests_for("answerCallbackQuery")]
    return "\n".join(parts)


async def test_nobody_but_the_mentee_sees_an_answer_or_learns_whether_she_answered(harness, school):
    mentor = harness.client.user(MENTOR)
    await mentor.send("/survey")
    before = mentor.last.text

    user = await start_monitoring(harness, MENTEE)
    await answer_all(user, scale=3, secret=SECRET)
    await user.click(user.last, text="✔ Отправить")

    await mentor.send("/survey")
    assert mentor.last.text == before, "the mentor's list does not change when she answers"
    for telegram_id, commands in (
        (MENTOR, ["/pairs", "/programme", "/meetings", "/mydata"]),
        (CURATOR, ["/survey", "/pairs", "/programme", "/people", "/meetings", "/mydata"]),
        (COORDINATOR, ["/pairs", "/campaign", "/mydata"]),
    ):
        person = harness.client.user(telegram_id)
        for command in commands:
            await person.send(command)
        shown = seen_by(harness, telegram_id)
        assert SECRET not in shown, telegram_id
        assert "Кузнецова Анна ответил" not in shown

    # Her own /mydata: that she answered, never what.
    await user.send("/mydata")
    data = json.loads(user.last.file_bytes.decode("utf-8"))
    assert [
        (p["questionnaire"], p["campaign_period"], p["late"]) for p in data["survey_participations"]
    ] == [("monitoring_mentee", "2026-12", False)]
    assert SECRET not in user.last.file_bytes.decode("utf-8")


async def test_forget_erases_the_participation_and_the_response_through_its_link(
    harness, school, clock
):
    user = await start_monitoring(harness, MENTEE)
    await answer_all(user, scale=5, secret=SECRET)
    await user.click(user.last, text="✔ Отправить")
    mentor = await start_monitoring(harness, MENTOR)
    await answer_all(mentor, scale=6, secret="наставник")
    await mentor.click(mentor.last, text="✔ Отправить")
    assert len(await rows(harness, SurveyResponse)) == 2

    await user.send("/forget")
    await user.click(user.last, text="Да, удалить")
    async with harness.app.database.reading() as s:
        left = (await s.scalars(select(SurveyResponse.respondent_role))).all()
        assert left == ["mentor"]
        count = await s.scalar(select(func.count()).select_from(SurveyParticipation))
        assert count == 1
        person = await s.scalar(select(Person).where(Person.full_name == "Петров Иван"))
        assert person is not None
