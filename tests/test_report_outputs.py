"""/summary, /export, /chart and /report in the chat: the right scope for curators and
coordinators, a forged organisation refused, pages under Telegram's limit, files that open;
and anonymity over every output: no free-text answer (even over k writers) and no figure of
a group below k, searched in every message, every XLSX cell and every DOCX paragraph."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import docx
import openpyxl
import pytest

from handlers.reports.common import RepOpen
from storage.demo import _insert, add_pairs, add_people, national_form
from storage.models.meetings import Meeting
from storage.models.orgs import Organization
from storage.models.surveys import Campaign, SurveyParticipation, SurveyResponse
from storage.reports.registers import MEETING_SUMMARY_COLUMNS, MENTEE_COLUMNS, MENTOR_COLUMNS
from storage.reports.stats import save_denominators
from tests.support.seed import add_person, build_tree

CURATOR, COORDINATOR, REGIONAL, FOREIGN_CURATOR, MENTOR = 81, 82, 83, 84, 85
SENTINEL = "SENTINEL-свободный-ответ"
NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)
STARTS = date(2025, 10, 1)
# Azov's single mentee answered 3, 4, 3, 4 on the satisfaction items: 35,0 % must never
# appear, nor her words.
LONELY = "35,0"


def answers(score: int, text: str | None = None, low: int | None = None) -> dict:
    found = {
        "effectiveness": low or score,
        "communication": score,
        "individual_meetings": score,
        "goals_clear": score,
        "expectations_met": low or score,
        "overall": score,
        "support": score,
        "continue": "yes",
        "become_mentor": "no",
    }
    if text:
        found["valuable"] = text
    return found


async def respond(s, campaign_id: int, school: int, form: int, programme: int, person: int, got):
    key = "monitoring_mentee"
    await _insert(
        s,
        SurveyParticipation,
        [
            {
                "scope_key": f"{key}:{campaign_id}:{person}:{programme}",
                "questionnaire": key,
                "campaign_id": campaign_id,
                "person_id": person,
                "programme_id": programme,
                "school_id": school,
                "submitted_at": NOW,
                "late": False,
            }
        ],
    )
    await _insert(
        s,
        SurveyResponse,
        [
            {
                "id": f"{programme:08d}{person:08d}{campaign_id:016d}",
                "questionnaire": key,
                "version": 1,
                "campaign_id": campaign_id,
                "school_id": school,
                "respondent_role": "mentee",
                "form_id": form,
                "late": False,
                "link": None,
                "answers": got,
            }
        ],
    )


@pytest.fixture
async def world(harness, clock):
    return await build_world(harness, clock)


async def build_world(harness, clock):
    """Salsk (a lyceum with five answers of 9, a school with three of 5) and Azov (one
    lonely answer) in the region, with campaigns in December and May."""
    db, now = harness.app.database, clock.now()

    tree = await build_tree(db, now)
    await add_person(db, CURATOR, "Куратор Ольга", "curator", tree.school_id, now)
    await add_person(db, COORDINATOR, "Соболева Зинаида", "coordinator", tree.municipality_id, now)
    await add_person(db, REGIONAL, "Региональный Пётр", "coordinator", tree.region_id, now)
    await add_person(db, FOREIGN_CURATOR, "Чужой Куратор", "curator", tree.foreign_school_id, now)
    async with db.transaction() as s:
        form = await national_form(s, "teacher_teacher")
        programmes = {}
        for school, count, base in (
            (tree.school_id, 5, 5_000_000),
            (tree.other_school_id, 3, 5_100_000),
            (tree.foreign_school_id, 1, 5_200_000),
        ):
            mentors = await add_people(s, school, "mentor", "teacher", 1, NOW, telegram_from=base)
            mentees = await add_people(
                s, school, "mentee", "young_teacher", count, NOW, telegram_from=base + 50
            )
            ids = await add_pairs(s, school, form, [(mentors, [m]) for m in mentees], STARTS, NOW)
            programmes[school] = list(zip(ids, mentees, strict=True))
        await _insert(
            s,
            Meeting,
            [
                {
                    "programme_id": programmes[tree.school_id][0][0],
                    "held_on": date(2025, 10, 10) + timedelta(days=7 * n),
                    "format": "in_person",
                    "duration_minutes": 45,
                    "activity": "consultation",
                    "request_key": f"t-{n}",
                    "created_at": NOW,
                    "updated_at": NOW,
                    "version": 1,
                }
                for n in range(4)
            ],
        )
        campaign_ids = {}
        for municipality in (tree.municipality_id, tree.other_municipality_id):
            for deadline in (date(2025, 12, 20), date(2026, 5, 20)):
                (campaign_ids[(municipality, deadline)],) = await _insert(
                    s,
                    Campaign,
                    [
                        {
                            "municipality_id": municipality,
                            "period": f"{deadline:%Y-%m}",
                            "opens_on": deadline - timedelta(days=14),
                            "deadline": deadline,
                            "created_at": NOW,
                            "updated_at": NOW,
                            "sealed_at": NOW,
                        }
                    ],
                    ids=True,
                )
        may = date(2026, 5, 20)
        for n, (programme, person) in enumerate(programmes[tree.school_id]):
            got = answers(9, f"{SENTINEL}-{n}")
            await respond(
                s,
                campaign_ids[(tree.municipality_id, may)],
                tree.school_id,
                form,
                programme,
                person,
                got,
            )
        for programme, person in programmes[tree.other_school_id]:
            await respond(
                s,
                campaign_ids[(tree.municipality_id, may)],
                tree.other_school_id,
                form,
                programme,
                person,
                answers(5),
            )
        for programme, person in programmes[tree.foreign_school_id]:
            await respond(
                s,
                campaign_ids[(tree.other_municipality_id, may)],
                tree.foreign_school_id,
                form,
                programme,
                person,
                answers(3, f"{SENTINEL}-Азов", low=4),
            )
        await save_denominators(
            s, tree.school_id, "2025/2026", {"teachers": 40, "young_teachers": 5}, None, NOW
        )
    return tree


@pytest.fixture
def clock_in_june(clock):
    clock.set(datetime(2026, 6, 1, 7, tzinfo=UTC))
    return clock


def texts(user) -> str:
    return "\n".join(m.text or "" for m in user.messages)


def assert_anonymous(text: str) -> None:
    assert SENTINEL not in text
    assert LONELY not in text and "35.0" not in text


async def test_curator_gets_the_school_summary(harness, clock_in_june, world):
    curator = harness.client.user(CURATOR)
    await curator.send("/summary")
    page = curator.last.text
    assert page.startswith("Сводка: МБОУ лицей № 9")
    assert "2025/2026 учебный год, на 01.06.2026." in page
    assert "наставляемые — 5 (обучающиеся 0, молодые специалисты 5, педагоги 0)" in page
    assert "Встречи за учебный год: 4; медиана — 0 на пару или группу" in page
    assert "кампания со сроком 20.05.2026" in page
    # The school's cell of the municipal breakdown: 5 answers of 9 out of 10.
    assert "наставляемые: ответили 5 из 5 (100,0 %); удовлетворённость: 90,0 %" in page
    assert "среднее по вопросам удовлетворённости ÷ 10 × 100" in page
    assert "5. Молодые специалисты (0–3 года) — наставляемые: 100,0 % (5 из 5)" in page
    assert "3. Обучающиеся 10–18 лет — наставляемые: нет знаменателя" in page
    assert curator.last.buttons == []
    assert_anonymous(page)


async def test_coordinator_table_by_school_and_refusals(harness, clock_in_june, world):
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/summary")
    first = coordinator.last
    assert first.text.startswith("Сводка: Сальский район")
    # Municipal total: (5 × 9 + 3 × 5) / 8 = 7,5 → 75,0 %.
    assert "удовлетворённость: 75,0 %" in first.text
    assert "Нет данных в /stats за 2025/2026: МБОУ СОШ № 2, МБОУ лицей № 9." in first.text
    assert first.buttons == ["1 из 2", "▶"]
    await coordinator.click(first, text="▶")
    table = coordinator.last.text
    assert table.startswith("По образовательным организациям — Сальский район, 2025/2026")
    assert "МБОУ лицей № 9: пар 5, групп 0, завершено 0; встреч 4" in table
    assert "удовлетворённость наставляемых: 90,0 %" in table
    assert "МБОУ СОШ № 2: пар 3" in table and "удовлетворённость наставляемых: 50,0 %" in table
    assert_anonymous(texts(coordinator))
    # A forged callback for a school of another municipality is refused.
    await coordinator.press(first, data=RepOpen(cmd="summary", org=world.foreign_school_id).pack())
    alert = harness.tg.requests_for("answerCallbackQuery")[-1][1]
    assert alert.get("text") == "Эта организация не входит в вашу зону."


async def test_region_pools_municipalities_and_hides_a_lonely_answer(harness, clock_in_june, world):
    regional = harness.client.user(REGIONAL)
    await regional.send("/summary")
    overview = regional.last.text
    assert overview.startswith("Сводка: Ростовская область")
    # Azov has one answer (below k): the region pools only Salsk's shown total, and says so.
    assert (
        "удовлетворённость: 75,0 % (по 1 из 2 муниципалитетов; остальные — меньше 3 ответов)"
        in overview
    )
    await regional.click(regional.last, text="▶")
    table = regional.last.text
    assert "МБОУ СОШ № 7 (Азов)" in table
    assert "удовлетворённость наставляемых: слишком мало ответов (1 при минимуме 3)" in table
    assert_anonymous(texts(regional))


async def test_long_tables_are_paginated(harness, clock_in_june, world):
    async with harness.app.database.transaction() as s:
        await _insert(
            s,
            Organization,
            [
                {
                    "level": "school",
                    "name": f"МБОУ СОШ № {100 + n} имени героя с очень длинным названием",
                    "parent_id": world.municipality_id,
                    "school_kind": "school",
                    "created_at": NOW,
                }
                for n in range(60)
            ],
        )
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/summary")
    message = coordinator.last
    total = int(message.buttons[0].split(" из ")[1])
    assert total >= 4
    seen = [message.text]
    for _page in range(total - 1):
        await coordinator.click(message, text="▶")
        message = coordinator.last
        seen.append(message.text)
    assert all(len(m.source_text) <= 4096 for m in coordinator.messages)
    assert message.buttons == ["◀", f"{total} из {total}"]
    joined = "\n".join(seen)
    assert all(f"МБОУ СОШ № {100 + n} имени" in joined for n in range(60))
    assert "нет действующих пар и групп" in joined


def workbook_texts(payload: bytes) -> tuple[openpyxl.Workbook, list[object]]:
    book = openpyxl.load_workbook(io.BytesIO(payload))
    values = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row]
    return book, values


async def test_export_workbook(harness, clock_in_june, world):
    regional = harness.client.user(REGIONAL)
    await regional.send("/export")
    document = regional.last
    assert document.kind == "document"
    assert document.file_name == f"export-{world.region_id}-2026-06-01.xlsx"
    assert document.caption.startswith("Ростовская область: базы наставников и наставляемых")
    book, values = workbook_texts(document.file_bytes)
    assert book.sheetnames == [
        "База наставников",
        "База наставляемых",
        "Пары и группы",
        "Встречи",
        "Мониторинг",
        "Показатели",
        "Сводка по ОО",
    ]
    for sheet in book:
        assert sheet.freeze_panes == "A2", sheet.title
    mentors = book["База наставников"]
    assert [c.value for c in mentors[1]] == list(MENTOR_COLUMNS)
    assert [c.value for c in book["База наставляемых"][1]] == list(MENTEE_COLUMNS)
    assert mentors.max_row == 1 + 5 + 3 + 1  # a row per mentor and programme
    entry = mentors.cell(row=2, column=9)
    assert entry.value.date() == STARTS and entry.number_format == "dd.mm.yyyy"
    assert mentors.column_dimensions["B"].width >= 15
    meetings = book["Встречи"]
    # A region's «Встречи»: one row per pair or group (its four meetings counted), not one
    # row per meeting.
    assert [c.value for c in meetings[1]] == list(MEETING_SUMMARY_COLUMNS)
    assert meetings.max_row == 1 + 1
    row = [c.value for c in meetings[2]]
    assert row[6:8] == [4, 3.0]  # meetings, hours
    assert [d.date() for d in row[8:10]] == [date(2025, 10, 10), date(2025, 10, 31)]
    assert row[10:] == [0, 0, 4, 4, 0]  # confirmed, disputed, unconfirmed; in person, online
    indicators = book["Показатели"]
    header = [c.value for c in indicators[1]]
    assert header[:4] == ["№", "Наименование показателя", "2022/2023 уч. г.", "2022/2023: расчёт"]
    assert "2025/2026 уч. г." in header
    rows = {r[0].value: r for r in indicators.iter_rows(min_row=2)}
    five = [c.value for c in rows["5"]]
    assert five[header.index("2025/2026 уч. г.")] == 100.0
    assert "5 из 5; нет данных: МБОУ СОШ № 7 (Азов), МБОУ СОШ № 2" in five
    monitoring = [[c.value for c in r] for r in book["Мониторинг"].iter_rows(min_row=2)]
    azov = [r for r in monitoring if r[0] == "Азовский район"]
    assert azov and all(r[7] is None for r in azov)
    assert any("слишком мало ответов (1 при минимуме 3)" in (r[10] or "") for r in azov)
    assert any(r[3] == "Самое ценное (свободный ответ)" for r in monitoring)
    for value in values:
        assert SENTINEL not in str(value)
        assert value != 35.0 and LONELY not in str(value)


async def test_chart_photos(harness, clock_in_june, world):
    coordinator = harness.client.user(COORDINATOR)
    await coordinator.send("/chart")
    photos = [m for m in coordinator.messages if m.kind == "photo"]
    assert len(photos) == 3
    assert all(p.file_bytes.startswith(b"\x89PNG") for p in photos)
    assert photos[0].caption.startswith("Удовлетворённость наставляемых и наставников")
    assert photos[1].caption == "Встречи по месяцам, 2025/2026 учебный год"


def docx_text(payload: bytes) -> str:
    document = docx.Document(io.BytesIO(payload))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


async def test_report_note(harness, clock_in_june, world):
    regional = harness.client.user(REGIONAL)
    await regional.send("/report")
    document = regional.last
    assert document.kind == "document" and document.file_name.endswith(".docx")
    text = docx_text(document.file_bytes)
    assert text.startswith("Аналитическая справка")
    assert (
        "удовлетворённость наставляемых качеством программ наставничества: 75,0\u00a0% "
        "(по 1 из 2 муниципалитетов; остальные — меньше 3 ответов)"
    ) in text

    assert "Нет встреч за 30 дней — 3 ОО" in text
    assert "5 из 5" in text
    assert "Рекомендации на 2026/2027 учебный год" in text
    assert "Не внесены данные для расчёта показателей (/stats) — 3 ОО" in text
    assert_anonymous(text)


async def test_a_curator_reports_only_on_their_school(harness, clock_in_june, world):
    curator = harness.client.user(CURATOR)
    await curator.send("/export")
    book, values = workbook_texts(curator.last.file_bytes)
    names = {v for v in values if isinstance(v, str) and v.startswith("МБОУ")}
    assert names == {"МБОУ лицей № 9"}
    # The school's own cell: 90,0 %, not the municipal 75,0 %.
    monitoring = [[c.value for c in r] for r in book["Мониторинг"].iter_rows(min_row=2)]
    assert monitoring[0][3] == "МБОУ лицей № 9" and monitoring[0][7] == 90.0
    for value in values:
        assert SENTINEL not in str(value)
    await curator.press(curator.last, data=RepOpen(cmd="export", org=world.other_school_id).pack())
    alert = harness.tg.requests_for("answerCallbackQuery")[-1][1]
    assert alert.get("text") == "Эта организация не входит в вашу зону."
