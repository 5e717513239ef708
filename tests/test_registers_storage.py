"""The registers import on SQLite and PostgreSQL: matching, re-imports that change only what
changed, nothing partial, single-use personal links, pairs formed once members join, the
erasure of unused records with the curators told first, and /forget."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from handlers.reports.documents.xlsx import build_workbook
from scheduler.registers import RegistersJob
from storage.clock import FrozenClock
from storage.models import (
    Membership,
    MentorProfile,
    OutboxMessage,
    Programme,
    ProgrammeMember,
    RegisterEntry,
    RegisterPair,
)
from storage.models.enums import MembershipStatus, Role
from storage.privacy import erase_person, export_person
from storage.registers import applying
from storage.registers.applying import apply_plan, lock_school, renew
from storage.registers.joining import join
from storage.registers.pairs import form_ready
from storage.registers.plan import make_plan
from storage.registers.reading import read_tables
from storage.reports.indicators import build_summary
from tests.support.seed import add_person, build_tree, make_programme

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
MENTORS = [
    "№ п/п", "Ф.И.О. наставника", "Место работы", "Основные компетенции наставника",
    "Ресурс времени на программу наставничества", "ФИО наставляемого (наставляемых)",
    "Форма наставничества", "Категория", "Должность", "Стаж", "Наставляемых не более",
]  # fmt: skip
MENTEES = [
    "№ п/п", "ФИО наставляемого", "Год рождения наставляемого", "Основной запрос наставляемого",
    "Дата вхождения в программу", "ФИО наставника", "Форма наставничества", "Категория", "Стаж",
]  # fmt: skip


def workbook(mentors: list[list], mentees: list[list]) -> bytes:
    book = Workbook()
    first = book.active
    first.title = "База наставников"
    first.append(MENTORS)
    for row in mentors:
        first.append(row)
    second = book.create_sheet("База наставляемых")
    second.append(MENTEES)
    for row in mentees:
        second.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def mentor(name, mentees="", workplace="МБОУ лицей № 9", competencies="ЕГЭ", form=""):
    return [
        1,
        name,
        workplace,
        competencies,
        "8 ч в месяц",
        mentees,
        form,
        "учитель",
        "учитель",
        12,
        3,
    ]


def teacher(name, year=1999, mentor_name="", request="дисциплина на уроках", form=""):
    return [1, name, year, request, "01.09.2026", mentor_name, form, "молодой специалист", 1]


async def run(database, school_id, data, *, now=NOW, apply=True, by=None):
    async with database.transaction() as session:
        plan = await make_plan(session, school_id, read_tables(data, "r.xlsx"), now.date())
        if apply:
            await apply_plan(session, plan, by, now)
    return plan


async def count(database, model, *where) -> int:
    async with database.reading() as s:
        return await s.scalar(select(func.count()).select_from(model).where(*where))


async def entries(database) -> dict[str, RegisterEntry]:
    async with database.reading() as s:
        return {e.full_name: e for e in (await s.scalars(select(RegisterEntry))).all()}


async def test_matching_by_name_and_year_or_workplace(database):
    tree = await build_tree(database, NOW)
    school = tree.school_id
    await add_person(database, 700, "Борисов Пётр", Role.mentor, school, NOW)
    await add_person(
        database, 701, "Ким Анна", Role.mentee, school, NOW, profile={"birth_year": 1999}
    )
    data = workbook(
        [mentor("Борисов Пётр"), mentor("Борисов Пётр", workplace="Другая школа")],
        [teacher("Ким Анна", 1999), teacher("Ким Анна", 2000), teacher("Лебедева Ольга")],
    )
    plan = await run(database, school, data)
    matched = {
        (p.full_name, p.first.birth_year or p.first.fields.get("workplace")) for p in plan.matched
    }
    assert matched == {("Борисов Пётр", "МБОУ лицей № 9"), ("Ким Анна", 1999)}
    assert {p.full_name for p in plan.new} == {"Борисов Пётр", "Ким Анна", "Лебедева Ольга"}
    # The registered ones are linked, not duplicated; a second import changes nothing.
    assert await count(database, RegisterEntry) == 5
    again = await run(database, school, data)
    assert not again.changes_anything and len(again.matched) == 5
    assert await count(database, RegisterEntry) == 5


async def test_a_name_the_school_has_twice_without_a_second_key_is_refused(database):
    tree = await build_tree(database, NOW)
    for n, year in ((710, 1990), (711, 1991)):
        await add_person(
            database, n, "Ким Анна", Role.mentee, tree.school_id, NOW, profile={"birth_year": year}
        )
    row = teacher("Ким Анна")
    row[2] = None
    plan = await run(database, tree.school_id, workbook([], [row]), apply=False)
    assert [(r.code, r.params) for r in plan.refused] == [("ambiguous", {"count": 2})]


async def test_an_updated_file_changes_what_changed_and_keeps_the_persons_corrections(database):
    tree = await build_tree(database, NOW)
    school = tree.school_id
    await run(database, school, workbook([mentor("Орлов Глеб")], [teacher("Ким Анна")]))
    found = await entries(database)
    person = await add_person(database, 720, "Орлов Глеб", Role.curator, tree.other_school_id, NOW)
    async with database.transaction() as s:
        answers = {"full_name": "Орлов Глеб", **found["Орлов Глеб"].fields}
        answers["competencies"] = "проекты (исправлено)"  # corrected while joining
        assert await join(s, found["Орлов Глеб"].id, person, answers, NOW)
    changed = workbook(
        [mentor("Орлов Глеб", workplace="МБОУ лицей № 9", competencies="ЕГЭ")],
        [teacher("Ким Анна", request="работа с родителями")],
    )
    plan = await run(database, school, changed)
    assert {p.full_name: p.changes for p in plan.changed} == {
        "Ким Анна": {"request": "работа с родителями"}
    }
    async with database.reading() as s:
        profile = await s.get(MentorProfile, person)
        assert profile.competencies == "проекты (исправлено)"  # the file did not change it
    # Now the file changes the mentor's competencies: that change is applied.
    plan = await run(
        database, school, workbook([mentor("Орлов Глеб", competencies="олимпиады")], [])
    )
    assert [p.changes for p in plan.changed] == [{"competencies": "олимпиады"}]
    async with database.reading() as s:
        assert (await s.get(MentorProfile, person)).competencies == "олимпиады"


async def test_a_failed_apply_changes_nothing(database, monkeypatch):
    tree = await build_tree(database, NOW)
    data = workbook([mentor("Орлов Глеб", "Ким Анна")], [teacher("Ким Анна")])

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(applying, "member_key", broken)  # fails after the entries are written
    with pytest.raises(RuntimeError):
        await run(database, tree.school_id, data)
    assert await count(database, RegisterEntry) == 0
    assert await count(database, RegisterPair) == 0


async def test_a_personal_link_is_single_use_and_renewable(database):
    tree = await build_tree(database, NOW)
    await run(database, tree.school_id, workbook([], [teacher("Ким Анна")]))
    entry = (await entries(database))["Ким Анна"]
    first = await add_person(
        database, 730, "Кто-то Первый", Role.curator, tree.other_school_id, NOW
    )
    second = await add_person(
        database, 731, "Кто-то Второй", Role.curator, tree.other_school_id, NOW
    )
    answers = {"full_name": "Ким Анна", **entry.fields}
    async with database.transaction() as s:
        joined = await join(s, entry.id, first, answers, NOW)
        assert joined is not None and joined.status == MembershipStatus.active
    async with database.transaction() as s:
        assert await join(s, entry.id, second, answers, NOW) is None
        assert await renew(s, entry.id, NOW) is None  # a used link is not renewed
    await run(database, tree.school_id, workbook([], [teacher("Лебедева Ольга")]))
    other = (await entries(database))["Лебедева Ольга"]
    late = NOW + timedelta(days=31)
    async with database.transaction() as s:
        assert (
            await join(s, other.id, second, {"full_name": "Лебедева Ольга", **other.fields}, late)
            is None
        )
        renewed = await renew(s, other.id, late)
        assert renewed.code != other.code and renewed.expires_at == late + timedelta(days=30)
    async with database.transaction() as s:
        assert await join(
            s, other.id, second, {"full_name": "Лебедева Ольга", **other.fields}, late
        )


async def test_pairs_and_groups_are_formed_once_their_members_join(database):
    tree = await build_tree(database, NOW)
    data = workbook(
        [mentor("Орлов Глеб", "Ким Анна, Лебедева Ольга")],  # a group: two mentees in one cell
        [
            teacher("Ким Анна", mentor_name="Орлов Глеб"),
            teacher("Лебедева Ольга", 1998, "Орлов Г."),
        ],
    )
    plan = await run(database, tree.school_id, data)
    assert [(len(p.mentors), len(p.mentees), p.form_name) for p in plan.pairs] == [
        (1, 2, "Учитель – учитель")
    ]
    found = await entries(database)
    for number, name in enumerate(("Орлов Глеб", "Ким Анна"), 740):
        person = await add_person(database, number, name, Role.curator, tree.other_school_id, NOW)
        async with database.transaction() as s:
            await join(s, found[name].id, person, {"full_name": name, **found[name].fields}, NOW)
            assert await form_ready(s, NOW, tree.school_id) == []  # someone has not joined
    person = await add_person(
        database, 742, "Лебедева Ольга", Role.curator, tree.other_school_id, NOW
    )
    async with database.transaction() as s:
        entry = found["Лебедева Ольга"]
        await join(s, entry.id, person, {"full_name": entry.full_name, **entry.fields}, NOW)
        (programme_id,) = await form_ready(s, NOW, tree.school_id)
        assert await form_ready(s, NOW, tree.school_id) == []  # formed once
    async with database.reading() as s:
        programme = await s.get(Programme, programme_id)
        assert programme.status == "proposed" and programme.is_group
        responses = (
            await s.scalars(
                select(ProgrammeMember.response).where(ProgrammeMember.programme_id == programme_id)
            )
        ).all()
        assert sorted(responses) == ["pending"] * 3
    assert not (await run(database, tree.school_id, data)).changes_anything


async def test_unused_records_are_erased_after_the_retention_and_curators_told_first(database):
    tree = await build_tree(database, NOW)
    curator = await add_person(database, 750, "Абрамова Ольга", Role.curator, tree.school_id, NOW)
    await run(
        database, tree.school_id, workbook([], [teacher("Ким Анна"), teacher("Лебедева Ольга")])
    )
    joined = (await entries(database))["Лебедева Ольга"]
    person = await add_person(
        database, 751, "Лебедева Ольга", Role.curator, tree.other_school_id, NOW
    )
    async with database.transaction() as s:
        await join(s, joined.id, person, {"full_name": "Лебедева Ольга", **joined.fields}, NOW)
    clock = FrozenClock(NOW)
    job = RegistersJob(database, clock, "Europe/Moscow", retention_days=60)
    # Expires on day 30, erased on day 90; told from day 83.
    clock.set(NOW + timedelta(days=82))
    await job()
    assert await count(database, OutboxMessage) == 0
    clock.set(NOW + timedelta(days=84))
    await job()
    async with database.reading() as s:
        (notice,) = (await s.scalars(select(OutboxMessage))).all()
    assert (notice.kind, notice.person_id) == ("register_erasure", curator)
    assert (
        notice.params["names"] == ["Ким Анна"]
        and notice.params["day"] == (NOW + timedelta(days=90)).date().isoformat()
    )
    await job()  # within ten minutes: nothing again
    clock.set(NOW + timedelta(days=85))
    await job()
    assert await count(database, OutboxMessage) == 1  # told once
    clock.set(NOW + timedelta(days=90, minutes=1))
    await job()
    assert set(await entries(database)) == {"Лебедева Ольга"}  # the joined one stays


async def test_forget_erases_the_persons_register_entries(database):
    tree = await build_tree(database, NOW)
    await run(database, tree.school_id, workbook([], [teacher("Ким Анна")]))
    entry = (await entries(database))["Ким Анна"]
    person = await add_person(database, 760, "Ким Анна", Role.curator, tree.other_school_id, NOW)
    async with database.transaction() as s:
        await join(s, entry.id, person, {"full_name": "Ким Анна", **entry.fields}, NOW)
    async with database.reading() as s:
        (copy,) = (await export_person(s, person))["school_registers"]
    assert copy["full_name"] == "Ким Анна" and copy["fields"]["request"] == "дисциплина на уроках"
    async with database.transaction() as s:
        await erase_person(s, person, NOW)
    assert await count(database, RegisterEntry) == 0
    assert (
        await count(
            database, Membership, Membership.status == "active", Membership.role == "mentee"
        )
        == 0
    )


async def test_the_ticker_forms_ready_pairs_and_asks_through_the_outbox(database):
    tree = await build_tree(database, NOW)
    data = workbook([mentor("Орлов Глеб", "Ким Анна")], [teacher("Ким Анна")])
    await run(database, tree.school_id, data)
    found = await entries(database)
    people = {}
    for number, name in enumerate(("Орлов Глеб", "Ким Анна"), 770):
        people[name] = await add_person(
            database, number, name, Role.curator, tree.other_school_id, NOW
        )
        async with database.transaction() as s:
            await join(
                s, found[name].id, people[name], {"full_name": name, **found[name].fields}, NOW
            )
    job = RegistersJob(database, FrozenClock(NOW), "Europe/Moscow", retention_days=60)
    await job()
    async with database.reading() as s:
        asks = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.person_id))).all()
        programme = await s.scalar(select(Programme))
    assert [(m.kind, m.person_id) for m in asks] == [
        ("register_pair", people["Орлов Глеб"]),
        ("register_pair", people["Ким Анна"]),
    ]
    assert asks[0].params["programme_id"] == programme.id and programme.status == "proposed"
    assert asks[0].params["mentees"] == ["Ким Анна"]


def test_the_outbox_messages_of_the_registers_read_in_russian():
    from bot.i18n import build_i18n
    from handlers.registers.proposals import RENDERERS

    i18n = build_i18n("ru")
    with i18n.context(), i18n.use_locale("ru"):
        pair = RENDERERS["register_pair"](
            {
                "programme_id": 5,
                "school": "Лицей",
                "is_group": False,
                "mentors": ["Орлов Глеб"],
                "mentees": ["Ким Анна"],
                "starts_on": "2026-09-01",
                "planned_end_on": "2027-05-31",
                "goals": "дисциплина",
            }
        )
        reminder = RENDERERS["register_reminder"](
            {"school": "Лицей", "link": "https://t.me/bot?start=x", "expires": "2026-12-23"}
        )
        erasure = RENDERERS["register_erasure"](
            {"school": "Лицей", "count": 3, "names": ["А Б", "В Г", "Д Е"], "day": "2027-02-21"}
        )
    assert pair.text.startswith("«Лицей» приглашает вас в наставническую пару.")
    assert [b.callback_data for b in pair.buttons[0]] == ["pr_a:5:1", "pr_a:5:0"]
    assert "до 23.12.2026" in reminder.text and reminder.buttons[0][0].url.endswith("start=x")
    assert erasure.text.startswith(
        "21.02.2027 будут удалены записи тех, кто так и не присоединился к «Лицей»"
    )
    assert "истекли неиспользованными: 3." in erasure.text and "А Б, В Г, Д Е" in erasure.text


async def test_the_export_of_a_school_imports_back_without_a_change(database):
    """/export's registers, groups and pairs included, read back: everyone and every
    programme is recognised; nothing would be written."""
    tree = await build_tree(database, NOW)
    school = tree.school_id
    curator = await add_person(database, 780, "Абрамова Ольга", Role.curator, school, NOW)
    mentors = [
        await add_person(database, 781 + i, name, Role.mentor, school, NOW)
        for i, name in enumerate(("Орлов Глеб", "Сёмина Алёна"))
    ]
    mentees = [
        await add_person(
            database, 790 + i, name, Role.mentee, school, NOW, profile={"birth_year": 1998 + i}
        )
        for i, name in enumerate(("Ким Анна", "Лебедева Ольга", "Юдина Вера"))
    ]
    await make_programme(database, tree, NOW, curator, mentors[0], mentees[:2])  # a group
    await make_programme(database, tree, NOW, curator, mentors[1], mentees[2:])  # a pair
    async with database.reading() as s:
        summary = await build_summary(s, school, NOW.date())
        exported = await build_workbook(s, summary)
    plan = await run(database, school, exported, apply=False)
    assert plan.rows == 5 and not plan.refused and not plan.new
    assert len(plan.matched) == 5 and not plan.changed
    assert sorted((len(p.mentors), len(p.mentees), p.existing) for p in plan.pairs) == [
        (1, 1, True),
        (1, 2, True),
    ]
    assert not plan.changes_anything


async def test_two_rows_claiming_one_person_of_the_school(database):
    tree = await build_tree(database, NOW)
    await add_person(
        database, 800, "Орлов Глеб", Role.mentor, tree.school_id, NOW, profile={"workplace": ""}
    )
    first, second = mentor("Орлов Глеб"), mentor("Орлов Глеб", workplace="Гимназия № 2")
    plan = await run(database, tree.school_id, workbook([first, second], []), apply=False)
    assert [(p.first.fields["workplace"], p.match is not None) for p in plan.people] == [
        ("МБОУ лицей № 9", True)
    ]
    assert [(r.ref.row, r.code, r.params) for r in plan.refused] == [(3, "same_person", {"row": 2})]


async def test_two_imports_of_one_file_at_once_add_everyone_once(database):
    """Two curators applying the same file together: the second plans again after the
    first has committed (the school is locked), so nobody is added twice."""
    tree = await build_tree(database, NOW)
    data = workbook([mentor("Орлов Глеб", "Ким Анна")], [teacher("Ким Анна")])
    tables = read_tables(data, "r.xlsx")

    async def apply_once() -> int:
        async with database.transaction() as session:
            await lock_school(session, tree.school_id)
            plan = await make_plan(session, tree.school_id, tables, NOW.date())
            await asyncio.sleep(0.05)  # let the other one reach its lock meanwhile
            await apply_plan(session, plan, None, NOW)
            return len(plan.new)

    added = await asyncio.gather(apply_once(), apply_once())
    assert sorted(added) == [0, 2]
    assert await count(database, RegisterEntry) == 2
    assert await count(database, RegisterPair) == 1
