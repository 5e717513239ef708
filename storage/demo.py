"""A synthetic region for the demo (`python -m bot demo`) and the reports benchmark.

Everything is written with bulk inserts straight into the tables, deterministic for a
seed: a region with municipalities and schools; curators, mentors and mentees of every
category with their register fields; pairs and groups of every form, active and closed,
with calendar plans; a year of meetings with the mentees' confirmations; two monitoring
campaigns (December and May) with answers stored the way storage/survey_answers stores
them (who answered apart from what); and the schools' denominators for /stats, one school
left without them so the reports show how a missing denominator is named.

The report day is the 25th of May after the latest spring deadline that has passed, so a
whole academic year of meetings and both campaigns' results are there to see.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models.catalogue import CatalogueEntry
from storage.models.core import Person
from storage.models.meetings import Meeting, MeetingAttendee
from storage.models.orgs import Membership, Organization
from storage.models.profiles import MenteeProfile, MentorProfile
from storage.models.programmes import PlanItem, Programme, ProgrammeMember
from storage.models.statistics import SchoolStatistics
from storage.models.surveys import Campaign, SurveyParticipation, SurveyResponse
from storage.reports.period import academic_year, year_bounds

CHUNK = 2000

SURNAMES = (
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
    "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев "
    "Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв"
).split()
MALE = "Александр Сергей Дмитрий Андрей Алексей Иван Михаил Николай Олег Павел Артём Максим".split()
FEMALE = "Анна Елена Ольга Наталья Татьяна Ирина Мария Светлана Юлия Марина Дарья Ксения".split()
PATRONYMIC = "Александров Сергеев Дмитриев Андреев Алексеев Иванов Михайлов Николаев".split()
MUNICIPALITIES = tuple(
    "Сальский район, Азовский район, Аксайский район, Батайск, Белокалитвинский район, "
    "Волгодонск, Гуково, Донецк, Зерноград, Каменск-Шахтинский, Красносулинский район, "
    "Миллеровский район, Морозовский район, Новочеркасск, Новошахтинск, Пролетарский район, "
    "Таганрог, Шахты, Егорлыкский район, Зимовниковский район".split(", ")
)
COMPETENCIES = (
    "подготовка к ЕГЭ и ОГЭ",
    "классное руководство",
    "проектная деятельность",
    "цифровые образовательные ресурсы",
    "работа с одарёнными детьми",
    "инклюзивное образование",
)
REQUESTS = (
    "дисциплина на уроках",
    "подготовка к олимпиаде",
    "адаптация в коллективе",
    "повышение успеваемости",
    "выбор профессии",
    "составление рабочих программ",
)
RESULTS = (
    "наставляемый успешно прошёл адаптацию",
    "повышение успеваемости по предмету",
    "участие в региональном конкурсе",
    "разработан и защищён проект",
)
VALUABLE = (
    "поддержка наставника",
    "разбор уроков",
    "совместный проект",
    "подготовка к олимпиаде",
    "советы по работе с классом",
)


@dataclass(frozen=True)
class DemoSize:
    municipalities: int = 1
    schools: int = 6
    people: int = 360
    programmes: int = 150
    meetings: int = 2400
    response_share: float = 0.8
    idle_school: bool = True  # one school with registered people but no pairs
    low_response_school: bool = True  # one school where few answer


BENCH_SIZE = DemoSize(
    municipalities=12,
    schools=340,
    people=20_000,
    programmes=10_000,
    meetings=150_000,
    response_share=0.55,
)


@dataclass
class DemoInfo:
    today: date
    region_id: int
    municipality_ids: list[int]
    school_ids: list[int]
    coordinator_telegram_id: int
    counts: dict[str, int] = field(default_factory=dict)


def report_day(today: date) -> date:
    """The 25th of May after the latest 20 May that has passed."""
    year = today.year if today >= date(today.year, 5, 25) else today.year - 1
    return date(year, 5, 25)


async def _insert(
    session: AsyncSession, model: type, rows: Sequence[dict[str, Any]], ids: bool = False
) -> list[int]:
    found: list[int] = []
    for start in range(0, len(rows), CHUNK):
        chunk = list(rows[start : start + CHUNK])
        if ids:
            result = await session.execute(
                insert(model).returning(model.id, sort_by_parameter_order=True), chunk
            )
            found += [row[0] for row in result]
        else:
            await session.execute(insert(model), chunk)
    return found


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self) -> str:
        rng = self.rng
        surname = rng.choice(SURNAMES)
        if rng.random() < 0.7:  # most teachers in the data are women
            return f"{surname}а {rng.choice(FEMALE)} {rng.choice(PATRONYMIC)}на"
        return f"{surname} {rng.choice(MALE)} {rng.choice(PATRONYMIC)}ич"


def _spread(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` uneven shares (schools differ in size)."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % parts] += 1
    return counts


async def generate(
    database: Database, size: DemoSize = DemoSize(), today: date | None = None, seed: int = 7
) -> DemoInfo:
    rng = random.Random(seed)
    name = _Names(rng)
    today = today or report_day(date.today())
    year = academic_year(today)
    year_start, _year_end = year_bounds(year)
    now = datetime(today.year, today.month, today.day, 9, tzinfo=UTC)
    counts: dict[str, int] = {}
    async with database.transaction() as s:
        forms = dict(
            (
                await s.execute(
                    select(CatalogueEntry.code, CatalogueEntry.id).where(
                        CatalogueEntry.kind == "form", CatalogueEntry.municipality_id.is_(None)
                    )
                )
            ).all()
        )
        kinds = dict(
            (
                await s.execute(
                    select(CatalogueEntry.code, CatalogueEntry.id).where(
                        CatalogueEntry.kind == "mentoring_kind",
                        CatalogueEntry.municipality_id.is_(None),
                    )
                )
            ).all()
        )
        # ---- organisations
        (region_id,) = await _insert(
            s,
            Organization,
            [{"level": "region", "name": "Ростовская область", "created_at": now}],
            ids=True,
        )
        municipality_names = [
            MUNICIPALITIES[i % len(MUNICIPALITIES)] + ("" if i < len(MUNICIPALITIES) else f" {i}")
            for i in range(size.municipalities)
        ]
        municipality_ids = await _insert(
            s,
            Organization,
            [
                {"level": "municipality", "name": n, "parent_id": region_id, "created_at": now}
                for n in municipality_names
            ],
            ids=True,
        )
        school_rows = []
        for index in range(size.schools):
            kind = "additional" if index % 17 == 16 else "school"
            title = (
                f"МБУ ДО ДДТ № {index + 1}"
                if kind == "additional"
                else (f"МБОУ лицей № {index + 1}" if index % 5 == 0 else f"МБОУ СОШ № {index + 1}")
            )
            school_rows.append(
                {
                    "level": "school",
                    "name": title,
                    "parent_id": municipality_ids[index % size.municipalities],
                    "school_kind": kind,
                    "created_at": now,
                }
            )
        school_ids = await _insert(s, Organization, school_rows, ids=True)
        school_names = {i: r["name"] for i, r in zip(school_ids, school_rows, strict=True)}
        idle = school_ids[-1] if size.idle_school and len(school_ids) > 2 else None
        shy = school_ids[-2] if size.low_response_school and len(school_ids) > 2 else None

        # ---- people: a curator per school, mentors and mentees
        people_per_school = _spread(size.people - size.schools, size.schools, rng)
        persons: list[dict[str, Any]] = [
            {
                "telegram_id": 1,
                "locale": "ru",
                "full_name": "Соболева Зинаида Викторовна",
                "created_at": now,
            }
        ]
        plan: list[tuple[int, str, str]] = []  # (school, role, category) per person after #0
        for school_id, people in zip(school_ids, people_per_school, strict=True):
            plan.append((school_id, "curator", ""))
            mentors = max(2, int(people * 0.3))
            for i in range(people):
                if i < mentors:
                    r = rng.random()
                    category = "teacher" if r < 0.7 else ("student" if r < 0.9 else "partner")
                    plan.append((school_id, "mentor", category))
                else:
                    r = rng.random()
                    category = "student" if r < 0.6 else ("young_teacher" if r < 0.8 else "teacher")
                    plan.append((school_id, "mentee", category))
        persons += [
            {"telegram_id": 10_000_000 + i, "locale": None, "full_name": name(), "created_at": now}
            for i in range(len(plan))
        ]
        person_ids = await _insert(s, Person, persons, ids=True)
        coordinator_id, person_ids = person_ids[0], person_ids[1:]
        memberships = [
            {
                "person_id": coordinator_id,
                "organization_id": municipality_ids[0],
                "role": "coordinator",
                "status": "active",
                "created_at": now,
                "status_changed_at": now,
            }
        ]
        mentor_rows, mentee_rows = [], []
        by_school: dict[int, dict[str, list[tuple[int, str]]]] = {
            sid: {"mentor": [], "mentee": []} for sid in school_ids
        }
        for person_id, (school_id, role, category) in zip(person_ids, plan, strict=True):
            memberships.append(
                {
                    "person_id": person_id,
                    "organization_id": school_id,
                    "role": role,
                    "status": "active",
                    "created_at": now,
                    "status_changed_at": now,
                }
            )
            if role == "mentor":
                by_school[school_id]["mentor"].append((person_id, category))
                mentor_rows.append(
                    {
                        "person_id": person_id,
                        "category": category,
                        "grade": 10 if category == "student" else None,
                        "birth_year": today.year - (16 if category == "student" else 45),
                        "workplace": school_names[school_id]
                        if category != "partner"
                        else "ООО «Донские технологии»",
                        "position": {"teacher": "учитель", "student": "обучающийся 10 класса"}.get(
                            category, "инженер"
                        ),
                        "subjects": "математика" if category == "teacher" else None,
                        "experience_years": rng.randint(5, 30) if category == "teacher" else None,
                        "competencies": rng.choice(COMPETENCIES),
                        "achievements": "победитель конкурса «Учитель года»"
                        if rng.random() < 0.2
                        else None,
                        "interests": "краеведение",
                        "desired_mentee_age": "любой",
                        "hours_per_month": rng.choice((4, 6, 8, 10)),
                        "max_mentees": rng.choice((2, 3, 4)),
                        "updated_at": now,
                    }
                )
            elif role == "mentee":
                by_school[school_id]["mentee"].append((person_id, category))
                mentee_rows.append(
                    {
                        "person_id": person_id,
                        "category": category,
                        "grade": rng.randint(5, 11) if category == "student" else None,
                        "birth_year": today.year
                        - (rng.randint(11, 17) if category == "student" else rng.randint(23, 40)),
                        "experience_years": rng.randint(0, 3)
                        if category == "young_teacher"
                        else (rng.randint(4, 20) if category == "teacher" else None),
                        "request": rng.choice(REQUESTS),
                        "difficulties": [],
                        "preferred_forms": [],
                        "updated_at": now,
                    }
                )
        await _insert(s, Membership, memberships)
        await _insert(s, MentorProfile, mentor_rows)
        await _insert(s, MenteeProfile, mentee_rows)
        counts["people"] = len(persons)

        # ---- programmes
        busy = [sid for sid in school_ids if sid != idle]
        per_school = _spread(size.programmes, len(busy), rng)
        programme_rows: list[dict[str, Any]] = []
        members_plan: list[list[tuple[int, str]]] = []
        for school_id, count in zip(busy, per_school, strict=True):
            mentors = by_school[school_id]["mentor"]
            mentees = by_school[school_id]["mentee"]
            if not mentors or not mentees:
                continue
            next_mentee = 0
            for n in range(count):
                mentor, mentor_category = mentors[n % len(mentors)]
                is_group = rng.random() < 0.15
                group = []
                for _ in range(rng.randint(2, 4) if is_group else 1):
                    group.append(mentees[next_mentee % len(mentees)])
                    next_mentee += 1
                mentee_category = group[0][1]
                if mentor_category == "partner":
                    form = "partner_teacher"
                elif mentor_category == "student":
                    form = "student_student"
                elif mentee_category == "student":
                    form = "teacher_student"
                else:
                    form = "head_teacher" if n % 11 == 0 else "teacher_teacher"
                starts = year_start + timedelta(days=rng.randint(-60, 150))
                closed = rng.random() < 0.2
                ended = (
                    min(starts + timedelta(days=rng.randint(60, 200)), today - timedelta(days=1))
                    if closed
                    else None
                )
                programme_rows.append(
                    {
                        "school_id": school_id,
                        "is_group": is_group,
                        "form_id": forms[form],
                        "kind_id": kinds["group" if is_group else "traditional"],
                        "status": "closed" if closed else "active",
                        "stage": "results" if closed else "implementation",
                        "starts_on": starts,
                        "planned_end_on": starts + timedelta(days=270),
                        "goals": "адаптация и профессиональный рост наставляемого",
                        "created_at": now,
                        "ended_on": ended,
                        "results": rng.choice(RESULTS) if closed else None,
                        "case_link": "https://example.org/case" if closed else None,
                        "completed": True if closed else None,
                        "closed_at": now if closed else None,
                        "version": 1,
                    }
                )
                members_plan.append([(mentor, "mentor"), *((p, "mentee") for p, _c in group)])
        programme_ids = await _insert(s, Programme, programme_rows, ids=True)
        member_rows = []
        plan_rows = []
        for programme_id, members, row in zip(
            programme_ids, members_plan, programme_rows, strict=True
        ):
            seen = set()
            for person_id, role in members:
                if person_id in seen:
                    continue
                seen.add(person_id)
                member_rows.append(
                    {
                        "programme_id": programme_id,
                        "person_id": person_id,
                        "role": role,
                        "response": "accepted",
                        "responded_at": now,
                    }
                )
            if rng.random() < 0.7:
                for step in range(3):
                    plan_rows.append(
                        {
                            "programme_id": programme_id,
                            "title": ("Диагностика", "Открытый урок", "Итоговая встреча")[step],
                            "due_on": row["starts_on"] + timedelta(days=30 * (step + 1)),
                            "status": "done" if step == 0 else "planned",
                            "created_at": now,
                        }
                    )
        await _insert(s, ProgrammeMember, member_rows)
        await _insert(s, PlanItem, plan_rows)
        counts["programmes"] = len(programme_ids)

        # ---- meetings, generated and inserted a chunk at a time: 150 000 rows held at
        # once would be most of the benchmark's memory
        mentees_by_programme: dict[int, list[int]] = {}
        for member in member_rows:
            if member["role"] == "mentee":
                mentees_by_programme.setdefault(member["programme_id"], []).append(
                    member["person_id"]
                )
        spans = []
        for programme_id, row in zip(programme_ids, programme_rows, strict=True):
            first = max(row["starts_on"], year_start)
            last = min(row["ended_on"] or today, today)
            # A few pairs have gone quiet: their last meeting is over a month ago.
            if rng.random() < 0.08:
                last = min(last, today - timedelta(days=rng.randint(35, 90)))
            if last >= first:
                spans.append((programme_id, first, (last - first).days))
        total = size.meetings if spans else 0
        counts["meetings"] = 0
        for chunk_start in range(0, total, CHUNK):
            meeting_rows = []
            for index in range(chunk_start, min(chunk_start + CHUNK, total)):
                programme_id, first, days = spans[index % len(spans)]
                held = first + timedelta(days=rng.randint(0, days))
                meeting_rows.append(
                    {
                        "programme_id": programme_id,
                        "held_on": held,
                        "format": "online" if rng.random() < 0.2 else "in_person",
                        "duration_minutes": rng.choice((30, 45, 60, 90)),
                        "activity": rng.choice(("consultation", "lesson_visit", "joint_planning")),
                        "topic": None,
                        "request_key": f"demo-{seed}-{index}",
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
            meeting_ids = await _insert(s, Meeting, meeting_rows, ids=True)
            await _insert(
                s,
                MeetingAttendee,
                [
                    {
                        "meeting_id": m,
                        "person_id": p,
                        "confirmation": "confirmed",
                        "answered_at": now,
                    }
                    for m, row in zip(meeting_ids, meeting_rows, strict=True)
                    for p in mentees_by_programme.get(row["programme_id"], [])
                ],
            )
            counts["meetings"] += len(meeting_ids)

        # ---- campaigns and answers
        deadlines = [date(year_start.year, 12, 20), date(year_start.year + 1, 5, 20)]
        campaign_rows = [
            {
                "municipality_id": m,
                "period": f"{d.year:04d}-{d.month:02d}",
                "opens_on": d - timedelta(days=14),
                "deadline": d,
                "created_at": now,
                "updated_at": now,
                "sealed_at": now if today > d else None,
            }
            for m in municipality_ids
            for d in deadlines
        ]
        campaign_ids = await _insert(s, Campaign, campaign_rows, ids=True)
        campaigns = {
            (row["municipality_id"], row["deadline"]): cid
            for cid, row in zip(campaign_ids, campaign_rows, strict=True)
        }
        municipality_of = {
            r_id: row["parent_id"] for r_id, row in zip(school_ids, school_rows, strict=True)
        }
        school_mood = {sid: rng.uniform(6.5, 9.3) for sid in school_ids}
        participations, responses = _answers(
            rng,
            deadlines,
            today,
            now,
            programme_ids,
            programme_rows,
            member_rows,
            campaigns,
            municipality_of,
            school_mood,
            shy,
            size.response_share,
        )
        await _insert(s, SurveyParticipation, participations)
        await _insert(s, SurveyResponse, responses)
        counts["responses"] = len(responses)
        counts["answers"] = sum(len(r["answers"]) for r in responses)

        # ---- denominators for /stats; the last busy school has not entered them
        stats_rows = []
        for school_id in (
            sid for sid in school_ids if len(school_ids) < 3 or sid != school_ids[-2]
        ):
            mentees = by_school[school_id]["mentee"]
            mentors = by_school[school_id]["mentor"]
            students = sum(1 for _p, c in mentees if c == "student")
            young = sum(1 for _p, c in mentees if c == "young_teacher")
            teachers = sum(1 for _p, c in mentors if c == "teacher") + young
            stats_rows.append(
                {
                    "school_id": school_id,
                    "academic_year": year,
                    "students_10_18": students * 6 + rng.randint(20, 80),
                    "students_15_18": students * 2 + rng.randint(10, 30),
                    "teachers": teachers * 3 + rng.randint(5, 15),
                    "young_teachers": young + rng.randint(0, 2),
                    "updated_by": None,
                    "updated_at": now,
                }
            )
        await _insert(s, SchoolStatistics, stats_rows)
    return DemoInfo(today, region_id, municipality_ids, school_ids, 1, counts)


def _answers(
    rng: random.Random,
    deadlines: list[date],
    today: date,
    now: datetime,
    programme_ids: list[int],
    programme_rows: list[dict[str, Any]],
    member_rows: list[dict[str, Any]],
    campaigns: dict[tuple[int, date], int],
    municipality_of: dict[int, int],
    school_mood: dict[int, float],
    shy: int | None,
    response_share: float,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Participations and responses of both campaigns, as storage/survey_answers writes
    them: no key between the two, responses with a random id and no link once sealed."""
    members: dict[int, list[tuple[int, str]]] = {}
    for member in member_rows:
        members.setdefault(member["programme_id"], []).append((member["person_id"], member["role"]))
    participations: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    for c_index, deadline in enumerate(deadlines):
        if deadline > today:
            continue
        opens = deadline - timedelta(days=14)
        lift = 0.3 * c_index  # the spring answers are a little happier than December's
        for programme_id, row in zip(programme_ids, programme_rows, strict=True):
            if row["starts_on"] > deadline or (row["ended_on"] and row["ended_on"] < opens):
                continue
            school_id = row["school_id"]
            campaign_id = campaigns[(municipality_of[school_id], deadline)]
            share = 0.3 if school_id == shy else response_share
            for person_id, role in members.get(programme_id, []):
                if rng.random() >= share:
                    continue
                key = f"monitoring_{role}"
                participations.append(
                    {
                        "scope_key": f"{key}:{campaign_id}:{person_id}:{programme_id}",
                        "questionnaire": key,
                        "campaign_id": campaign_id,
                        "person_id": person_id,
                        "programme_id": programme_id,
                        "school_id": school_id,
                        "submitted_at": now,
                        "late": False,
                    }
                )
                mood = school_mood[school_id] + lift + (0.3 if role == "mentor" else 0)

                def score(mood: float = mood) -> int:
                    return max(1, min(10, round(rng.gauss(mood, 1.2))))

                answers: dict[str, Any] = {
                    "effectiveness": score(),
                    "communication": score(),
                    "individual_meetings": score(),
                    "goals_clear": score(),
                    "expectations_met": score(),
                    "overall": score(),
                    "continue": "yes" if rng.random() < 0.9 else "no",
                }
                if role == "mentee":
                    answers["support"] = score()
                    answers["become_mentor"] = "yes" if rng.random() < 0.4 else "no"
                else:
                    answers["involvement"] = score()
                    answers["mentor_again"] = "yes" if rng.random() < 0.8 else "no"
                if rng.random() < 0.2:
                    answers["valuable"] = rng.choice(VALUABLE)
                responses.append(
                    {
                        "id": f"{rng.getrandbits(128):032x}",
                        "questionnaire": key,
                        "version": 1,
                        "campaign_id": campaign_id,
                        "school_id": school_id,
                        "respondent_role": role,
                        "form_id": row["form_id"],
                        "late": False,
                        "link": None,
                        "answers": answers,
                    }
                )
    rng.shuffle(responses)  # the order of rows says nothing about who answered
    return participations, responses


