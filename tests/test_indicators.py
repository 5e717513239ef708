"""The key indicators rebuilt from data: the seeds' own figures to the last digit, the
rounding rule, missing denominators named and never zero, grouped response rates equal to
survey_aggregates.response_rate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from storage.campaigns.core import ensure_campaign
from storage.demo import add_pairs, add_people, national_form
from storage.models.enums import OrgLevel, SchoolKind
from storage.orgs.scope import create_organization
from storage.reports.indicators import build_summary
from storage.reports.period import (
    academic_year,
    median,
    share,
    shift_year,
    whole_percent,
    year_bounds,
)
from storage.reports.stats import save_denominators
from storage.reports.survey import MENTEE, MENTOR, Asked, questionnaire, response_rates_of
from storage.surveys.aggregates import response_rate

NOW = datetime(2021, 5, 25, 9, tzinfo=UTC)
TODAY = NOW.date()
STARTS = date(2020, 10, 1)


def test_rounding_rule_cuts_to_a_tenth_as_the_seeds_print() -> None:
    assert share(380, 1394) == Decimal("27.2")  # 27,259… — seed 000 prints 27,2 %
    assert share(694, 6793) == Decimal("10.2")
    assert share(205, 1660) == Decimal("12.3")
    assert share(67, 67) == Decimal("100.0")
    assert share(996, 10000) == Decimal("9.9")  # 9,96 % never reads as reaching 10 %
    assert share(9999, 10000) == Decimal("99.9")
    assert (whole_percent(694, 6793), whole_percent(205, 1660), whole_percent(899, 6793)) == (
        10,
        12,
        13,
    )
    assert share(5, None) is None and share(5, 0) is None and whole_percent(1, None) is None


def test_years_and_medians() -> None:
    assert academic_year(date(2026, 8, 31)) == "2025/2026"
    assert academic_year(date(2026, 9, 1)) == "2026/2027"
    assert year_bounds("2026/2027") == (date(2026, 9, 1), date(2027, 8, 31))
    assert shift_year("2026/2027", -1) == "2025/2026"
    assert median({0: 1, 3: 1, 10: 1}) == 3
    assert median({1: 2, 4: 2}) == Decimal("2.5")
    assert median({}) is None


async def municipality(database, schools: int) -> tuple[int, list[int]]:
    async with database.transaction() as s:
        region = await create_organization(s, level=OrgLevel.region, name="Ростовская", now=NOW)
        salsk = await create_organization(
            s, level=OrgLevel.municipality, name="Сальский район", parent_id=region.id, now=NOW
        )
        ids = []
        for n in range(schools):
            school = await create_organization(
                s,
                level=OrgLevel.school,
                name=f"МБОУ СОШ № {n + 1}",
                parent_id=salsk.id,
                school_kind=SchoolKind.school,
                now=NOW,
            )
            ids.append(school.id)
    return salsk.id, ids


def chunks(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


async def test_seed_004_salsk_figures(database) -> None:
    """694 of 6793 students as mentees (10 %), 205 of 1660 as mentors (12 %), 67 of 67
    young teachers (100 %); coverage 899 of 6793 (13 %)."""
    salsk, schools = await municipality(database, 4)
    telegram = 1_000_000
    async with database.transaction() as s:
        student_form = await national_form(s, "student_student")
        teacher_student = await national_form(s, "teacher_student")
        teacher_form = await national_form(s, "teacher_teacher")
        for school, mentees, mentors, young, d_10_18, d_15_18, d_young in zip(
            schools,
            chunks(694, 4),
            chunks(205, 4),
            chunks(67, 4),
            chunks(6793, 4),
            chunks(1660, 4),
            chunks(67, 4),
            strict=True,
        ):
            student_mentees = await add_people(
                s, school, "mentee", "student", mentees, NOW, telegram_from=telegram
            )
            telegram += mentees
            student_mentors = await add_people(
                s, school, "mentor", "student", mentors, NOW, telegram_from=telegram
            )
            telegram += mentors
            teachers = await add_people(
                s, school, "mentor", "teacher", 10, NOW, telegram_from=telegram
            )
            telegram += 10
            young_teachers = await add_people(
                s, school, "mentee", "young_teacher", young, NOW, telegram_from=telegram
            )
            telegram += young
            # Student mentors each take one mentee; the rest of the students are in teacher
            # groups of up to five; a mentee in two programmes still counts once.
            paired = list(zip(student_mentors, student_mentees, strict=False))
            await add_pairs(s, school, student_form, [([m], [e]) for m, e in paired], STARTS, NOW)
            rest = student_mentees[len(paired) :]
            groups = [
                ([teachers[i % len(teachers)]], rest[i : i + 5]) for i in range(0, len(rest), 5)
            ]
            await add_pairs(s, school, teacher_student, groups, STARTS, NOW)
            await add_pairs(
                s, school, teacher_student, [([teachers[0]], student_mentees[:3])], STARTS, NOW
            )
            await add_pairs(
                s,
                school,
                teacher_form,
                [([teachers[i % 10]], [y]) for i, y in enumerate(young_teachers)],
                STARTS,
                NOW,
                plan=True,
            )
            await save_denominators(
                s,
                school,
                "2020/2021",
                {
                    "students_10_18": d_10_18,
                    "students_15_18": d_15_18,
                    "teachers": 500,
                    "young_teachers": d_young,
                },
                None,
                NOW,
            )
        # Someone registered but in no programme is not counted; nor is a closed pair of
        # an earlier year.
        extra = await add_people(
            s, schools[0], "mentee", "student", 7, NOW, telegram_from=9_000_000
        )
        await add_pairs(
            s,
            schools[0],
            teacher_student,
            [([teachers[1]], extra[:2])],
            date(2019, 9, 1),
            NOW,
            status="closed",
        )
    async with database.reading() as s:
        summary = await build_summary(s, salsk, TODAY)
    assert summary is not None and summary.year == "2020/2021"
    by_code = {i.code: i for i in summary.indicators}
    assert (by_code["3"].numerator, by_code["3"].denominator, by_code["3"].percent) == (
        694,
        6793,
        Decimal("10.2"),
    )
    assert whole_percent(694, 6793) == 10
    assert (by_code["4"].numerator, by_code["4"].denominator, by_code["4"].percent) == (
        205,
        1660,
        Decimal("12.3"),
    )
    assert (by_code["5"].numerator, by_code["5"].denominator, by_code["5"].percent) == (
        67,
        67,
        Decimal("100.0"),
    )
    assert (by_code["7"].numerator, by_code["7"].percent) == (67, Decimal("100.0"))
    covered = by_code["3"].numerator + by_code["4"].numerator
    assert (covered, whole_percent(covered, 6793)) == (899, 13)
    assert (by_code["1"].numerator, by_code["1"].denominator, by_code["1"].percent) == (
        4,
        4,
        Decimal("100.0"),
    )
    assert by_code["3"].missing == () and summary.missing_denominators == []
    # The people counts are registrations (the 7 extra included), not programme members.
    assert summary.people[("mentee", "student")] == 701


async def test_seed_000_surgut_teachers(database) -> None:
    """380 of 1394 teachers covered by the target model = 27,2 % (seed 000)."""
    municipality_id, schools = await municipality(database, 2)
    async with database.transaction() as s:
        form = await national_form(s, "teacher_teacher")
        mentors = await add_people(
            s, schools[0], "mentor", "teacher", 150, NOW, telegram_from=2_000_000
        )
        mentees = await add_people(
            s, schools[0], "mentee", "teacher", 120, NOW, telegram_from=2_100_000
        )
        young = await add_people(
            s, schools[1], "mentee", "young_teacher", 60, NOW, telegram_from=2_200_000
        )
        other_mentors = await add_people(
            s, schools[1], "mentor", "teacher", 50, NOW, telegram_from=2_300_000
        )
        await add_pairs(
            s,
            schools[0],
            form,
            [([mentors[i]], [mentees[i % 120]]) for i in range(150)],
            STARTS,
            NOW,
        )
        await add_pairs(
            s,
            schools[1],
            form,
            [([other_mentors[i % 50]], [y]) for i, y in enumerate(young)],
            STARTS,
            NOW,
        )
        await save_denominators(s, schools[0], "2020/2021", {"teachers": 900}, None, NOW)
        await save_denominators(
            s, schools[1], "2020/2021", {"teachers": 494, "young_teachers": 60}, None, NOW
        )
    async with database.reading() as s:
        summary = await build_summary(s, municipality_id, TODAY)
    by_code = {i.code: i for i in summary.indicators}
    assert (by_code["6а"].numerator, by_code["6а"].denominator, by_code["6а"].percent) == (
        380,
        1394,
        Decimal("27.2"),
    )
    assert (by_code["6"].numerator, by_code["6"].percent) == (200, Decimal("14.3"))
    # Students: no school entered them, so the share is unknown, not 0 %.
    assert by_code["3"].denominator is None and by_code["3"].percent is None
    assert set(by_code["3"].missing) == {"МБОУ СОШ № 1", "МБОУ СОШ № 2"}
    # Young teachers: only school 2 entered the figure; school 1 is named, not zero.
    assert (by_code["5"].numerator, by_code["5"].denominator) == (60, 60)
    assert by_code["5"].missing == ("МБОУ СОШ № 1",)


async def test_grouped_response_rates_equal_survey_aggregates(database) -> None:
    municipality_id, schools = await municipality(database, 3)
    async with database.transaction() as s:
        form = await national_form(s, "teacher_teacher")
        for n, school in enumerate(schools):
            mentors = await add_people(
                s, school, "mentor", "teacher", 2 + n, NOW, telegram_from=3_000_000 + n * 100
            )
            mentees = await add_people(
                s, school, "mentee", "teacher", 4 + n, NOW, telegram_from=3_050_000 + n * 100
            )
            await add_pairs(
                s,
                school,
                form,
                [([mentors[i % len(mentors)]], [m]) for i, m in enumerate(mentees)],
                date(2026, 9, 1) - timedelta(days=30 * n),
                NOW,
            )
        campaign = await ensure_campaign(s, municipality_id, date(2026, 12, 1), NOW)
    async with database.reading() as s:
        rates = await response_rates_of(s, [Asked(municipality_id, tuple(schools), campaign)])
        for key in (MENTEE, MENTOR):
            grouped = rates[campaign.id][key]
            for school in schools:
                single = await response_rate(s, questionnaire(key), [school], campaign)
                assert grouped[school] == single
