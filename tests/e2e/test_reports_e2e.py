"""Reports through the real process: a curator enters /stats and reads /summary; a
coordinator gets the summary with the table by school, the XLSX, the charts and the note."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import docx
import openpyxl
import pytest

from storage.db import Database
from storage.demo import DemoSize, generate
from storage.models.enums import Role
from tests.support.chat import Person
from tests.support.seed import add_person

pytestmark = pytest.mark.e2e

CURATOR = 301
SIZE = DemoSize(schools=4, people=90, programmes=36, meetings=240)


async def seed(db_url: str):
    database = Database(db_url)
    try:
        info = await generate(database, SIZE, today=date.today())
        await add_person(
            database,
            CURATOR,
            "Иванченко Ольга",
            Role.curator,
            info.school_ids[0],
            datetime.now(UTC),
        )
        return info
    finally:
        await database.dispose()


async def test_curator_stats_and_coordinator_reports(bot_process, tg, db_url):
    info = await seed(db_url)
    await bot_process.start(tg)
    curator = Person(tg, CURATOR, "Ольга")
    coordinator = Person(tg, info.coordinator_telegram_id, "Зинаида")

    card = await curator.say("/stats")
    assert card.text.startswith("МБОУ лицей № 1: данные для расчёта показателей")
    year = card.buttons[0].removeprefix("✎ Внести данные за ")
    await curator.tap(card.buttons[0], card)
    await tg.wait_for(CURATOR, lambda m: (m.text or "").startswith("Шаг 1 из 4"))
    await curator.say("6 793")
    await curator.say("1660")
    await curator.say("139")
    check = await curator.say("67")
    assert (
        check.text.startswith("Проверьте, всё ли верно:")
        and "Обучающиеся 10–18 лет: 6793" in check.text
    )
    saved = await curator.tap("✔ Всё верно", check)
    assert saved.text.startswith("Сохранено.")
    await tg.wait_for(CURATOR, lambda m: "• Обучающиеся 10–18 лет: 6\u00a0793" in (m.text or ""))
    summary = await curator.say("/summary")
    assert summary.text.startswith("Сводка: МБОУ лицей № 1")
    assert f"{year} учебный год" in summary.text
    assert "из 6\u00a0793)" in summary.text or "из 1\u00a0660)" in summary.text

    overview = await coordinator.say("/summary")
    assert overview.text.startswith("Сводка: Сальский район")
    assert "Ключевые показатели:" in overview.text
    table = await coordinator.tap_edit("▶", overview)
    assert table.text.startswith("По образовательным организациям — Сальский район")
    assert "МБОУ лицей № 1: пар" in table.text

    document = await coordinator.say("/export")
    assert document.kind == "document" and document.file_name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(document.file_bytes))
    assert book.sheetnames[:6] == [
        "База наставников",
        "База наставляемых",
        "Пары и группы",
        "Встречи",
        "Мониторинг",
        "Показатели",
    ]
    assert book["Пары и группы"].max_row == 1 + info.counts["programmes"]
    # Past years without denominators: empty cells and one note, not a phrase per cell.
    indicator_cells = [c.value for row in book["Показатели"].iter_rows() for c in row]
    assert not [v for v in indicator_cells if "нет знаменателя" in str(v)]
    assert any("ни одна ОО не внесла знаменатель" in str(v) for v in indicator_cells)

    first = await coordinator.say("/chart")
    assert first.kind == "photo"
    photos = await tg.wait_for(
        coordinator.id,
        lambda m: m.kind == "photo" and (m.caption or "").startswith("Ключевые показатели"),
    )
    assert photos.file_bytes.startswith(b"\x89PNG")

    note = await coordinator.say("/report")
    assert note.kind == "document" and note.file_name.endswith(".docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(note.file_bytes)).paragraphs)
    assert text.startswith("Аналитическая справка")
    assert "Сформированы базы наставников и наставляемых. Наставники — " in text
    assert " программ наставничества (пар и групп): " in text
