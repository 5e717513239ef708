"""/campaign and /results in the chat: dates and rules changed with clear refusals, a forged
callback refused, and results that never show anything over fewer than k respondents."""

from __future__ import annotations

import secrets
from datetime import date

import pytest
from sqlalchemy import select

from handlers.campaigns.common import ALL, CampAct, CampSet, ResOpen
from storage.campaigns.core import ensure_campaign, rules_for
from storage.models.enums import Role
from storage.models.surveys import Campaign, SurveyResponse
from tests.support.seed import add_person, build_tree

MENTOR, MENTEE, CURATOR, COORDINATOR, REGIONAL, OTHER_CURATOR = 91, 92, 93, 94, 95, 96
NOT_IN_SCOPE = "Этот муниципалитет не входит в вашу зону ответственности."
SENTINEL = "SENTINEL-ответ-наставляемого"


@pytest.fixture
async def world(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    await add_person(db, MENTOR, "Петров Иван", Role.mentor, tree.school_id, now)
    await add_person(db, MENTEE, "Иванова Анна", Role.mentee, tree.school_id, now)
    await add_person(db, CURATOR, "Куратор Ольга", Role.curator, tree.school_id, now)
    await add_person(
        db, COORDINATOR, "Соболева Зинаида", Role.coordinator, tree.municipality_id, now
    )
    await add_person(db, REGIONAL, "Региональный Пётр", Role.coordinator, tree.region_id, now)
    await add_person(db, OTHER_CURATOR, "Чужой куратор", Role.curator, tree.foreign_school_id, now)
    return tree


def alert(harness) -> str:
    return harness.tg.requests_for("answerCallbackQuery")[-1][1].get("text", "")


async def campaign_of(harness, municipality_id: int, period: str) -> Campaign:
    async with harness.app.database.reading() as s:
        return await s.scalar(
            select(Campaign).where(
                Campaign.municipality_id == municipality_id, Campaign.period == period
            )
        )


async def test_the_coordinator_moves_closes_and_reopens(harness, world):
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/campaign")
    screen = coordinator.last.text
    assert "Мониторинг: Сальский район" in screen
    assert "Кампания со сроком 20.12.2026 — ещё не началась" in screen
    assert "Приём ответов: 06.12.2026 – 20.12.2026" in screen
    assert "Кампания со сроком 20.05.2027" in screen
    assert "Ответили: наставляемые — 0 из 0, наставники — 0 из 0, кураторы — 0 из 1" in screen
    assert "удовлетворённость: среднее по вопросам удовлетворённости ÷ 10 × 100" in screen

    await coordinator.click(coordinator.last, text="⚙ Кампания со сроком 20.12.2026")
    card = coordinator.last
    await coordinator.click(card, text="Изменить срок")
    assert coordinator.last.text.startswith("Новый срок?")
    await coordinator.send("32.12.2026")
    assert coordinator.last.text.startswith("Нужна дата в виде ДД.ММ.ГГГГ")
    await coordinator.send("01.12.2026")
    assert coordinator.last.text == (
        "Приём ответов должен начинаться раньше срока.\nПопробуйте ещё раз."
    )
    await coordinator.send("10.05.2027")
    assert coordinator.last.text.startswith("Эти даты пересекаются с другой кампанией")
    assert (await campaign_of(harness, world.municipality_id, "2026-12")).deadline == date(
        2026, 12, 20
    )
    await coordinator.send("25.12.2026")
    assert "Приём ответов: 06.12.2026 – 25.12.2026" in coordinator.last.text
    assert any(m.text == "Сохранено." for m in coordinator.replies[-3:])
    await coordinator.click(coordinator.last, text="Изменить дату начала")
    await coordinator.send("23.11.2026")
    assert "Кампания со сроком 25.12.2026 — идёт приём ответов" in coordinator.last.text

    await coordinator.click(coordinator.last, text="+7 дней")
    assert alert(harness) == "Теперь срок — 01.01.2027."
    assert (await campaign_of(harness, world.municipality_id, "2026-12")).deadline == date(
        2027, 1, 1
    )

    await coordinator.click(coordinator.last, text="✖ Закрыть досрочно")
    assert coordinator.last.text.startswith("Закрыть досрочно: Кампания со сроком 01.01.2027?")
    assert (await campaign_of(harness, world.municipality_id, "2026-12")).closed_at is None
    await coordinator.click(coordinator.last, text="Да, закрыть")
    assert alert(harness) == "Закрыта."
    assert "— завершена" in coordinator.last.text
    assert (await campaign_of(harness, world.municipality_id, "2026-12")).closed_at is not None
    await coordinator.click(coordinator.last, text="↺ Открыть снова")
    # Reopening asks first, and says what it does to the figures already shown.
    confirm = coordinator.last.text
    assert confirm.startswith("Открыть снова: Кампания со сроком 01.01.2027?")
    assert "Уже показанные цифры останутся прежними" in confirm
    assert "только если там ответят ещё как минимум 3 человека" in confirm
    assert "Изменения уже данных ответов опубликованные цифры не изменят." in confirm
    assert (await campaign_of(harness, world.municipality_id, "2026-12")).closed_at is not None
    await coordinator.click(coordinator.last, text="Да, открыть снова")
    assert alert(harness) == "Открыта снова."
    assert (await campaign_of(harness, world.municipality_id, "2026-12")).closed_at is None

    # The results of the campaign from its card: counts only while it takes answers.
    before = len(coordinator.replies)
    await coordinator.click(coordinator.last, text="📊 Итоги")
    seen = "\n".join(m.text or "" for m in coordinator.replies[before:])
    assert "Итоги мониторинга: Сальский район" in seen
    assert "Цифры появятся после срока или после закрытия кампании" in seen
    assert "Ответили: 0 из 0 ожидаемых" in seen


async def test_settings_are_validated(harness, world):
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/campaign")
    await coordinator.click(coordinator.last, text="⚙ Настройки")
    settings_screen = coordinator.last
    await coordinator.click(settings_screen, text="Приём ответов, дней")
    await coordinator.send("0")
    assert coordinator.last.text == "Нужно целое число от 1 до 60.\nПопробуйте ещё раз."
    await coordinator.send("21")
    assert "Приём ответов за 21 день до срока" in coordinator.last.text
    await coordinator.click(coordinator.last, text="Минимум ответивших")
    await coordinator.send("2")
    assert coordinator.last.text == "Нужно целое число от 3 до 50.\nПопробуйте ещё раз."
    await coordinator.send("5")
    await coordinator.click(coordinator.last, text="Зимний срок")
    await coordinator.send("31.02")
    assert coordinator.last.text.startswith("Нужны день и месяц в формате ДД.ММ")
    await coordinator.send("10.06")
    assert coordinator.last.text.startswith("Два срока должны отстоять друг от друга дальше")
    await coordinator.send("25.12")
    await coordinator.click(
        coordinator.last, text="Удовлетворённость: доля ответивших на 8–10 баллов"
    )
    async with harness.app.database.reading() as s:
        rules = await rules_for(s, world.municipality_id)
    assert (rules.window_days, rules.min_respondents, rules.winter_deadline) == (21, 5, "12-25")
    assert rules.satisfaction_formula == "share8"
    assert (await campaign_of(harness, world.municipality_id, "2026-12")).opens_on == date(
        2026, 12, 4
    )


async def test_a_forged_callback_for_another_municipality_is_refused(harness, world, clock):
    async with harness.app.database.transaction() as s:
        foreign = await ensure_campaign(
            s, world.other_municipality_id, date(2026, 11, 23), clock.now()
        )
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/campaign")
    m = world.other_municipality_id
    for data in (
        CampAct(m=m, period=foreign.period, action="close_ok"),
        CampAct(m=m, period=foreign.period, action="extend"),
        CampAct(m=m, period=foreign.period, action="results"),
        CampAct(m=ALL, period="", action="close_ok"),  # a municipal coordinator has no ALL
        CampSet(m=m, what="formula", value="share8"),
    ):
        await coordinator.press(coordinator.last, data=data.pack())
        assert alert(harness) == NOT_IN_SCOPE, data
    after = await campaign_of(harness, m, foreign.period)
    assert (after.closed_at, after.deadline) == (None, foreign.deadline)
    async with harness.app.database.reading() as s:
        assert (await rules_for(s, m)).satisfaction_formula == "mean"


async def test_a_regional_coordinator_changes_every_municipality_at_once(harness, world):
    regional = harness.client.user(REGIONAL)
    await regional.send("/campaign")
    assert regional.last.text == "Мониторинг какого муниципалитета открыть?"
    await regional.click(regional.last, text="Все муниципалитеты (2)")
    assert "Мониторинг: все муниципалитеты (2)" in regional.last.text
    await regional.click(regional.last, text="+7 дней")
    for m in (world.municipality_id, world.other_municipality_id):
        assert (await campaign_of(harness, m, "2026-12")).deadline == date(2026, 12, 27)
    await regional.click(regional.last, text="⚙ Настройки")
    await regional.click(regional.last, text="Минимум ответивших")
    await regional.send("4")
    async with harness.app.database.reading() as s:
        for m in (world.municipality_id, world.other_municipality_id):
            assert (await rules_for(s, m)).min_respondents == 4


async def test_a_regional_coordinator_reopens_every_municipality_after_a_confirmation(
    harness, world
):
    regional = harness.client.user(REGIONAL)
    await regional.send("/campaign")
    await regional.click(regional.last, text="Все муниципалитеты (2)")
    await regional.click(regional.last, text="✖ Закрыть досрочно")
    await regional.click(regional.last, text="Да, закрыть")
    await regional.click(regional.last, text="↺ Открыть снова")
    confirm = regional.last.text
    assert confirm.startswith("Открыть снова: ближайшие кампании?")
    assert "ответят ещё как минимум 3 человека" in confirm
    for m in (world.municipality_id, world.other_municipality_id):
        assert (await campaign_of(harness, m, "2026-12")).closed_at is not None
    await regional.click(regional.last, text="Да, открыть снова")
    assert alert(harness) == "Открыта снова."
    for m in (world.municipality_id, world.other_municipality_id):
        assert (await campaign_of(harness, m, "2026-12")).closed_at is None
    # A second tap on the stale confirmation changes nothing and says so.
    await regional.press(regional.last, data=CampAct(m=ALL, period="", action="reopen_ok").pack())
    assert alert(harness) == "Уже открыта."


# ---- results ---------------------------------------------------------------------------

MENTEE_ANSWERS = [
    {"effectiveness": 2, "communication": 2, "overall": 2, "continue": False, "valuable": SENTINEL},
    {"effectiveness": 9, "communication": 9, "overall": 9, "continue": True, "valuable": "Б"},
    {"effectiveness": 7, "communication": 7, "overall": 7, "continue": True, "valuable": "В"},
]


async def past_campaign(harness, tree, clock) -> int:
    """A campaign whose deadline has passed: its results are ready."""
    async with harness.app.database.transaction() as s:
        campaign = Campaign(
            municipality_id=tree.municipality_id,
            period="2026-05",
            opens_on=date(2026, 5, 6),
            deadline=date(2026, 5, 20),
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        s.add(campaign)
        await s.flush()
        return campaign.id


async def add_response(harness, school_id: int, campaign_id: int, answers: dict) -> None:
    async with harness.app.database.transaction() as s:
        s.add(
            SurveyResponse(
                id=secrets.token_hex(16),
                questionnaire="monitoring_mentee",
                version=1,
                campaign_id=campaign_id,
                school_id=school_id,
                respondent_role="mentee",
                late=False,
                link=None,
                answers=answers,
            )
        )


def everything_seen(user) -> str:
    return "\n".join(m.text or "" for m in user.replies)


async def test_results_only_from_k_respondents(harness, world, clock):
    campaign_id = await past_campaign(harness, world, clock)
    for answers in MENTEE_ANSWERS[:2]:
        await add_response(harness, world.school_id, campaign_id, answers)
    curator = harness.client.user(CURATOR)
    coordinator = harness.client.user(COORDINATOR)
    for person in (curator, coordinator):
        await person.send("/results")
        seen = everything_seen(person)
        assert "Итоги мониторинга:" in seen
        assert "Кампания со сроком 20.05.2026" in seen
        assert "Слишком мало ответов (2 при минимуме 3)." in seen
        # Neither the sentinel nor any figure of the two answers.
        for leak in (SENTINEL, "5,5", "2,0", "9,0", "Удовлетворённость: 5", "да — 50"):
            assert leak not in seen, (person, leak)

    await add_response(harness, world.school_id, campaign_id, MENTEE_ANSWERS[2])
    for person in (curator, coordinator):
        before = len(person.replies)
        await person.send("/results")
        seen = "\n".join(m.text or "" for m in person.replies[before:])
        assert "• How effective" not in seen  # Russian texts, not msgids
        assert "Удовлетворённость: 60,0 % (среднее по вопросам удовлетворённости ÷ 10 × 100)" in (
            seen
        )
        assert ": 6,0 (1–4: 1 · 5–7: 1 · 8–10: 1)" in seen
        assert "да — 66,7 % (2 из 3)" in seen
        assert SENTINEL in seen and "ответы в случайном порядке" in seen
    # The coordinator's breakdown: school 2 has nothing, so the one school is the total.
    assert "По школам" in everything_seen(coordinator)


async def test_the_mentor_and_strangers_cannot_reach_results(harness, world, clock):
    campaign_id = await past_campaign(harness, world, clock)
    for answers in MENTEE_ANSWERS:
        await add_response(harness, world.school_id, campaign_id, answers)
    mentor = harness.client.user(MENTOR)
    for command in ("/results", "/campaign"):
        await mentor.send(command)
        assert mentor.last.text == "Эта команда недоступна для вашей роли. Ваши команды — /help."
    await mentor.press(mentor.last, data=ResOpen(org=world.school_id, period="2026-05").pack())
    assert SENTINEL not in everything_seen(mentor)
    # Another school's curator forges the first school's results.
    other = harness.client.user(OTHER_CURATOR)
    await other.send("/results")
    await other.press(other.last, data=ResOpen(org=world.school_id, period="2026-05").pack())
    assert alert(harness) == "Эти итоги вне вашей зоны ответственности."
    await other.press(other.last, data=ResOpen(org=world.municipality_id, period="2026-05").pack())
    assert alert(harness) == "Эти итоги вне вашей зоны ответственности."
    assert SENTINEL not in everything_seen(other)


async def test_no_figures_while_the_campaign_still_takes_answers(harness, world, clock):
    async with harness.app.database.transaction() as s:
        campaign = await ensure_campaign(s, world.municipality_id, date(2026, 11, 23), clock.now())
        campaign.opens_on = date(2026, 11, 20)
        campaign_id = campaign.id
    for answers in MENTEE_ANSWERS:
        await add_response(harness, world.school_id, campaign_id, answers)
    curator = harness.client.user(CURATOR)
    await curator.send("/results")
    seen = everything_seen(curator)
    assert "Цифры появятся после срока или после закрытия кампании" in seen
    assert SENTINEL not in seen and "Удовлетворённость" not in seen


async def test_no_view_can_be_subtracted_from_another(harness, world, clock):
    """School 1 has three answers, school 2 one: the coordinator's total minus school 1's
    figures would give school 2's single answer, so school 1's figures are hidden too, for
    the coordinator and for the school's own curator."""
    campaign_id = await past_campaign(harness, world, clock)
    for answers in MENTEE_ANSWERS:
        await add_response(harness, world.school_id, campaign_id, answers)
    await add_response(
        harness,
        world.other_school_id,
        campaign_id,
        {"effectiveness": 5, "communication": 5, "overall": 5, "continue": True},
    )
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/results")
    seen = everything_seen(coordinator)
    assert "Удовлетворённость: 57,5 %" in seen  # the municipal total, over four
    assert "МБОУ лицей № 9: ответов: 3; скрыто, иначе можно вычислить другие школы" in seen
    assert "МБОУ СОШ № 2: слишком мало ответов (1 при минимуме 3)" in seen
    assert "60,0 %" not in seen  # school 1's own figure
    curator = harness.client.user(CURATOR)
    await curator.send("/results")
    seen = everything_seen(curator)
    assert "ответов: 3, но цифры скрыты" in seen
    assert "60,0 %" not in seen and "6,0 (" not in seen and SENTINEL not in seen