# ---- bulk building blocks, for tests that rebuild the seeds' figures ---------------------


async def national_form(session: AsyncSession, code: str) -> int:
    found = await session.scalar(
        select(CatalogueEntry.id).where(
            CatalogueEntry.kind == "form",
            CatalogueEntry.code == code,
            CatalogueEntry.municipality_id.is_(None),
        )
    )
    assert found is not None, code
    return found


async def add_people(
    session: AsyncSession,
    school_id: int,
    role: str,
    category: str,
    count: int,
    now: datetime,
    *,
    telegram_from: int,
    status: str = "active",
) -> list[int]:
    """`count` registered people with one role in the school and a profile of `category`."""
    rng = random.Random(telegram_from)
    name = _Names(rng)
    ids = await _insert(
        session,
        Person,
        [
            {"telegram_id": telegram_from + i, "full_name": name(), "created_at": now}
            for i in range(count)
        ],
        ids=True,
    )
    await _insert(
        session,
        Membership,
        [
            {
                "person_id": p,
                "organization_id": school_id,
                "role": role,
                "status": status,
                "created_at": now,
                "status_changed_at": now,
            }
            for p in ids
        ],
    )
    if role == "mentor":
        await _insert(
            session,
            MentorProfile,
            [
                {
                    "person_id": p,
                    "category": category,
                    "workplace": "школа",
                    "position": "учитель" if category == "teacher" else "обучающийся",
                    "competencies": rng.choice(COMPETENCIES),
                    "hours_per_month": 8,
                    "max_mentees": 5,
                    "updated_at": now,
                }
                for p in ids
            ],
        )
    elif role == "mentee":
        await _insert(
            session,
            MenteeProfile,
            [
                {
                    "person_id": p,
                    "category": category,
                    "birth_year": 2010 if category == "student" else 1998,
                    "request": rng.choice(REQUESTS),
                    "difficulties": [],
                    "preferred_forms": [],
                    "updated_at": now,
                }
                for p in ids
            ],
        )
    return ids


