"""The figures of /summary, /export, /chart and /report for a school, municipality or region.

`build_summary` gathers, for an academic year and the monitoring campaign shown:
people by role and category; pairs and groups active and closed, by form; meetings (total,
median per pair or group, pairs without a meeting in 30 days); response rates and the
satisfaction of mentees and mentors (only through storage/survey_aggregates, with its
anonymity threshold); the key indicators 1–7 of seed 001 §7.7 with their numerators and
denominators; the schools that lag; the change since the previous campaign.

Key indicators (numerators: distinct people in programmes of the year, storage/report_counts;
denominators: what curators enter with /stats for that academic year):
 1. schools with at least one programme of the year ÷ schools in scope;
 2. programmes of the year (a count);
 3. student mentees ÷ students aged 10–18;
 4. student mentors ÷ students aged 15–18 (mentors are 15–18; seed 004: 205 of 1660);
 5. young-teacher mentees ÷ young teachers (0–3 years);
 6. teacher mentors ÷ teachers; 6а teachers in programmes in either role ÷ teachers
    (the coverage of seed 000: 380 of 1394);
 7. young-teacher mentees whose programme has an individual calendar plan ÷ young teachers.
A share is computed over the schools that have entered its denominator, with the numerator
of the same schools; the others are named (`Indicator.missing`), never counted as zero.
When no school has it the share is None. Rounding: storage/report_period (cut to 0,1).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.enums import OrgLevel
from storage.reports.counts import (
    MeetingFigures,
    Numerators,
    form_names,
    meeting_figures,
    meetings_by_month,
    numerators,
    people_counts,
    programme_counts,
)
from storage.reports.period import academic_year, median, share, year_bounds
from storage.reports.scope import ReportScope, School, report_scope
from storage.reports.stats import Denominators, denominators
from storage.reports.survey import (
    AUDIENCES,
    Asked,
    CampaignFigures,
    Satisfied,
    campaign_pair,
    campaigns_figures,
)
from storage.surveys.aggregates import ResponseRate

LOW_RESPONSE = 50  # percent: a school below this in the campaign shown is named as lagging


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    title: str  # as in seed 001 §7.7 (documents are in Russian)
    numerator: str | None  # attribute of Numerators; None for indicator 1
    denominator: str | None  # attribute of Denominators; None: a count (indicator 2)
    target: Decimal | None  # planned value in percent, where the seeds give one


INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("1", "Доля ОО, реализующих систему наставничества", None, None, Decimal(100)),
    IndicatorSpec("2", "Количество программ наставничества", "programmes", None, None),
    IndicatorSpec(
        "3",
        "Доля обучающихся 10–18 лет, вошедших в программы наставничества в роли наставляемого",
        "student_mentees",
        "students_10_18",
        Decimal(10),  # seed 004: 10 % "соответствует запланированному показателю"
    ),
    IndicatorSpec(
        "4",
        "Доля обучающихся 15–18 лет, вошедших в программы наставничества в роли наставника",
        "student_mentors",
        "students_15_18",
        Decimal(10),
    ),
    IndicatorSpec(
        "5",
        "Доля учителей — молодых специалистов, вошедших в программы наставничества "
        "в роли наставляемого",
        "young_teacher_mentees",
        "young_teachers",
        Decimal(100),  # seed 004: 67 of 67
    ),
    IndicatorSpec(
        "6",
        "Доля учителей, вошедших в программы наставничества в роли наставников",
        "teacher_mentors",
        "teachers",
        None,
    ),
    IndicatorSpec(
        "6а",
        "Доля педагогов, охваченных целевой моделью наставничества (в любой роли)",
        "teachers_covered",
        "teachers",
        None,
    ),
    IndicatorSpec(
        "7",
        "Доля молодых педагогов, получивших адресную методическую поддержку "
        "в разработке и реализации индивидуальных образовательных маршрутов",
        "young_teachers_with_route",
        "young_teachers",
        Decimal(100),
    ),
)


@dataclass(frozen=True)
class Indicator:
    spec: IndicatorSpec
    numerator: int  # over the schools whose denominator is known (all of them for 1 and 2)
    denominator: int | None  # None: a count, or no school has entered it
    percent: Decimal | None
    missing: tuple[str, ...] = ()  # schools that have not entered the denominator
    numerator_all: int = 0  # over every school of the scope

    @property
    def code(self) -> str:
        return self.spec.code


def compute_indicators(
    schools: tuple[School, ...],
    nums: dict[int, Numerators],
    dens: dict[int, Denominators],
) -> list[Indicator]:
    result = []
    for spec in INDICATORS:
        if spec.code == "1":
            running = sum(1 for s in schools if nums.get(s.id, Numerators()).programmes > 0)
            result.append(
                Indicator(spec, running, len(schools), share(running, len(schools)), (), running)
            )
            continue
        assert spec.numerator is not None
        total = sum(getattr(nums.get(s.id, Numerators()), spec.numerator) for s in schools)
        if spec.denominator is None:
            result.append(Indicator(spec, total, None, None, (), total))
            continue
        known = [
            s for s in schools if dens.get(s.id, Denominators()).get(spec.denominator) is not None
        ]
        known_ids = {s.id for s in known}
        missing = tuple(s.name for s in schools if s.id not in known_ids)
        numerator = sum(getattr(nums.get(s.id, Numerators()), spec.numerator) for s in known)
        denominator = sum(dens[s.id].get(spec.denominator) or 0 for s in known) if known else None
        result.append(
            Indicator(spec, numerator, denominator, share(numerator, denominator), missing, total)
        )
    return result


async def indicators_for(session: AsyncSession, scope: ReportScope, year: str) -> list[Indicator]:
    start, end = year_bounds(year)
    nums = await numerators(session, scope.school_ids, start, end)
    dens = await denominators(session, scope.school_ids, year)
    return compute_indicators(scope.schools, nums, dens)


# ---- the summary ------------------------------------------------------------------------


@dataclass
class SchoolRow:
    school: School
    people: Counter[tuple[str, str]]
    active_pairs: int = 0
    active_groups: int = 0
    closed: int = 0
    meetings: MeetingFigures = field(default_factory=MeetingFigures)
    rates: dict[str, ResponseRate] = field(default_factory=dict)
    satisfaction: dict[str, Satisfied] = field(default_factory=dict)
    lagging: list[str] = field(default_factory=list)  # no_pairs | no_meetings | low_response
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def median(self) -> Decimal | None:
        return median(self.meetings.per_programme)


@dataclass(frozen=True)
class FormRow:
    form: str
    active_pairs: int
    active_groups: int
    closed_pairs: int
    closed_groups: int


@dataclass
class MunicipalitySurvey:
    municipality_id: int
    name: str
    current: CampaignFigures | None
    previous: CampaignFigures | None


@dataclass(frozen=True)
class Change:
    """The change since the previous campaign: satisfaction and response in points."""

    key: str
    satisfaction_now: Decimal | None
    satisfaction_before: Decimal | None
    response_now: Decimal | None
    response_before: Decimal | None

    @staticmethod
    def _delta(now: Decimal | None, before: Decimal | None) -> Decimal | None:
        return None if now is None or before is None else now - before

    @property
    def satisfaction_delta(self) -> Decimal | None:
        return self._delta(self.satisfaction_now, self.satisfaction_before)

    @property
    def response_delta(self) -> Decimal | None:
        return self._delta(self.response_now, self.response_before)


@dataclass(frozen=True)
class Coverage:
    """What a satisfaction figure of the scope rests on, so a reader is told when it covers
    only part of it. The units are the school itself, the municipality itself, or a
    region's municipalities (those with schools); each unit is counted under one reason.
    Only counts of units, never a figure that is not shown."""

    units: int
    shown: int = 0  # pooled into the figure
    too_few: int = 0  # results ready, fewer than k respondents
    hidden: int = 0  # a school's cell suppressed so that other schools cannot be worked out
    pending: int = 0  # the campaign's results are not ready yet
    no_campaign: int = 0
    respondents: int = 0  # of the units with too few: how many answered (one unit: its count)
    k: int = 3

    @property
    def partial(self) -> bool:
        return 0 < self.shown < self.units


def coverage_of(
    figures: list[CampaignFigures | None],
    key: str,
    k: int,
    cell: Callable[[CampaignFigures], Satisfied | None] | None = None,
) -> Coverage:
    """The coverage of `key` over one campaign per unit (None: no campaign opened there).
    `cell` picks the unit's figure from its campaign; by default the municipal total."""
    counts = Counter[str]()
    respondents = 0
    for found in figures:
        if found is None:
            counts["no_campaign"] += 1
            continue
        if not found.ready:
            counts["pending"] += 1
            continue
        sat = cell(found) if cell is not None else found.total.get(key)
        if sat is not None and sat.percent is not None:
            counts["shown"] += 1
        elif sat is not None and sat.hidden:
            counts["hidden"] += 1
        else:
            counts["too_few"] += 1
            respondents += sat.respondents if sat is not None else 0
            k = max(k, sat.k) if sat is not None else k
    return Coverage(units=len(figures), respondents=respondents, k=k, **counts)


