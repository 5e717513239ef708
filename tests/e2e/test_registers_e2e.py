"""A school's registers through the real process: the curator imports a workbook of 30
mentors and 200 mentees with three bad rows, reads the dry run and applies it; two people
join through their printed cards (the QR code read back as a phone's camera would) in three
taps; a second import of the same file changes nothing; /export's workbook, imported back,
changes nothing either."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import docx
import pytest
import zxingcpp
from PIL import Image

from handlers.registers.sample import registers_workbook
from storage.db import Database
from storage.models.enums import Role
from storage.models.orgs import Organization
from tests.e2e.test_community_e2e import midday_zone
from tests.support.chat import Person
from tests.support.seed import add_person, build_tree

pytestmark = pytest.mark.e2e

CURATOR, MENTOR, MENTEE = 8801, 8802, 8803
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def seed(db_url: str) -> None:
    database = Database(db_url)
    now = datetime.now(UTC)
    try:
        tree = await build_tree(database, now)
        async with database.transaction() as s:
            (await s.get(Organization, tree.municipality_id)).timezone = midday_zone(now)
        await add_person(database, CURATOR, "Иванченко Ольга", Role.curator, tree.school_id, now)
    finally:
        await database.dispose()


def cards(document: bytes) -> dict[tuple[str, str], str]:
    """(name, role) → the start code of its card, read from the QR picture of each card."""
    found = {}
    book = docx.Document(io.BytesIO(document))
    for cell in (c for row in book.tables[0].rows for c in row.cells):
        blips = cell._element.xpath(".//a:blip/@r:embed")
        if not blips:
            continue
        picture = book.part.related_parts[blips[0]].blob
        (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture)))
        name, role = cell.paragraphs[1].text, cell.paragraphs[2].text.split(",")[0]
        found[(name, role)] = parse_qs(urlparse(code.text).query)["start"][0]
    return found


async def send_file(tg, person: Person, data: bytes, name: str):
    newest = person.fake.last.message_id
    person.fake.send_document(data=data, file_name=name, mime_type=XLSX)
    return await tg.wait_for(person.id, lambda m: m.message_id > newest)


async def join_in_three_taps(tg, person: Person, code: str) -> str:
    invitation = await person.say(f"/start {code}")  # 1: the link
    assert "В базе школы о вас записано:" in invitation.text
    summary = await person.tap("✔ Согласен(-на)", invitation)  # 2: consent
    assert summary.text.startswith("Проверьте, всё ли верно:")
    done = await person.tap("✔ Всё верно", summary)  # 3: confirm
    return done.text


async def test_import_join_reimport_and_round_trip(bot_process, tg, db_url):
    await seed(db_url)
    await bot_process.start(tg)
    curator = Person(tg, CURATOR, "Ольга")
    workbook, mentors, mentees = registers_workbook(
        "МБОУ лицей № 9", 30, 200, today=datetime.now(UTC).date(), bad_rows=3, per_mentor=2
    )

    prompt = await curator.say("/import")
    assert prompt.text.startswith("Базы «МБОУ лицей № 9»")
    dry = await send_file(tg, curator, workbook, "базы.xlsx")
    assert "Проверка: «базы.xlsx» → «МБОУ лицей № 9»" in dry.text
    assert "Новых людей: 227" in dry.text
    assert "Отклонено строк: 3" in dry.text
    assert "«База наставляемых», строка 2: нет ФИО" in dry.text
    assert "Найдено пар и групп: 57, новых 57" in dry.text
    done = await curator.tap("✔ Загрузить", dry)
    assert done.text.startswith("Загружено в «МБОУ лицей № 9».")

    document = await curator.tap("🪪 Карточки с QR-кодами, DOCX", done)
    assert document.kind == "document" and document.file_name.endswith(".docx")
    codes = cards(document.file_bytes)
    assert len(codes) == 227
    mentor, mentee = mentors[0], mentees[3]  # rows 2–4 of the mentee register are the bad ones
    code = codes[(mentor.name, "наставник")]
    text = await join_in_three_taps(tg, Person(tg, MENTOR, "Наставник"), code)
    assert text.startswith("Готово! Вы зарегистрированы: наставник, «МБОУ лицей № 9».")
    code = codes[(mentee.name, "наставляемый")]
    text = await join_in_three_taps(tg, Person(tg, MENTEE, "Ученик"), code)
    assert text.startswith("Готово! Вы зарегистрированы: наставляемый, «МБОУ лицей № 9».")
    assert "законного представителя" in text  # a pupil waits for the guardian, as ever
    for name in (mentor.name, mentee.name):
        await tg.wait_for(CURATOR, lambda m, name=name: f"{name} присоединяется" in (m.text or ""))

    await curator.say("/import")
    again = await send_file(tg, curator, workbook, "базы.xlsx")
    assert "Новых людей: 0" in again.text
    assert "Уже есть в школе: 227, изменится у 0" in again.text
    assert "Менять нечего" in again.text and not again.buttons

    export = await curator.say("/export")
    assert export.kind == "document"
    await curator.say("/import")
    back = await send_file(tg, curator, export.file_bytes, "export.xlsx")
    assert "Новых людей: 0" in back.text
    assert "Уже есть в школе: 1, изменится у 0" in back.text  # the mentor; the pupil waits
    assert "Менять нечего" in back.text
