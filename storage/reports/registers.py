"""Rows of the registers and lists in /export: mentors and mentees in the columns of the
official forms (seed 001, appendix 3, whose two titles are swapped there: the columns
starting with «Ф.И.О наставника» are the mentor register), pairs and groups, meetings.

Only people with an active role are listed (a minor awaiting the guardian's consent is
not); one row per person and programme, a person without a programme gets one row with
the programme's columns empty. Nothing here touches questionnaire answers; meetings are
listed without the mentees' ratings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.catalogue import CatalogueEntry
from storage.models.core import Person
from storage.models.enums import MembershipStatus, Role
from storage.models.meetings import Meeting, MeetingAttendee
from storage.models.orgs import Membership, Organization
from storage.models.profiles import MenteeProfile, MentorProfile
from storage.models.programmes import Programme, ProgrammeMember

MENTOR_COLUMNS = (
    "№ п/п",
    "Ф.И.О. наставника",
    "Место работы",
    "Основные компетенции наставника",
    "Важные для программы достижения наставника",
    "Интересы наставника",
    "Желаемый возраст наставляемых",
    "Ресурс времени на программу наставничества",
    "Дата вхождения в программу",
    "ФИО наставляемого (наставляемых)",
    "Форма наставничества",
    "Место работы наставляемого",
    "Дата завершения программы",
    "Результаты программы",
    "Ссылка на кейс/отзыв наставника",
)
MENTEE_COLUMNS = (
    "№ п/п",
    "ФИО наставляемого",
    "Год рождения наставляемого",
    "Основной запрос наставляемого",
    "Дата вхождения в программу",
    "ФИО наставника",
    "Форма наставничества",
    "Место работы наставника",
    "Дата завершения программы",
    "Результаты программы",
    "Ссылка на кейс/отзыв наставляемого",
    "Отметка о прохождении программы",
)
PROGRAMME_COLUMNS = (
    "№ п/п",
    "Образовательная организация",
    "Пара или группа",
    "Форма наставничества",
    "Ролевая модель",
    "Вид наставничества",
    "Наставник(и)",
    "Наставляемые",
    "Статус",
    "Дата начала",
    "Плановая дата завершения",
    "Фактическая дата завершения",
    "Встреч",
    "Последняя встреча",
)
MEETING_COLUMNS = (
    "№ п/п",
    "Образовательная организация",
    "Дата встречи",
    "Пара/группа №",
    "Наставник",
    "Наставляемые",
    "Формат",
    "Длительность, мин",
    "Вид работы",
    "Подтвердили наставляемые",
)
# Municipal and regional scope: one row per pair or group instead of one per meeting.
MEETING_SUMMARY_COLUMNS = (
    "№ п/п",
    "Образовательная организация",
    "Пара/группа №",
    "Пара или группа",
    "Наставник(и)",
    "Наставляемые",
    "Встреч",
    "Часов всего",
    "Первая встреча",
    "Последняя встреча",
    "Подтверждены",
    "Оспорены",
    "Не подтверждены",
    "Очно",
    "Дистанционно",
)
STATUS = {"active": "действует", "closed": "завершена", "proposed": "формируется"}
FORMAT = {"in_person": "очно", "online": "дистанционно"}
ACTIVITY = {
    "consultation": "консультация",
    "lesson_visit": "посещение урока",
    "mutual_visits": "взаимопосещение",
    "joint_planning": "совместное планирование",
    "master_class": "мастер-класс",
    "project": "проект",
    "competition": "конкурс",
    "other": "другое",
}


@dataclass(frozen=True)
class ProgrammeInfo:
    id: int
    school: str
    is_group: bool
    form: str
    role_model: str
    kind: str
    status: str
    starts_on: date
    planned_end_on: date
    ended_on: date | None
    results: str | None
    case_link: str | None
    completed: bool | None
    mentors: tuple[str, ...]
    mentees: tuple[str, ...]
    meetings: int
    last_meeting: date | None


async def programmes(session: AsyncSession, school_ids: frozenset[int]) -> list[ProgrammeInfo]:
    """Pairs and groups that run or ran (active and closed), by school and start."""
    if not school_ids:
        return []
    names = dict((await session.execute(select(CatalogueEntry.id, CatalogueEntry.name))).all())
    schools = dict(
        (
            await session.execute(
                select(Organization.id, Organization.name).where(Organization.id.in_(school_ids))
            )
        ).all()
    )
    # Plain columns, not Programme objects: a region has 10 000 of them.
    rows = (
        await session.execute(
            select(
                Programme.id,
                Programme.school_id,
                Programme.is_group,
                Programme.form_id,
                Programme.role_model_id,
                Programme.kind_id,
                Programme.status,
                Programme.starts_on,
                Programme.planned_end_on,
                Programme.ended_on,
                Programme.results,
                Programme.case_link,
                Programme.completed,
            )
            .where(Programme.school_id.in_(school_ids), Programme.status.in_(("active", "closed")))
            .order_by(Programme.school_id, Programme.starts_on, Programme.id)
        )
    ).all()
    ids = [p.id for p in rows]
    people: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"mentor": [], "mentee": []})
    meetings: dict[int, tuple[int, date | None]] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        members = await session.execute(
            select(ProgrammeMember.programme_id, ProgrammeMember.role, Person.full_name)
            .join(Person, Person.id == ProgrammeMember.person_id)
            .where(ProgrammeMember.programme_id.in_(chunk), ProgrammeMember.response == "accepted")
            .order_by(Person.full_name)
        )
        for programme_id, role, name in members:
            people[programme_id][role].append(name or "—")
        held = await session.execute(
            select(Meeting.programme_id, func.count(), func.max(Meeting.held_on))
            .where(Meeting.programme_id.in_(chunk), Meeting.deleted_at.is_(None))
            .group_by(Meeting.programme_id)
        )
        for programme_id, count, last in held:
            meetings[programme_id] = (count, last)
    return [
        ProgrammeInfo(
            id=p.id,
            school=schools.get(p.school_id, "?"),
            is_group=p.is_group,
            form=names.get(p.form_id, ""),
            role_model=names.get(p.role_model_id, "") if p.role_model_id else "",
            kind=names.get(p.kind_id, "") if p.kind_id else "",
            status=p.status,
            starts_on=p.starts_on,
            planned_end_on=p.planned_end_on,
            ended_on=p.ended_on,
            results=p.results,
            case_link=p.case_link,
            completed=p.completed,
            mentors=tuple(people[p.id]["mentor"]),
            mentees=tuple(people[p.id]["mentee"]),
            meetings=meetings.get(p.id, (0, None))[0],
            last_meeting=meetings.get(p.id, (0, None))[1],
        )
        for p in rows
    ]


async def _registered(
    session: AsyncSession, school_ids: frozenset[int], role: Role, columns: tuple
) -> list[tuple]:
    """(person id, name, *the profile columns asked for) of people with an active role,
    by school and name. Plain columns, not profile objects: a region has 20 000 of them."""
    profile = columns[0].class_
    rows = await session.execute(
        select(Person.id, Person.full_name, *columns)
        .join(Membership, Membership.person_id == Person.id)
        .join(Organization, Organization.id == Membership.organization_id)
        .join(profile, profile.person_id == Person.id)
        .where(
            Membership.organization_id.in_(school_ids),
            Membership.role == role.value,
            Membership.status == MembershipStatus.active.value,
            Person.full_name.is_not(None),
        )
        .order_by(Organization.name, Person.full_name, Person.id)
    )
    return [tuple(row) for row in rows]


async def _memberships(
    session: AsyncSession, school_ids: frozenset[int], role: Role
) -> dict[int, list[int]]:
    """{person: programme ids in the role}, programmes of the scope's schools only (the
    registers list no other): one query by school, not thousands of person ids."""
    found: dict[int, list[int]] = defaultdict(list)
    rows = await session.execute(
        select(ProgrammeMember.person_id, ProgrammeMember.programme_id)
        .join(Programme, Programme.id == ProgrammeMember.programme_id)
        .where(
            Programme.school_id.in_(school_ids),
            ProgrammeMember.role == role.value,
            ProgrammeMember.response == "accepted",
            Programme.status.in_(("active", "closed")),
        )
        .order_by(Programme.starts_on, Programme.id)
    )
    for person_id, programme_id in rows:
        found[person_id].append(programme_id)
    return found


def _mark(completed: bool | None, status: str) -> str:
    if status != "closed":
        return "в процессе"
    return "программа пройдена" if completed else "не завершена"


async def mentor_register(
    session: AsyncSession, school_ids: frozenset[int], by_id: dict[int, ProgrammeInfo]
) -> list[tuple]:
    people = await _registered(
        session,
        school_ids,
        Role.mentor,
        (
            MentorProfile.workplace,
            MentorProfile.competencies,
            MentorProfile.achievements,
            MentorProfile.interests,
            MentorProfile.desired_mentee_age,
            MentorProfile.hours_per_month,
        ),
    )
    joined = await _memberships(session, school_ids, Role.mentor)
    rows: list[tuple] = []
    for person_id, name, workplace, competencies, achievements, interests, age, hours in people:
        own = (
            workplace,
            competencies,
            achievements or "",
            interests or "",
            age or "",
            f"{hours} ч в месяц",
        )
        programmes_of = [by_id[i] for i in joined.get(person_id, []) if i in by_id]
        for programme in programmes_of or [None]:
            rows.append(
                (
                    len(rows) + 1,
                    name,
                    *own,
                    programme.starts_on if programme else None,
                    ", ".join(programme.mentees) if programme else "",
                    programme.form if programme else "",
                    programme.school if programme else "",
                    programme.ended_on if programme else None,
                    (programme.results or "") if programme else "",
                    (programme.case_link or "") if programme else "",
                )
            )
    return rows


async def mentee_register(
    session: AsyncSession,
    school_ids: frozenset[int],
    by_id: dict[int, ProgrammeInfo],
    mentor_workplaces: dict[str, str],
) -> list[tuple]:
    people = await _registered(
        session, school_ids, Role.mentee, (MenteeProfile.birth_year, MenteeProfile.request)
    )
    joined = await _memberships(session, school_ids, Role.mentee)
    rows: list[tuple] = []
    for person_id, name, birth_year, request in people:
        programmes_of = [by_id[i] for i in joined.get(person_id, []) if i in by_id]
        for programme in programmes_of or [None]:
            rows.append(
                (
                    len(rows) + 1,
                    name,
                    birth_year,
                    request,
                    programme.starts_on if programme else None,
                    ", ".join(programme.mentors) if programme else "",
                    programme.form if programme else "",
                    ", ".join(
                        dict.fromkeys(mentor_workplaces.get(m, "") for m in programme.mentors)
                    )
                    if programme
                    else "",
                    programme.ended_on if programme else None,
                    (programme.results or "") if programme else "",
                    (programme.case_link or "") if programme else "",
                    _mark(programme.completed, programme.status) if programme else "",
                )
            )
    return rows


async def mentor_workplaces(session: AsyncSession, school_ids: frozenset[int]) -> dict[str, str]:
    rows = await session.execute(
        select(Person.full_name, MentorProfile.workplace)
        .join(MentorProfile, MentorProfile.person_id == Person.id)
        .join(
            Membership,
            and_(Membership.person_id == Person.id, Membership.role == Role.mentor.value),
        )
        .where(Membership.organization_id.in_(school_ids), Person.full_name.is_not(None))
    )
    return {name: workplace for name, workplace in rows}


def programme_rows(found: list[ProgrammeInfo]) -> list[tuple]:
    return [
        (
            index,
            p.school,
            "группа" if p.is_group else "пара",
            p.form,
            p.role_model,
            p.kind,
            ", ".join(p.mentors),
            ", ".join(p.mentees),
            STATUS.get(p.status, p.status),
            p.starts_on,
            p.planned_end_on,
            p.ended_on,
            p.meetings,
            p.last_meeting,
        )
        for index, p in enumerate(found, 1)
    ]


def _confirmations():
    """Per meeting: attendees, how many confirmed, how many disputed."""
    return (
        select(
            MeetingAttendee.meeting_id.label("meeting_id"),
            func.count().label("total"),
            func.sum(case((MeetingAttendee.confirmation == "confirmed", 1), else_=0)).label("ok"),
            func.sum(case((MeetingAttendee.confirmation == "disputed", 1), else_=0)).label("no"),
        )
        .group_by(MeetingAttendee.meeting_id)
        .subquery()
    )


async def meeting_rows(
    session: AsyncSession, school_ids: frozenset[int], by_id: dict[int, ProgrammeInfo]
):
    """Meetings held (deleted logs left out), newest first, streamed in chunks."""
    confirmed = _confirmations()
    result = await session.stream(
        select(
            Meeting.id,
            Meeting.programme_id,
            Meeting.held_on,
            Meeting.format,
            Meeting.duration_minutes,
            Meeting.activity,
            confirmed.c.total,
            confirmed.c.ok,
        )
        .join(Programme, Programme.id == Meeting.programme_id)
        .outerjoin(confirmed, confirmed.c.meeting_id == Meeting.id)
        .where(Programme.school_id.in_(school_ids), Meeting.deleted_at.is_(None))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .execution_options(yield_per=5000)
    )
    index = 0
    async for chunk in result.partitions():
        for _id, programme_id, held, form, minutes, activity, total, ok in chunk:
            programme = by_id.get(programme_id)
            index += 1
            yield (
                index,
                programme.school if programme else "",
                held,
                programme_id,
                ", ".join(programme.mentors) if programme else "",
                ", ".join(programme.mentees) if programme else "",
                FORMAT.get(form, form),
                minutes,
                ACTIVITY.get(activity, activity),
                f"{ok or 0} из {total or 0}",
            )


async def meeting_summary_rows(
    session: AsyncSession, school_ids: frozenset[int], by_id: dict[int, ProgrammeInfo]
) -> list[tuple]:
    """One row per pair or group with meetings held (deleted logs left out): how many, the
    hours, the first and last date, how many the mentees confirmed (every attendee said
    yes), disputed (someone said no) or left unconfirmed, and how many in person or online.
    Aggregated in SQL: a region's 150 000 meetings become one row per programme."""
    if not school_ids:
        return []
    per = _confirmations()
    agreed = and_(per.c.total > 0, per.c.ok == per.c.total)
    disputed = per.c.no > 0
    rows = await session.execute(
        select(
            Meeting.programme_id,
            func.count(),
            func.sum(Meeting.duration_minutes),
            func.min(Meeting.held_on),
            func.max(Meeting.held_on),
            func.sum(case((disputed, 0), (agreed, 1), else_=0)),
            func.sum(case((disputed, 1), else_=0)),
            func.sum(case((Meeting.format == "in_person", 1), else_=0)),
            func.sum(case((Meeting.format == "online", 1), else_=0)),
        )
        .join(Programme, Programme.id == Meeting.programme_id)
        .outerjoin(per, per.c.meeting_id == Meeting.id)
        .where(Programme.school_id.in_(school_ids), Meeting.deleted_at.is_(None))
        .group_by(Meeting.programme_id, Programme.school_id)
        .order_by(Programme.school_id, Meeting.programme_id)
    )
    found = []
    for programme_id, count, minutes, first, last, ok, no, in_person, online in rows:
        programme = by_id.get(programme_id)
        found.append(
            (
                len(found) + 1,
                programme.school if programme else "",
                programme_id,
                ("группа" if programme.is_group else "пара") if programme else "",
                ", ".join(programme.mentors) if programme else "",
                ", ".join(programme.mentees) if programme else "",
                count,
                (Decimal(int(minutes or 0)) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP),
                _day(first),
                _day(last),
                int(ok or 0),
                int(no or 0),
                count - int(ok or 0) - int(no or 0),
                int(in_person or 0),
                int(online or 0),
            )
        )
    return found


def _day(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
