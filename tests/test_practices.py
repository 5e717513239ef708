"""/practices: a case submitted with files and links, approved, promoted, browsed, exported."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from storage.catalogue.entries import EntryKind, entries
from storage.models.community import Practice
from storage.models.enums import Role
from storage.pairing.forming import Proposal, form_programme, respond
from tests.support.seed import add_person, build_tree

MENTOR, MENTEE, CURATOR, OTHER_CURATOR, COORDINATOR, FOREIGN_COORDINATOR = range(301, 307)


@pytest.fixture
async def world(harness, clock):
    db, now = harness.app.database, clock.now()
    tree = await build_tree(db, now)
    ids = {
        "mentor": await add_person(db, MENTOR, "Петров Иван", Role.mentor, tree.school_id, now),
        "mentee": await add_person(db, MENTEE, "Иванова Анна", Role.mentee, tree.school_id, now),
        "curator": await add_person(
            db, CURATOR, "Куратор Ольга", Role.curator, tree.school_id, now
        ),
    }
    await add_person(db, OTHER_CURATOR, "Чужой куратор", Role.curator, tree.other_school_id, now)
    await add_person(
        db, COORDINATOR, "Соболева Зинаида", Role.coordinator, tree.municipality_id, now
    )
    await add_person(
        db, FOREIGN_COORDINATOR, "Азовский координатор", Role.coordinator,
        tree.other_municipality_id, now,
    )  # fmt: skip
    async with db.transaction() as s:
        forms = await entries(s, tree.municipality_id, EntryKind.form)
        programme = await form_programme(
            s,
            Proposal(
                school_id=tree.school_id,
                mentor_ids=[ids["mentor"]],
                mentee_ids=[ids["mentee"]],
                form_id=forms[0].id,
                starts_on=date(2026, 9, 1),
                planned_end_on=date(2027, 5, 31),
                goals="Адаптация",
            ),
            ids["curator"],
            now,
        )
        for person in ("mentor", "mentee"):
            await respond(s, programme.id, ids[person], True, now)
    return tree, ids, forms


def alert(harness) -> str:
    return harness.tg.requests_for("answerCallbackQuery")[-1][1].get("text", "")


async def stored(harness) -> list[Practice]:
    async with harness.app.database.reading() as s:
        return list((await s.scalars(select(Practice).order_by(Practice.id))).all())


async def submit_case(harness, user, title="Открытый урок вдвоём") -> None:
    await user.send("/practices")
    await user.click(user.last, text="✍ Предложить практику")
    assert user.last.text.startswith("Новая практика для банка лучших практик.")
    await user.send("Ок")
    assert user.last.text == "Нужно от 3 до 200 символов, здесь 2. Пожалуйста, напишите ещё раз."
    await user.send(title)
    assert user.last.text == "Шаг 2 из 6. Форма наставничества."
    await user.click(user.last, text="Учитель – учитель")
    await user.click(user.last, text="методика обучения и преподавания")
    assert user.last.text.startswith("Шаг 4 из 6.")
    await user.click(user.last, text="Петров Иван — Иванова Анна")
    await user.send("Коротко")
    assert user.last.text.startswith("Нужно от 20 до 3000 символов")
    await user.send("Молодой учитель провёл открытый урок с наставником, дисциплина выросла.")
    assert user.last.text.startswith("Шаг 6 из 6.")
    await user.send("просто текст")
    assert user.last.text.startswith("Пришлите файл, фото или ссылку")
    await user.send_document(data=b"plan", file_name="plan.docx", mime_type="application/msword")
    await user.send_photo()
    await user.send("https://school9.ru/case")
    assert user.last.text.startswith("Добавлено. Файлов: 2, ссылок: 1.")
    await user.click(user.last, text="Готово ▶")
    preview = user.last.text
    assert "Проверьте, пожалуйста, практику:" in preview and title in preview
    assert "Пара: Петров Иван — Иванова Анна" in preview
    await user.click(user.last, text="✔ Отправить")
    assert user.last.text.startswith("Отправлено. Куратор школы рассмотрит практику")


async def test_a_case_goes_from_the_mentor_to_the_municipal_bank(harness, world):
    tree, ids, _forms = world
    mentor = harness.client.user(MENTOR)
    await submit_case(harness, mentor)
    [case] = await stored(harness)
    assert (case.status, case.school_id, case.author_id) == (
        "submitted",
        tree.school_id,
        ids["mentor"],
    )
    assert case.topic == "methods" and case.links == ["https://school9.ru/case"]
    assert [f["kind"] for f in case.files] == ["document", "photo"]

    curator = harness.client.user(CURATOR)
    assert (
        curator.last.text
        == "📚 Новая практика для банка: «Открытый урок вдвоём», автор — Петров Иван."
    )
    await curator.click(curator.last, text="Открыть практику")
    assert "Статус: на рассмотрении у куратора" in curator.last.text
    await curator.click(curator.last, text="✔ Одобрить для банка школы")
    assert curator.last.text == "✔ Одобрено: «Открытый урок вдвоём» теперь в банке школы."
    assert mentor.last.text == "✔ Ваша практика «Открытый урок вдвоём» одобрена для банка школы."

    # The mentee reads the school's bank, not yet the municipal one.
    mentee = harness.client.user(MENTEE)
    await mentee.send("/practices")
    assert "✍ Предложить практику" not in mentee.last.buttons
    await mentee.click(mentee.last, text="🏛 Муниципальный банк: Сальский район")
    assert "Практик: 0" in mentee.last.text

    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/practices")
    await coordinator.click(coordinator.last, text="⭐ Для муниципального банка (1)")
    await coordinator.click(coordinator.last, text="Открытый урок вдвоём")
    await coordinator.click(coordinator.last, text="⭐ В муниципальный банк")
    assert (
        coordinator.last.text == "⭐ Готово: «Открытый урок вдвоём» теперь в муниципальном банке."
    )
    assert mentor.last.text.startswith("⭐ Ваша практика «Открытый урок вдвоём» включена")

    await mentee.send("/practices")
    await mentee.click(mentee.last, text="🏛 Муниципальный банк: Сальский район")
    assert "Практик: 1" in mentee.last.text
    await mentee.click(mentee.last, text="Открытый урок вдвоём")
    card = mentee.last.text
    assert "Форма наставничества: Учитель – учитель" in card
    assert "Тема: методика обучения и преподавания" in card
    assert "Статус: в муниципальном банке" in card and "https://school9.ru/case" in card
    await mentee.click(mentee.last, text="📎 Файлы (2)")
    kinds = [m.kind for m in mentee.replies[-2:]]
    assert kinds == ["document", "photo"] and mentee.replies[-2].file_name == "plan.docx"

    listing = mentee.replies[-3]
    await mentee.click(listing, text="◀ Назад")
    assert "Практик: 1" in listing.text, "the card turns back into the list"
    await mentee.click(listing, text="⬇ Таблица (XLSX)")
    sheet = load_workbook(BytesIO(mentee.last.file_bytes)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("№", "Название", "Образовательная организация")
    assert rows[1][1] == "Открытый урок вдвоём" and rows[1][9] == "в муниципальном банке"
    assert len(rows) == 2


async def test_returned_with_a_note_then_corrected(harness, world):
    mentor = harness.client.user(MENTOR)
    await submit_case(harness, mentor)
    curator = harness.client.user(CURATOR)
    await curator.click(curator.last, text="Открыть практику")
    card = curator.last
    await curator.click(card, text="↩ Вернуть с замечанием")
    await curator.send("Да")
    assert curator.last.text.startswith("Замечание должно быть длиной от 3 до 1000 символов")
    await curator.send("Добавьте план урока")
    assert curator.last.text == "↩ Практика возвращена автору с вашим замечанием."
    assert "Добавьте план урока" in mentor.last.text
    [case] = await stored(harness)
    assert (case.status, case.review_note) == ("returned", "Добавьте план урока")

    # The stale approve button does nothing now.
    await curator.press(card, text="✔ Одобрить для банка школы")
    assert alert(harness) == "По этой практике решение уже принято."

    await mentor.click(mentor.last, text="Открыть практику")
    assert "Замечание куратора: Добавьте план урока" in mentor.last.text
    await mentor.click(mentor.last, text="✎ Исправить и отправить снова")
    assert mentor.last.text.startswith("Исправленная практика заменит возвращённую")
    await mentor.send("Открытый урок с планом")
    await mentor.click(mentor.last, text="Учитель – учитель")
    await mentor.click(mentor.last, text="работа с родителями")
    await mentor.click(mentor.last, text="Пропустить ▶")
    await mentor.send("Теперь с планом урока и разбором после него вместе с наставником.")
    await mentor.click(mentor.last, text="Готово ▶")
    await mentor.click(mentor.last, text="✔ Отправить")
    [case] = await stored(harness)
    assert (case.status, case.title, case.topic) == (
        "submitted",
        "Открытый урок с планом",
        "parents",
    )
    assert case.programme_id is None and case.files == []


async def test_forged_and_foreign_ids_are_refused(harness, world):
    tree, _ids, _forms = world
    mentor = harness.client.user(MENTOR)
    await submit_case(harness, mentor)
    [case] = await stored(harness)

    other = harness.client.user(OTHER_CURATOR)
    await other.send("/practices")
    for data in (f"pr_c:{case.id}:approve", f"pr_o:{case.id}::0", f"pr_c:{case.id}:files"):
        await other.press(other.last, data=data)
        assert alert(harness) == "Эта практика вам недоступна.", data
    await other.press(other.last, data=f"pr_l:s:{tree.school_id}:0::0")
    assert alert(harness) == "Этот банк вам недоступен."

    mentee = harness.client.user(MENTEE)
    await mentee.send("/practices")
    await mentee.press(mentee.last, data=f"pr_o:{case.id}::0")
    assert alert(harness) == "Эта практика вам недоступна.", "not approved yet"
    await mentee.press(mentee.last, data=f"pr_x:m:{tree.other_municipality_id}:0:")
    assert alert(harness) == "Этот банк вам недоступен."

    curator = harness.client.user(CURATOR)
    await curator.send("/practices")
    await curator.press(curator.last, data=f"pr_c:{case.id}:promote")
    assert alert(harness) == "Эта практика вам недоступна.", "a curator does not promote"
    await curator.click(curator.last, text="🔎 Ждут вашего решения (1)")
    await curator.click(curator.last, text="Открытый урок вдвоём")
    await curator.click(curator.last, text="✔ Одобрить для банка школы")

    foreign = harness.client.user(FOREIGN_COORDINATOR)
    await foreign.send("/practices")
    assert foreign.last.buttons[0] == "🏛 Муниципальный банк: Азовский район"
    await foreign.press(foreign.last, data=f"pr_c:{case.id}:promote")
    assert alert(harness) == "Эта практика вам недоступна."
    [case] = await stored(harness)
    assert case.status == "school"


async def test_a_review_button_sent_before_the_prefix_changed_does_nothing(harness, world):
    """Case actions once shared "pr_a" with the pair invitation; such a button now gets the
    clear «no longer active» answer and leaves the case as it was."""
    mentor, curator = harness.client.user(MENTOR), harness.client.user(CURATOR)
    await submit_case(harness, mentor)
    [case] = await stored(harness)
    await curator.send("/practices")
    await curator.press(curator.last, data=f"pr_a:{case.id}:approve")
    assert alert(harness).startswith("Эта кнопка больше не действует.")
    [case] = await stored(harness)
    assert case.status == "submitted"


async def test_the_bank_pages_and_filters_by_topic(harness, world, clock):
    tree, ids, forms = world
    async with harness.app.database.transaction() as s:
        for number in range(11):
            s.add(
                Practice(
                    school_id=tree.school_id,
                    author_id=ids["mentor"],
                    title=f"Практика {number:02d}",
                    form_id=forms[0].id,
                    topic="parents" if number % 2 else "subject",
                    description="Описание практики наставничества",
                    links=[],
                    files=[],
                    status="school",
                    created_at=clock.now(),
                )
            )
    mentee = harness.client.user(MENTEE)
    await mentee.send("/practices")
    await mentee.click(mentee.last, text="🏫 МБОУ лицей № 9")
    first = mentee.last.buttons
    assert (
        "Практик: 11" in mentee.last.text
        and len([b for b in first if b.startswith("Практика")]) == 8
    )
    await mentee.click(mentee.last, text="▶")
    assert len([b for b in mentee.last.buttons if b.startswith("Практика")]) == 3
    await mentee.click(mentee.last, text="Тема ▾")
    assert mentee.last.buttons == [
        "Все темы",
        "предметное содержание",
        "работа с родителями",
        "◀ Назад",
    ]
    await mentee.click(mentee.last, text="работа с родителями")
    assert "Практик: 5" in mentee.last.text and "тема: работа с родителями" in mentee.last.text
