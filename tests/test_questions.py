"""/ask and /questions: a question reaches the school's curators, one answer reaches the
asker, and nobody answers or reads another school's questions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models.community import Question
from storage.models.enums import Role
from tests.support.seed import add_person, build_tree

MENTOR, MENTEE, CURATOR, SECOND_CURATOR, OTHER_CURATOR = range(501, 506)


@pytest.fixture
async def world(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    await add_person(db, MENTOR, "Петров Иван", Role.mentor, tree.school_id, now)
    await add_person(db, MENTEE, "Иванова Анна", Role.mentee, tree.school_id, now)
    await add_person(db, CURATOR, "Куратор Ольга", Role.curator, tree.school_id, now)
    await add_person(db, SECOND_CURATOR, "Куратор Мария", Role.curator, tree.school_id, now)
    await add_person(db, OTHER_CURATOR, "Чужой куратор", Role.curator, tree.other_school_id, now)
    return tree


def alert(harness) -> str:
    return harness.tg.requests_for("answerCallbackQuery")[-1][1].get("text", "")


async def stored(harness) -> list[Question]:
    async with harness.app.database.reading() as s:
        return list((await s.scalars(select(Question).order_by(Question.id))).all())


async def test_a_question_and_its_answer_make_the_round_trip(harness, world):
    mentee = harness.client.user(MENTEE)
    await mentee.send("/ask")
    assert mentee.last.text.startswith("Напишите вопрос куратору (МБОУ лицей № 9)")
    await mentee.send("Как?")
    assert mentee.last.text == "Нужно от 10 до 2000 символов, а здесь 4.\nПопробуйте ещё раз."
    assert await stored(harness) == []
    await mentee.send("Когда сдавать отчёт о встречах с наставником?")
    assert mentee.last.text == "Вопрос отправлен куратору. Ответ придёт сюда."

    curator, second = harness.client.user(CURATOR), harness.client.user(SECOND_CURATOR)
    for person in (curator, second):
        assert person.last.text == (
            "❓ Вопрос от Иванова Анна:\n\nКогда сдавать отчёт о встречах с наставником?"
        )
    other = harness.client.user(OTHER_CURATOR)
    assert other.last is None, "another school's curator hears nothing"

    notice = second.last
    await curator.click(curator.last, text="✍ Ответить")
    await curator.send("Д")
    assert curator.last.text == "Нужно от 2 до 3000 символов, а здесь 1.\nПопробуйте ещё раз."
    await curator.send("До 20 декабря, через /meeting.")
    assert curator.replies[-1].text == "Ответ отправлен."
    assert mentee.last.text == (
        "💬 Куратор Ольга ответил(а) на ваш вопрос «Когда сдавать отчёт о встречах с наставником?»:"
        "\n\nДо 20 декабря, через /meeting."
    )
    # The second curator is late: the question is answered once.
    await second.click(notice, text="✍ Ответить")
    assert alert(harness) == "На этот вопрос уже ответили."
    [question] = await stored(harness)
    assert (question.status, question.answer) == ("answered", "До 20 декабря, через /meeting.")

    await second.send("/questions")
    assert "Вопросов: 0" in second.last.text
    await second.click(second.last, text="С ответом (1)")
    await second.click(second.last, text="Иванова Анна: Когда сдавать отчёт о встречах с настав…")
    assert "Ответ: До 20 декабря, через /meeting." in second.last.text

    await mentee.send("/ask")
    await mentee.click(mentee.last, text="📬 Мои вопросы")
    assert "Ответ: До 20 декабря, через /meeting." in mentee.last.text


async def test_another_schools_curator_cannot_read_or_answer(harness, world):
    mentor = harness.client.user(MENTOR)
    await mentor.send("/ask")
    await mentor.send("Можно ли перенести встречу на каникулы?")
    [question] = await stored(harness)

    other = harness.client.user(OTHER_CURATOR)
    await other.send("/questions")
    assert "Вопросов: 0" in other.last.text
    for data in (f"q_o:{question.id}", f"q_ans:{question.id}"):
        await other.press(other.last, data=data)
        assert alert(harness) == "Этот вопрос вам недоступен.", data
    # A mentor cannot answer at all.
    await mentor.press(mentor.last, data=f"q_ans:{question.id}")
    assert alert(harness) != ""
    [question] = await stored(harness)
    assert question.status == "open"

    await mentor.send("/questions")
    assert mentor.last.text == "Эта команда недоступна для вашей роли. Ваши команды — /help."
