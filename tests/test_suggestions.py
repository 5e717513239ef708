"""Suggesting mentors: ranking, readable reasons, who is never suggested, bounded queries."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import event, select, update

from storage.db import Database
from storage.models.catalogue import CatalogueEntry
from storage.models.core import Person
from storage.models.enums import MembershipStatus, Role
from storage.models.programmes import Programme, ProgrammeMember
from storage.pairing.suggestions import Reason, Suggestion, suggest_mentors
from storage.people.registration import save_mentor_profile
from tests.support.seed import MENTOR_ANSWERS, add_person, add_role, build_tree

MENTEE = {
    "category": "young_teacher",
    "birth_year": 2001,
    "experience_years": 1,
    "request": "дисциплина на уроках и подготовка к ЕГЭ",
    "difficulties": ["classroom", "exams"],
}
EXPERT = {
    "competencies": "подготовка к ЕГЭ, дисциплина в классе",
    "experience_years": 20,
    "desired_mentee_age": "молодые педагоги",
}
UNRELATED = {
    "position": "учитель музыки",
    "subjects": "музыка",
    "competencies": "хоровое пение, музыкальные вечера",
    "experience_years": 10,
    "max_mentees": 1,
}
NEIGHBOUR = {
    "workplace": "МБОУ СОШ № 2",
    "competencies": "подготовка к ОГЭ и ЕГЭ",
    "experience_years": 12,
}


async def add_programme(
    database: Database,
    school_id: int,
    mentor_id: int,
    mentee_ids: list[int],
    now: datetime,
    status: str = "active",
) -> None:
    async with database.transaction() as s:
        form_id = await s.scalar(
            select(CatalogueEntry.id)
            .where(CatalogueEntry.kind == "form")
            .order_by(CatalogueEntry.id)
            .limit(1)
        )
        programme = Programme(
            school_id=school_id,
            is_group=len(mentee_ids) > 1,
            form_id=form_id,
            status=status,
            stage="implementation",
            starts_on=date(2026, 9, 1),
            planned_end_on=date(2027, 5, 31),
            goals="Адаптация молодого педагога",
            created_at=now,
            version=1,
        )
        s.add(programme)
        await s.flush()
        s.add(
            ProgrammeMember(
                programme_id=programme.id, person_id=mentor_id, role="mentor", response="accepted"
            )
        )
        for mentee_id in mentee_ids:
            s.add(
                ProgrammeMember(
                    programme_id=programme.id,
                    person_id=mentee_id,
                    role="mentee",
                    response="accepted",
                )
            )


async def suggest(database: Database, mentee_id: int, school_id: int, **kwargs) -> list[Suggestion]:
    async with database.reading() as s:
        return await suggest_mentors(s, mentee_id, school_id, date(2026, 11, 23), **kwargs)


def reason(suggestion: Suggestion, code: str) -> Reason:
    found = [r for r in suggestion.reasons if r.code == code]
    assert len(found) == 1, (code, suggestion.reasons)
    return found[0]


def codes(suggestion: Suggestion) -> list[str]:
    return [r.code for r in suggestion.reasons]


@pytest.fixture
async def school(database, clock):
    now = clock.now()
    tree = await build_tree(database, now)
    mentee = await add_person(
        database, 1, "Смирнова Анна", Role.mentee, tree.school_id, now, profile=MENTEE
    )
    expert = await add_person(
        database, 2, "Алексеева Мария", Role.mentor, tree.school_id, now, profile=EXPERT
    )
    unrelated = await add_person(
        database, 3, "Борисов Олег", Role.mentor, tree.school_id, now, profile=UNRELATED
    )
    neighbour = await add_person(
        database, 4, "Васильева Ирина", Role.mentor, tree.other_school_id, now, profile=NEIGHBOUR
    )
    other_mentee = await add_person(
        database, 5, "Кузнецова Ольга", Role.mentee, tree.school_id, now
    )
    await add_programme(database, tree.school_id, unrelated, [other_mentee], now)
    people = {
        "mentee": mentee,
        "expert": expert,
        "unrelated": unrelated,
        "neighbour": neighbour,
        "other_mentee": other_mentee,
    }
    return tree, people


async def test_the_expert_ranks_first_and_the_full_mentor_is_flagged(database, school):
    tree, p = school
    found = await suggest(database, p["mentee"], tree.school_id)

    assert [s.person_id for s in found] == [p["expert"], p["unrelated"]]
    expert, unrelated = found

    assert expert.full_name == "Алексеева Мария"
    assert codes(expert) == [
        "difficulty_match",
        "request_match",
        "same_school",
        "age_fits",
        "free_capacity",
        "experience_gap",
    ]
    assert reason(expert, "difficulty_match").points == 35
    assert reason(expert, "difficulty_match").params == {
        "codes": ["classroom", "exams"],
        "words": [],
        "matched": 2,
        "total": 2,
    }
    assert reason(expert, "request_match") == Reason(
        "request_match", 20, {"words": ["дисциплина", "подготовка", "егэ"]}
    )
    assert reason(expert, "age_fits").params["category"] == "young_teacher"
    assert reason(expert, "free_capacity").params == {"free": 3, "load": 0, "capacity": 3}
    assert reason(expert, "experience_gap").params == {
        "gap": 19,
        "mentor_years": 20,
        "mentee_years": 1,
    }
    # 35 + 20 + 10 + 10 + 10 + 15 = 100
    assert expert.score == 100
    assert (expert.load, expert.capacity, expert.over_capacity) == (0, 3, False)

    assert unrelated.over_capacity
    assert (unrelated.load, unrelated.capacity) == (1, 1)
    assert reason(unrelated, "no_capacity") == Reason(
        "no_capacity", -30, {"load": 1, "capacity": 1}
    )
    assert "difficulty_match" not in codes(unrelated)
    assert "request_match" not in codes(unrelated)
    # 10 (school) − 30 (no place) + 15 (experience) clamps at zero
    assert unrelated.score == 0


async def test_a_mentor_of_another_school_only_when_the_municipality_allows(database, school):
    tree, p = school
    found = await suggest(
        database, p["mentee"], tree.school_id, include_school_ids={tree.other_school_id}
    )

    assert [s.person_id for s in found] == [p["expert"], p["neighbour"], p["unrelated"]]
    neighbour = found[1]
    assert neighbour.school_id == tree.other_school_id
    assert reason(neighbour, "other_school") == Reason(
        "other_school", 0, {"school_id": tree.other_school_id, "school_name": "МБОУ СОШ № 2"}
    )
    assert "same_school" not in codes(neighbour)
    # ЕГЭ covers one of the two difficulties; «подготовка» and «ЕГЭ» come from the request.
    assert reason(neighbour, "difficulty_match").params["codes"] == ["exams"]
    assert reason(neighbour, "difficulty_match").points == 18
    assert reason(neighbour, "request_match").params == {"words": ["подготовка", "егэ"]}
    assert neighbour.score == 18 + 14 + 0 + 10 + 15

    assert await suggest(database, p["mentee"], tree.school_id, limit=1) == found[:1]


async def test_closed_and_declined_programmes_free_the_place(database, clock, school):
    tree, p = school
    now = clock.now()
    freed = await add_person(
        database, 6, "Григорьев Павел", Role.mentor, tree.school_id, now, profile=UNRELATED
    )
    await add_programme(database, tree.school_id, freed, [p["other_mentee"]], now, "closed")
    await add_programme(database, tree.school_id, freed, [p["other_mentee"]], now, "declined")
    proposed = await add_person(
        database, 7, "Дмитриев Лев", Role.mentor, tree.school_id, now, profile=UNRELATED
    )
    await add_programme(database, tree.school_id, proposed, [p["other_mentee"]], now, "proposed")

    by_id = {s.person_id: s for s in await suggest(database, p["mentee"], tree.school_id)}

    assert not by_id[freed].over_capacity
    assert reason(by_id[freed], "free_capacity").params["free"] == 1
    assert reason(by_id[freed], "free_capacity").points == 6
    assert by_id[proposed].over_capacity
    assert by_id[proposed].load == 1


async def test_people_who_cannot_mentor_now_are_never_suggested(database, clock, school):
    tree, p = school
    now = clock.now()
    deactivated = await add_person(
        database,
        10,
        "Антонов Деактивированный",
        Role.mentor,
        tree.school_id,
        now,
        status=MembershipStatus.deactivated,
        profile=EXPERT,
    )
    waiting = await add_person(
        database,
        11,
        "Антонов Ждущий",
        Role.mentor,
        tree.school_id,
        now,
        status=MembershipStatus.awaiting_guardian,
        profile=EXPERT,
    )
    erased = await add_person(
        database, 12, "Антонов Забытый", Role.mentor, tree.school_id, now, profile=EXPERT
    )
    foreign = await add_person(
        database, 13, "Антонов Азовский", Role.mentor, tree.foreign_school_id, now, profile=EXPERT
    )
    no_profile = await add_person(
        database, 14, "Антонов Без анкеты", Role.curator, tree.school_id, now
    )
    async with database.transaction() as s:
        await add_role(s, no_profile, Role.mentor, tree.school_id, now)
        # The mentee also mentors others, but never themself.
        await add_role(s, p["mentee"], Role.mentor, tree.school_id, now)
        await s.execute(
            update(Person).where(Person.id == erased).values(erased_at=now, full_name=None)
        )
    async with database.transaction() as s:
        await save_mentor_profile(s, p["mentee"], {**MENTOR_ANSWERS, **EXPERT}, now)

    found = await suggest(
        database,
        p["mentee"],
        tree.school_id,
        include_school_ids={tree.other_school_id},
        limit=50,
    )

    ids = {s.person_id for s in found}
    assert ids == {p["expert"], p["unrelated"], p["neighbour"]}
    assert not ids & {deactivated, waiting, erased, foreign, no_profile, p["mentee"]}


async def test_a_mentee_awaiting_the_guardian_still_gets_suggestions(database, clock, school):
    tree, p = school
    waiting = await add_person(
        database,
        20,
        "Егоров Миша",
        Role.mentee,
        tree.school_id,
        clock.now(),
        status=MembershipStatus.awaiting_guardian,
        profile={"category": "student", "grade": 7, "birth_year": 2013, "difficulties": []},
    )

    found = await suggest(database, waiting, tree.school_id)

    assert {s.person_id for s in found} == {p["expert"], p["unrelated"]}


async def test_desired_age_and_student_peers(database, clock, school):
    tree, _ = school
    now = clock.now()
    pupil = await add_person(
        database,
        30,
        "Егоров Миша",
        Role.mentee,
        tree.school_id,
        now,
        profile={
            "category": "student",
            "grade": 7,
            "birth_year": 2013,
            "experience_years": None,
            "request": "олимпиада по математике",
            "difficulties": ["olympiads"],
            "preferred_forms": ["student_student"],
        },
    )
    student = {
        "category": "student",
        "grade": 10,
        "birth_year": 2010,
        "experience_years": None,
        "position": "ученик 10 класса",
        "subjects": "математика",
        "competencies": "призёр олимпиад по математике",
    }
    young_peer = await add_person(
        database,
        31,
        "Жуков Артём",
        Role.mentor,
        tree.school_id,
        now,
        profile={**student, "desired_mentee_age": "10–12 лет"},
    )
    grades = await add_person(
        database,
        32,
        "Зайцева Вера",
        Role.mentor,
        tree.school_id,
        now,
        profile={**student, "desired_mentee_age": "5–7 классы"},
    )
    teacher = await add_person(
        database,
        33,
        "Иванов Пётр",
        Role.mentor,
        tree.school_id,
        now,
        profile={"desired_mentee_age": "12-14 лет"},
    )
    younger = await add_person(
        database,
        34,
        "Ильина Соня",
        Role.mentor,
        tree.school_id,
        now,
        profile={
            **student,
            "grade": 6,
            "birth_year": 2014,
            "desired_mentee_age": "молодые педагоги",
        },
    )

    by_id = {s.person_id: s for s in await suggest(database, pupil, tree.school_id, limit=50)}

    assert reason(by_id[young_peer], "age_mismatch") == Reason(
        "age_mismatch", -10, {"desired": "10–12 лет", "age": 13}
    )
    assert reason(by_id[young_peer], "student_peer").params == {
        "grade_gap": 3,
        "years_older": 3,
    }
    assert reason(by_id[young_peer], "preferred_form").params == {"form": "student_student"}
    assert reason(by_id[grades], "age_fits").params == {"desired": "5–7 классы", "grade": 7}
    assert reason(by_id[teacher], "age_fits").params == {"desired": "12-14 лет", "age": 13}
    assert "experience_gap" not in codes(by_id[teacher])
    assert reason(by_id[teacher], "form_not_preferred").params == {
        "forms": ["teacher_student"],
        "preferred": ["student_student"],
    }
    assert reason(by_id[younger], "peer_not_older").points == -5
    assert reason(by_id[younger], "age_mismatch").params["category"] == "student"
    assert reason(by_id[grades], "difficulty_match").params["codes"] == ["olympiads"]
    assert by_id[grades].score > by_id[young_peer].score


async def test_a_free_text_difficulty_matches_by_its_words(database, clock):
    now = clock.now()
    tree = await build_tree(database, now)
    mentee = await add_person(
        database,
        50,
        "Смирнова Анна",
        Role.mentee,
        tree.school_id,
        now,
        profile={"difficulties": ["digital", "инклюзия, дети с ОВЗ"], "request": "всё"},
    )
    await add_person(
        database,
        51,
        "Иванов Пётр",
        Role.mentor,
        tree.school_id,
        now,
        profile={
            # «класса» in the position must not read as classroom management.
            "position": "учитель 5 класса",
            "competencies": "инклюзивное образование, обучение детей с ОВЗ",
        },
    )

    (found,) = await suggest(database, mentee, tree.school_id)

    assert reason(found, "difficulty_match") == Reason(
        "difficulty_match",
        18,
        {"codes": [], "words": ["инклюзия", "овз"], "matched": 1, "total": 2},
    )
    assert "request_match" not in codes(found)


async def test_a_mentee_without_a_profile_gets_the_plain_reasons(database, clock):
    now = clock.now()
    tree = await build_tree(database, now)
    mentee = await add_person(database, 60, "Смирнова Анна", Role.curator, tree.school_id, now)
    async with database.transaction() as s:
        await add_role(s, mentee, Role.mentee, tree.school_id, now)
    await add_person(database, 61, "Иванов Пётр", Role.mentor, tree.school_id, now)

    (found,) = await suggest(database, mentee, tree.school_id)

    assert codes(found) == ["same_school", "free_capacity"]
    assert found.score == 20


@pytest.mark.parametrize(
    ("desired", "expected"),
    [
        ("12–14 лет", "age_fits"),
        ("от 10 до 12 лет", "age_mismatch"),
        ("до 12 лет", "age_mismatch"),
        ("старше 12", "age_fits"),
        ("13+", "age_fits"),
        ("подростки", "age_fits"),
        ("молодые специалисты", "age_mismatch"),
        ("любой", None),
    ],
)
async def test_desired_age_texts(database, clock, desired, expected):
    now = clock.now()
    tree = await build_tree(database, now)
    pupil = await add_person(
        database,
        40,
        "Егоров Миша",
        Role.mentee,
        tree.school_id,
        now,
        profile={"category": "student", "grade": 7, "birth_year": 2013, "experience_years": None},
    )
    await add_person(
        database,
        41,
        "Иванов Пётр",
        Role.mentor,
        tree.school_id,
        now,
        profile={"desired_mentee_age": desired},
    )

    (found,) = await suggest(database, pupil, tree.school_id)

    age_codes = [c for c in codes(found) if c.startswith("age_")]
    assert age_codes == ([expected] if expected else [])


@pytest.mark.parametrize("mentors", [3, 10])
async def test_the_number_of_statements_does_not_grow_with_candidates(database, clock, mentors):
    now = clock.now()
    tree = await build_tree(database, now)
    mentee = await add_person(
        database, 1, "Смирнова Анна", Role.mentee, tree.school_id, now, profile=MENTEE
    )
    ids = [
        await add_person(
            database, 100 + i, f"Наставник {i:02}", Role.mentor, tree.school_id, now, profile=EXPERT
        )
        for i in range(mentors)
    ]
    for mentor_id in ids[::2]:
        await add_programme(database, tree.school_id, mentor_id, [mentee], now)

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        found = await suggest(database, mentee, tree.school_id, limit=50)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert len(found) == mentors
    assert sum(s.load for s in found) == len(ids[::2])
    # the mentee's profile, the candidates with their profiles, the loads
    assert len(statements) == 3
