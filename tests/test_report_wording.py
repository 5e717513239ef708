"""What the report figures say about themselves, in the chat, the XLSX and the DOCX:
- a figure that is not shown says why with a colon before it and the count and threshold
  («удовлетворённость: слишком мало ответов (1 при минимуме 3)»), and a suppressed school
  cell says it is hidden, never that it has too few answers;
- a region's satisfaction pooled over part of its municipalities says which part, and a
  change since the previous campaign compares the same municipalities or is not given;
- the DOCX names mentors' and mentees' categories under their role, and the «Показатели»
  sheet says once, under the table, why the cells of a year without denominators are empty.
All of it over the same anonymous world as test_report_outputs: Azov's lonely answer stays
unseen everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from storage.demo import add_pairs, add_people, national_form
from storage.models.orgs import Organization
from storage.models.surveys import Campaign
from tests.support.seed import add_person
from tests.test_report_outputs import (
    COORDINATOR,
    NOW,
    REGIONAL,
    STARTS,
    answers,
    assert_anonymous,
    build_world,
    docx_text,
    respond,
    texts,
    workbook_texts,
)


@pytest.fixture
async def world(harness, clock):
    return await build_world(harness, clock)


@pytest.fixture
def clock_in_june(clock):
    clock.set(datetime(2026, 6, 1, 7, tzinfo=UTC))
    return clock


AZOV_COORDINATOR, SECOND_CURATOR = 86, 87


async def campaign_id(harness, municipality_id: int, deadline: date) -> int:
    async with harness.app.database.reading() as s:
        return await s.scalar(
            select(Campaign.id).where(
                Campaign.municipality_id == municipality_id, Campaign.deadline == deadline
            )
        )


async def answered_pairs(harness, school_id: int, count: int, base: int, campaign: int, score):
    """`count` new pairs of the school whose mentees answer `campaign` with `score`."""
    async with harness.app.database.transaction() as s:
        form = await national_form(s, "teacher_teacher")
        mentors = await add_people(s, school_id, "mentor", "teacher", 1, NOW, telegram_from=base)
        mentees = await add_people(
            s, school_id, "mentee", "young_teacher", count, NOW, telegram_from=base + 50
        )
        ids = await add_pairs(s, school_id, form, [(mentors, [m]) for m in mentees], STARTS, NOW)
        for programme, person in zip(ids, mentees, strict=True):
            await respond(s, campaign, school_id, form, programme, person, answers(score))


async def test_a_figure_not_shown_says_why_after_a_colon_everywhere(harness, clock_in_june, world):
    await add_person(
        harness.app.database,
        AZOV_COORDINATOR,
        "Азовский Координатор",
        "coordinator",
        world.other_municipality_id,
        NOW,
    )
    coordinator = harness.client.user(AZOV_COORDINATOR)
    await coordinator.send("/summary")
    summary = coordinator.last.text
    assert "наставляемые: ответили 1 из 1 (100,0 %); удовлетворённость: слишком мало ответов " in (
        summary
    )
    assert "удовлетворённость: слишком мало ответов (1 при минимуме 3)" in summary
    assert "наставники: ответили 0 из 1 (0,0 %); удовлетворённость: нет ответов" in summary
    await coordinator.send("/results")
    results = texts(coordinator)
    assert "Слишком мало ответов (1 при минимуме 3)." in results
    await coordinator.send("/report")
    note = docx_text(coordinator.last.file_bytes)
    assert "получены ответы 1 из 1 наставляемого; получены ответы 0 из 1 наставника." in note

    assert (
        "Удовлетворённость не приводится: наставляемые — слишком мало ответов "
        "(1 при минимуме 3); наставники — нет ответов." in note
    )
    await coordinator.send("/export")
    _book, cells = workbook_texts(coordinator.last.file_bytes)
    assert "слишком мало ответов (1 при минимуме 3)" in cells
    everything = "\n".join([results, note, *map(str, cells)])
    for grating in (
        "удовлетворённость слишком",
        "Удовлетворённость: Слишком",
        "из минимум",
        " < 3",
    ):
        assert grating not in everything, grating
    assert_anonymous(everything)


async def test_a_suppressed_school_cell_is_hidden_not_too_few(harness, clock_in_june, world):
    # A third school of Salsk with one answer: so that it cannot be worked out of the
    # municipal total, СОШ № 2's cell (three answers, enough) is suppressed.
    async with harness.app.database.transaction() as s:
        third = Organization(
            level="school",
            name="МБОУ ООШ № 5",
            parent_id=world.municipality_id,
            school_kind="school",
            created_at=NOW,
        )
        s.add(third)
        await s.flush()
        third_id = third.id
    may = await campaign_id(harness, world.municipality_id, date(2026, 5, 20))
    await answered_pairs(harness, third_id, 1, 5_300_000, may, 2)
    await add_person(
        harness.app.database,
        SECOND_CURATOR,
        "Второй Куратор",
        "curator",
        world.other_school_id,
        NOW,
    )
    curator = harness.client.user(SECOND_CURATOR)
    await curator.send("/summary")
    assert (
        "наставляемые: ответили 3 из 3 (100,0 %); удовлетворённость: скрыто, иначе можно "
        "вычислить другие школы" in curator.last.text
    )
    assert "50,0" not in curator.last.text
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/summary")
    await coordinator.click(coordinator.last, text="▶")
    rows = {row.split(":")[0]: row for row in coordinator.last.text.split("\n\n")}
    assert "удовлетворённость наставляемых: скрыто, иначе можно" in rows["МБОУ СОШ № 2"]
    assert "слишком мало ответов (1 при минимуме 3)" in rows["МБОУ ООШ № 5"]
    assert "удовлетворённость наставляемых: 90,0 %" in rows["МБОУ лицей № 9"]


async def test_a_change_compares_the_same_municipalities(harness, clock_in_june, world):
    # December: Salsk and Azov both over k. May: Salsk over k, Azov with its one answer.
    december = date(2025, 12, 20)
    salsk = await campaign_id(harness, world.municipality_id, december)
    azov = await campaign_id(harness, world.other_municipality_id, december)
    await answered_pairs(harness, world.school_id, 3, 5_400_000, salsk, 7)
    await answered_pairs(harness, world.foreign_school_id, 3, 5_500_000, azov, 2)
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/summary")
    # Salsk itself: 70,0 % then 75,0 %, the same municipality both times.
    assert "наставляемые: удовлетворённость +5,0 п. п." in coordinator.last.text
    regional = harness.client.user(REGIONAL)
    await regional.send("/summary")
    overview = regional.last.text
    assert "(по 1 из 2 муниципалитетов; остальные — меньше 3 ответов)" in overview
    since = next(line for line in overview.splitlines() if line.startswith("С предыдущей"))
    # December pooled Azov in, May could not: no satisfaction change is made of that.
    assert "удовлетворённость" not in since and "доля ответивших" in since
    await regional.send("/report")
    note = docx_text(regional.last.file_bytes)
    assert "удовлетворённость наставляемых изменилась" not in note
    assert_anonymous(texts(regional) + note)


async def test_the_note_names_categories_under_their_role(harness, clock_in_june, world):
    regional = harness.client.user(REGIONAL)
    await regional.send("/report")
    paragraphs = docx_text(regional.last.file_bytes).splitlines()
    bases = next(p for p in paragraphs if p.startswith("Сформированы базы"))
    assert bases == (
        "Сформированы базы наставников и наставляемых. "
        "Наставники — 3: педагоги — 3, обучающиеся 15–18 лет — 0, социальные партнёры — 0. "
        "Наставляемые — 9: молодые специалисты (0–3 года) — 9, педагоги — 0, "
        "обучающиеся 10–18 лет — 0."
    )


async def test_a_year_without_denominators_is_said_once(harness, clock_in_june, world):
    regional = harness.client.user(REGIONAL)
    await regional.send("/export")
    book, _cells = workbook_texts(regional.last.file_bytes)
    sheet = book["Показатели"]
    header = [c.value for c in sheet[1]]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    table = {row[0]: row for row in rows if row[0]}
    cells = [value for row in rows for value in row if isinstance(value, str)]
    assert not [c for c in cells if "нет знаменателя" in c]
    # Indicator 3: no school ever entered the students; its cells are empty, every year.
    assert all(value is None for value in table["3"][2:-1])
    # Indicator 5 this year over the lyceum's figures; the past years empty.
    this_year = header.index("2025/2026 уч. г.")
    assert table["5"][this_year] == 100.0
    assert table["5"][2:this_year] == [None] * (this_year - 2)
    # Counts still appear in every year: «0 программ», «0 из 3».
    assert table["2"][3] == "0 программ" and table["1"][3] == "0 из 3"
    notes = [c for c in cells if "ни одна ОО не внесла знаменатель" in c]
    assert notes == [
        "2022/2023, 2023/2024 и 2024/2025 уч. г.: ни одна ОО не внесла знаменатель (/stats) — "
        "не рассчитаны показатели 3, 4, 5, 6, 6а, 7 (ячейки оставлены пустыми).",
        "2025/2026 уч. г.: ни одна ОО не внесла знаменатель (/stats) — не рассчитаны "
        "показатели 3, 4 (ячейки оставлены пустыми).",
    ]
