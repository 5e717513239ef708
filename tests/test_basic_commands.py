"""The first commands through the real dispatcher, middlewares and database."""

from __future__ import annotations

from aiogram.dispatcher.event.bases import UNHANDLED
from sqlalchemy import select

from storage.models import Person


async def test_start_greets_in_russian_by_default(harness):
    anna = harness.client.user(1001, first_name="Анна", language_code="en")
    await anna.send("/start")
    assert anna.last.text.startswith("Здравствуйте, Анна!")
    await anna.send("/help")
    assert "/language — Язык интерфейса" in anna.last.text


async def test_names_are_escaped_before_they_are_echoed(harness):
    user = harness.client.user(1002, first_name="<b>Boss</b>")
    await user.send("/start")
    assert "&lt;b&gt;Boss&lt;/b&gt;" in harness.tg.requests_for("sendMessage")[-1][1]["text"]


async def test_unknown_commands_and_free_text_get_a_hint(harness):
    user = harness.client.user(1003)
    await user.send("/nonsense")
    assert user.last.text == "Такой команды я не знаю. Список команд — /help."
    await user.send("просто текст")
    assert user.last.text == "Я не понял. Что я умею — /help."


async def test_cancel_outside_any_conversation(harness):
    user = harness.client.user(1004)
    await user.send("/cancel")
    assert user.last.text == "Отменять нечего. Что я умею — /help."


async def test_language_choice_is_stored_and_changes_the_menu(harness):
    user = harness.client.user(1005)
    await user.send("/language")
    assert user.last.buttons == ["Русский", "English"]
    await user.click(user.last, text="English")
    assert user.last.text == "The interface language is now English."
    await user.send("/help")
    assert user.last.text.startswith("What I can do:")
    menu = harness.tg.commands(scope={"type": "chat", "chat_id": 1005})
    assert [c["command"] for c in menu][:2] == ["start", "help"]
    assert menu[1]["description"] == "What the bot can do"

    async with harness.app.database.reading() as session:
        person = await session.scalar(select(Person).where(Person.telegram_id == 1005))
    assert person.locale == "en"

    await user.send("/language")
    await user.click(user.last, text="Русский")
    assert user.last.text == "Язык интерфейса — русский."


async def test_a_forged_language_is_refused_and_changes_nothing(harness):
    user = harness.client.user(1006)
    await user.send("/language")
    await harness.client.press(user, user.last, data="lang:de")
    answers = harness.tg.requests_for("answerCallbackQuery")
    assert answers[-1][1]["text"] == "Этот язык недоступен."
    async with harness.app.database.reading() as session:
        person = await session.scalar(select(Person).where(Person.telegram_id == 1006))
    assert person.locale is None


async def test_a_stale_button_is_answered(harness):
    user = harness.client.user(1007)
    await user.send("/feedback")
    question = user.last
    await user.send("/cancel")
    await user.click(question, text="Вопрос")
    answers = harness.tg.requests_for("answerCallbackQuery")
    assert answers[-1][1]["text"] == "Эта кнопка больше не действует. Начните заново — /help."


async def test_group_chats_are_ignored(harness):
    result = await harness.client.feed_raw(
        {
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": -100500, "type": "supergroup", "title": "Учительская"},
                "from": {"id": 1008, "is_bot": False, "first_name": "Олег"},
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            }
        }
    )
    assert result is UNHANDLED
    assert harness.tg.sent_to(-100500) == []
