"""/feedback: topic, text, preview, send; with back, edit, cancel and bad input."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Feedback
from tests.conftest import ADMIN_ID


async def feedback_rows(harness) -> list[Feedback]:
    async with harness.app.database.reading() as session:
        return list((await session.scalars(select(Feedback))).all())


async def test_a_message_reaches_the_administrators(harness):
    user = harness.client.user(2001, first_name="Мария", last_name="Иванова")
    await user.send("/feedback")
    assert user.last.buttons == ["Что-то не работает", "Вопрос", "Предложение", "✖ Отмена"]
    await user.click(user.last, text="Вопрос")
    assert user.last.text.startswith("Тема: Вопрос.")
    await user.send("Как добавить второго наставляемого?")
    assert user.last.text.startswith("Проверьте сообщение:")
    await user.click(user.last, text="Отправить")
    assert user.last.text == "Отправлено. Спасибо! Администраторы скоро его прочитают."

    rows = await feedback_rows(harness)
    assert [(r.topic, r.text) for r in rows] == [
        ("question", "Как добавить второго наставляемого?")
    ]
    to_admin = harness.tg.sent_to(ADMIN_ID)
    assert len(to_admin) == 1
    assert "Мария Иванова" in to_admin[0].text and "второго наставляемого" in to_admin[0].text


async def test_bad_input_is_explained_and_the_question_stays(harness):
    user = harness.client.user(2002)
    await user.send("/feedback")
    await user.send("пропущу выбор темы")
    assert user.last.text == "Пожалуйста, выберите тему кнопками выше."
    await user.click(user.last, text="Предложение")
    await user.send("ок")
    assert user.last.text == (
        "Сообщение должно быть длиной от 5 до 2000 символов, а в вашем 2. "
        "Пожалуйста, напишите его заново."
    )
    await user.send("х" * 2001)
    assert "а в вашем 2001" in user.last.text
    await user.send("Добавьте, пожалуйста, выгрузку в PDF")
    assert user.last.buttons == ["Отправить", "Исправить", "✖ Отмена"]
    assert await feedback_rows(harness) == [], "nothing is saved before the confirmation"


async def test_back_and_edit(harness):
    user = harness.client.user(2003)
    await user.send("/feedback")
    await user.click(user.last, text="Вопрос")
    await user.click(user.last, text="◀ Назад")
    await user.click(user.last, text="Что-то не работает")
    await user.send("Не открывается сводка")
    await user.click(user.last, text="Исправить")
    await user.send("Не открывается сводка по школе №5")
    await user.click(user.last, text="Отправить")
    rows = await feedback_rows(harness)
    assert [(r.topic, r.text) for r in rows] == [("problem", "Не открывается сводка по школе №5")]


async def test_cancel_from_the_middle_saves_nothing(harness):
    user = harness.client.user(2004)
    await user.send("/feedback")
    await user.click(user.last, text="Вопрос")
    await user.send("Вопрос, который я передумал задавать")
    await user.click(user.last, text="✖ Отмена")
    assert user.last.text.startswith("Отменено")
    await user.send("/cancel")
    assert user.last.text.startswith("Отменять нечего")
    assert await feedback_rows(harness) == []


async def test_a_double_tap_on_send_stores_one_message(harness):
    user = harness.client.user(2005)
    await user.send("/feedback")
    await user.click(user.last, text="Вопрос")
    await user.send("Где найти методичку?")
    preview = user.last
    await user.click(preview, text="Отправить")
    # The same button again, as a second tap that left before the keyboard was removed.
    await user.press(preview, text="Отправить")
    async with harness.app.database.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Feedback)) == 1


async def test_an_undeliverable_admin_does_not_lose_the_message(harness):
    harness.tg.user(ADMIN_ID).block_bot()
    user = harness.client.user(2006)
    await user.send("/feedback")
    await user.click(user.last, text="Вопрос")
    await user.send("Админ заблокировал бота?")
    await user.click(user.last, text="Отправить")
    assert user.last.text.startswith("Отправлено")
    assert len(await feedback_rows(harness)) == 1