async def add_pairs(
    session: AsyncSession,
    school_id: int,
    form_id: int,
    pairs: Sequence[tuple[Sequence[int], Sequence[int]]],
    starts_on: date,
    now: datetime,
    *,
    status: str = "active",
    plan: bool = False,
) -> list[int]:
    """One programme per (mentors, mentees); a group when there are several mentees."""
    ids = await _insert(
        session,
        Programme,
        [
            {
                "school_id": school_id,
                "is_group": len(mentees) > 1,
                "form_id": form_id,
                "status": status,
                "stage": "implementation",
                "starts_on": starts_on,
                "planned_end_on": starts_on + timedelta(days=270),
                "goals": "цели",
                "created_at": now,
                "ended_on": starts_on + timedelta(days=120) if status == "closed" else None,
                "completed": True if status == "closed" else None,
                "version": 1,
            }
            for _mentors, mentees in pairs
        ],
        ids=True,
    )
    members = [
        {
            "programme_id": programme_id,
            "person_id": person_id,
            "role": role,
            "response": "accepted",
            "responded_at": now,
        }
        for programme_id, (mentors, mentees) in zip(ids, pairs, strict=True)
        for role, people in (("mentor", mentors), ("mentee", mentees))
        for person_id in people
    ]
    await _insert(session, ProgrammeMember, members)
    if plan:
        await _insert(
            session,
            PlanItem,
            [
                {
                    "programme_id": p,
                    "title": "Индивидуальный маршрут",
                    "status": "planned",
                    "created_at": now,
                }
                for p in ids
            ],
        )
    return ids