@dataclass
class Summary:
    scope: ReportScope
    year: str
    today: date
    people: Counter[tuple[str, str]]
    forms: list[FormRow]
    meetings_total: int
    meetings_median: Decimal | None
    stale_pairs: int
    programmes_total: int
    indicators: list[Indicator]
    schools: list[SchoolRow]
    surveys: list[MunicipalitySurvey]
    rates: dict[str, ResponseRate]  # current campaigns, whole scope
    satisfaction: dict[str, Decimal | None]  # whole scope; None: not shown
    satisfaction_respondents: dict[str, int]
    coverage: dict[str, Coverage]  # what each satisfaction figure covers
    formula: str | None  # mean | share8 | None when none is known or municipalities differ
    formulas_differ: bool  # municipalities count satisfaction differently: no pooled figure
    changes: list[Change]
    months: dict[tuple[int, int], int]
    k: int = 3

    @property
    def lagging(self) -> list[SchoolRow]:
        return [row for row in self.schools if row.lagging]

    @property
    def missing_denominators(self) -> list[str]:
        names: dict[str, None] = {}
        for indicator in self.indicators:
            names.update(dict.fromkeys(indicator.missing))
        return list(names)


def rate_percent(rate: ResponseRate | None) -> Decimal | None:
    if rate is None or not rate.expected:
        return None
    return Decimal(str(rate.percent))


