"""The whole onboarding chain through the real process, as the people would click it."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN_ID
from tests.support.chat import Person

pytestmark = pytest.mark.e2e


async def register(person: Person, code: str, answers: list) -> str:
    """Open the link, agree, then answer: a str is typed, ("button",) is tapped, and
    ("button", "edit") is tapped where the answer edits the message (a multi-choice tick)."""
    await person.say(f"/start {code}")
    reply = await person.tap("✔ Согласен(-на)")
    for answer in answers:
        if isinstance(answer, str):
            reply = await person.say(answer)
        elif answer[1:] == ("edit",):
            reply = await person.tap_edit(answer[0])
        else:
            reply = await person.tap(answer[0])
    assert reply.text.startswith("Проверьте, всё ли верно:"), reply.text
    return (await person.tap("✔ Всё верно")).text


def code_in(text: str) -> str:
    return text.split("?start=", 1)[1].split()[0]


async def invite(person: Person, role_button: str, *path: str) -> str:
    """/invite → role → (organisation) → number of uses; returns the invitation code."""
    await person.say("/invite")
    reply = await person.tap_edit(role_button)
    for button in path:
        reply = await person.tap_edit(button)
    return code_in(reply.text)


async def add_org(admin: Person, button: str, name: str, *choices: str) -> str:
    await admin.say("/orgs")
    await admin.tap(button)
    await admin.say(name)
    for choice in choices:
        await admin.tap(choice)
    return (await admin.tap("✔ Всё верно")).text


async def test_from_the_administrator_to_the_mentees(bot_process, tg):
    await bot_process.start(tg)
    admin = Person(tg, ADMIN_ID, "Админ")
    assert (await admin.say("/orgs")).text == "Организаций пока нет."
    moscow = "UTC+3 — Москва, Ростов, Смоленск, Грозный"
    assert (await add_org(admin, "+ Регион", "Ростовская область", moscow)).startswith("Добавлено")
    await add_org(admin, "+ Муниципалитет", "Сальский район", "Как у вышестоящей")
    added = await add_org(admin, "+ Организация", "МБОУ лицей № 9", "школа", moscow)
    assert added.startswith("Добавлено: школа «МБОУ лицей № 9».")

    code = await invite(admin, "Пригласить: координатор", "Сальский район", "1")
    coordinator = Person(tg, 101, "Зинаида")
    done = await register(coordinator, code, ["Соболева Зинаида Васильевна"])
    assert done.startswith("Готово! Вы зарегистрированы: координатор, «Сальский район».")
    await tg.wait_for(ADMIN_ID, lambda m: "Соболева Зинаида Васильевна зарегистрировал" in m.text)

    code = await invite(coordinator, "Пригласить: куратор", "1")
    curator = Person(tg, 102, "Ольга")
    await register(curator, code, ["Иванченко Ольга Викторовна"])

    code = await invite(curator, "Пригласить: наставник", "1")
    mentor = Person(tg, 103, "Иван")
    skip = ("Пропустить ▶",)
    done = await register(
        mentor,
        code,
        [
            "Петров Иван Сергеевич",
            ("педагог",),
            "МБОУ лицей № 9",
            "учитель математики",
            skip,
            "25",
            "подготовка к ЕГЭ, олимпиады",
            skip,
            skip,
            skip,
            "8",
            "3",
        ],
    )
    assert done.startswith("Готово! Вы зарегистрированы: наставник, «МБОУ лицей № 9».")
    await tg.wait_for(curator.id, lambda m: "Петров Иван Сергеевич зарегистрировал" in m.text)

    code = await invite(curator, "Пригласить: наставляемый", "5")
    teacher = Person(tg, 104, "Анна")
    await register(
        teacher,
        code,
        [
            "Кузнецова Анна Игоревна",
            ("молодой специалист (стаж 0–3 года)",),
            "1999",
            "2",
            "хочу научиться держать дисциплину",
            ("▫️ Дисциплина и управление классом", "edit"),
            ("Готово ✔",),
            skip,
            ("Готово ✔",),
        ],
    )
    student = Person(tg, 105, "Артём")
    done = await register(
        student,
        code,
        [
            "Смирнов Артём",
            ("ученик",),
            "7",
            "2013",
            "подтянуть математику",
            ("Готово ✔",),
            skip,
            ("▫️ ученик – ученик", "edit"),
            ("Готово ✔",),
        ],
    )
    assert "Так как вам нет 18 лет" in done
    steps = [m.text.split("\n", 1)[0] for m in student.fake.messages if m.text.startswith("Шаг")]
    assert steps == [f"Шаг {n} из 8" for n in range(1, 9)], "one total from the first step"
    waiting = await student.say("/survey")
    assert "ждёт письменного согласия вашего родителя или законного представителя" in waiting.text
    assert "вам придёт сообщение" in waiting.text

    # The curator records the guardian's written consent; the student is told.
    await tg.wait_for(curator.id, lambda m: "Смирнов Артём зарегистрировал" in m.text)
    await curator.say("/people")
    await curator.tap_any("Ждут согласия представителя")
    await curator.tap_any("1. Смирнов Артём")
    await curator.tap_any("✍ Отметить согласие представителя")
    await curator.tap_any("✔ Письменное согласие родителя или законного представителя получено")
    told = await tg.wait_for(student.id, lambda m: m.text.startswith("Куратор отметил"))
    assert "полноценно участвовать" in told.text

    # The young teacher downloads her data, then erases it.
    newest = teacher.fake.last.message_id
    teacher.fake.send("/mydata")
    document = await tg.wait_for(
        teacher.id, lambda m: m.message_id > newest and m.kind == "document"
    )
    assert "Кузнецова Анна Игоревна" in document.file_bytes.decode()
    await teacher.say("/forget")
    erased = await teacher.tap("Да, удалить")
    assert erased.text.startswith("Ваши персональные данные удалены")
    refused = await teacher.say("/profile")
    assert refused.text == "Эта команда доступна после регистрации по ссылке-приглашению."

    help_text = (await mentor.say("/help")).text
    assert "/profile — Мой профиль" in help_text and "/invite" not in help_text
    await mentor.say("/language")
    await mentor.tap_edit("English")
    assert (await mentor.say("/help")).text.startswith("What I can do:")
    assert await bot_process.stop() == 0