def _pooled(values: list[Satisfied]) -> tuple[Decimal | None, int]:
    """Municipal totals pooled for a region: weighted by respondents, half up to 0,1."""
    shown = [v for v in values if v.percent is not None]
    respondents = sum(v.respondents for v in shown)
    if not shown or not respondents:
        return None, sum(v.respondents for v in values)
    weighted = sum(Decimal(str(v.percent)) * v.respondents for v in shown) / respondents
    return weighted.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), respondents


async def build_summary(
    session: AsyncSession, org_id: int, today: date, year: str | None = None
) -> Summary | None:
    scope = await report_scope(session, org_id)
    if scope is None:
        return None
    year = year or academic_year(today)
    start, end = year_bounds(year)
    ids = scope.school_ids
    people = await people_counts(session, ids)
    programmes = await programme_counts(session, ids, start, end)
    meetings = await meeting_figures(session, ids, start, end, today)
    nums = await numerators(session, ids, start, end)
    dens = await denominators(session, ids, year)
    months = await meetings_by_month(session, ids, start, end)

    rows = {s.id: SchoolRow(s, people.get(s.id, Counter())) for s in scope.schools}
    by_form: dict[int, list[int]] = {}
    for p in programmes:
        row = rows[p.school_id]
        if p.status == "active":
            if p.is_group:
                row.active_groups += p.count
            else:
                row.active_pairs += p.count
        else:
            row.closed += p.count
        cells = by_form.setdefault(p.form_id, [0, 0, 0, 0])
        cells[(0 if p.status == "active" else 2) + (1 if p.is_group else 0)] += p.count
    names = await form_names(session, set(by_form))
    forms = sorted(
        (FormRow(names.get(f, "?"), *cells) for f, cells in by_form.items()), key=lambda r: r.form
    )
    for school_id, figures in meetings.items():
        rows[school_id].meetings = figures
    for row in rows.values():
        row.indicators = compute_indicators((row.school,), nums, dens)

    surveys: list[MunicipalitySurvey] = []
    k = 3
    asked: list[tuple[int, str, Asked | None, Asked | None]] = []
    for municipality_id, name in scope.municipalities:
        members = tuple(s.id for s in scope.schools_of(municipality_id))
        if not members:
            continue
        current, previous = await campaign_pair(session, municipality_id, today)
        asked.append(
            (
                municipality_id,
                name,
                Asked(municipality_id, members, current) if current is not None else None,
                Asked(municipality_id, members, previous) if previous is not None else None,
            )
        )
    figures = await campaigns_figures(
        session, [a for _m, _n, *pair in asked for a in pair if a is not None], today
    )
    for municipality_id, name, current_asked, previous_asked in asked:
        now_figures = figures[current_asked.campaign.id] if current_asked else None
        before = figures[previous_asked.campaign.id] if previous_asked else None
        surveys.append(MunicipalitySurvey(municipality_id, name, now_figures, before))
        if now_figures is not None:
            for key in AUDIENCES:
                for school_id, rate in now_figures.rates.get(key, {}).items():
                    rows[school_id].rates[key] = rate
                for school_id, sat in now_figures.schools.get(key, {}).items():
                    rows[school_id].satisfaction[key] = sat
                total = now_figures.total.get(key)
                if total is not None:
                    k = max(k, total.k)

    rates: dict[str, ResponseRate] = {}
    satisfaction: dict[str, Decimal | None] = {}
    respondents: dict[str, int] = {}
    changes: list[Change] = []
    formulas = {
        t.formula
        for m in surveys
        if m.current is not None
        for t in m.current.total.values()
        if t.formula
    }
    single = scope.level == OrgLevel.school

    def shown(figures: CampaignFigures | None, key: str) -> list[Satisfied]:
        """A school's cell of its municipal breakdown, or the municipal total."""
        if figures is None:
            return []
        if single:
            cell = figures.schools.get(key, {}).get(scope.org_id)
            return [cell] if cell is not None else []
        return [figures.total[key]] if key in figures.total else []

    def covered(figures: CampaignFigures | None, key: str) -> bool:
        return any(s.percent is not None for s in shown(figures, key))

    coverage: dict[str, Coverage] = {}
    for key in AUDIENCES:
        rates[key] = _sum_rates(m.current for m in surveys)(key)
        before_rate = _sum_rates(m.previous for m in surveys)(key)
        coverage[key] = coverage_of(
            [m.current for m in surveys],
            key,
            k,
            (lambda f, key=key: f.schools.get(key, {}).get(scope.org_id)) if single else None,
        )
        if len(formulas) <= 1:
            satisfaction[key], respondents[key] = _pooled(
                [s for m in surveys for s in shown(m.current, key)]
            )
            before_sat, _n = _pooled([s for m in surveys for s in shown(m.previous, key)])
            # A change is a change of the same municipalities, not of who reached k.
            if [covered(m.current, key) for m in surveys] != [
                covered(m.previous, key) for m in surveys
            ]:
                before_sat = None
        else:
            satisfaction[key], respondents[key], before_sat = None, 0, None
        changes.append(
            Change(
                key,
                satisfaction[key],
                before_sat,
                rate_percent(rates[key]),
                rate_percent(before_rate),
            )
        )

    for row in rows.values():
        active = row.active_pairs + row.active_groups
        if active == 0:
            row.lagging.append("no_pairs")
        elif row.meetings.recent == 0:
            row.lagging.append("no_meetings")
        low = [r for r in row.rates.values() if r.expected and (r.percent or 0) < LOW_RESPONSE]
        if low:
            row.lagging.append("low_response")

    histogram: Counter[int] = Counter()
    for figures in meetings.values():
        histogram.update(figures.per_programme)
    return Summary(
        scope=scope,
        year=year,
        today=today,
        people=sum((r.people for r in rows.values()), Counter()),
        forms=forms,
        meetings_total=sum(f.total for f in meetings.values()),
        meetings_median=median(dict(histogram)),
        stale_pairs=sum(f.stale for f in meetings.values()),
        programmes_total=sum(p.count for p in programmes),
        indicators=compute_indicators(scope.schools, nums, dens),
        schools=[rows[s.id] for s in scope.schools],
        surveys=surveys,
        rates=rates,
        satisfaction=satisfaction,
        satisfaction_respondents=respondents,
        coverage=coverage,
        formulas_differ=len(formulas) > 1,
        formula=formulas.pop() if len(formulas) == 1 else None,
        changes=changes,
        months=months,
        k=k,
    )


def _sum_rates(figures):
    figures = [f for f in figures if f is not None]

    def total(key: str) -> ResponseRate:
        answered = expected = 0
        for f in figures:
            for rate in f.rates.get(key, {}).values():
                answered += rate.answered
                expected += rate.expected
        return ResponseRate(answered, expected)

    return total
