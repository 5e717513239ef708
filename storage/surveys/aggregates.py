"""Anonymous aggregates of questionnaire answers: the only way answers are ever read back.

Nothing here returns one response. Every figure is computed over at least k respondents
(the municipality's `min_respondents`, never below 3); below k the caller gets the count
and `enough == False`, never the numbers. The rules, for reports and screens alike:

- a whole aggregate needs k respondents; each question needs k respondents who answered
  it (an optional question answered by one person of five would be that person's answer);
- free-text answers come as a list only when at least k respondents wrote one, in a random
  order, and never per school, pair or form;
- satisfaction needs k respondents who answered a satisfaction item; the formula's text
  travels with the figure (`Satisfaction.formula_text`);
- breakdowns (by school or form) show a group only where that group alone reaches k, and
  suppress complementary cells: when the total is shown, the hidden groups together must
  also reach k (or be empty), otherwise the total minus the shown groups would give the
  hidden ones' figures. More shown groups are hidden, smallest first, until that holds;
  the same rule runs again per question over the respondents who answered it;
- a school's own view is its cell of the municipal breakdown (`school_aggregate`), so a
  curator's figures and the coordinator's total never differ by fewer than k people; a
  report over several levels must likewise take the lower levels from the breakdown of
  the highest level it shows;
- responses carry no time, so entry and exit questionnaires (no campaign) are aggregated
  over all time for the scope; a date range is impossible by design.

Questions are matched by key across versions of a questionnaire: a version that changes a
question's meaning must give it a new key.

Late answers (after the deadline) are left out of every figure: the figures shown once the
deadline has passed never change again, so comparing two looks cannot isolate a late answer.

A campaign whose figures were published (storage/surveys/cells.py, storage/surveys/publish.py)
is read from its published cells, not from the answers: a campaign reopened after its figures
were seen keeps them until a school's answers move by at least k people.

When to show a campaign's results is `results_ready`: after the deadline or once the
campaign is closed. While answers still arrive or can still be changed, two looks a day
apart would differ by one person's answers, so only response counts are shown then.

API (the reports issue builds on these):
    scope = await municipality_scope(session, municipality_id)   # or school_scope, or
    scope = await schools_scope(session, {id1, id2})             # the strictest k of them
    total = await aggregate(session, questionnaire, scope, campaign_id=c.id)  # a top level
    split = await breakdown(session, questionnaire, scope, campaign_id=c.id, by="school")
    mine = await school_aggregate(session, questionnaire, school_id, campaign_id=c.id)
    rate = await response_rate(session, questionnaire, scope.school_ids, c)
    results_ready(c, today)                                       # figures may be shown
    summarise(questionnaire, answers, k, formula), split(...)     # pure, for tests
`aggregate` over one school ignores its neighbours: use `school_aggregate` for a school
whose municipality's total is shown anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any, Literal

from sqlalchemy import and_, case, func, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.campaigns.core import municipality_of, rules_for
from storage.json_sql import json_field, json_items, python_value
from storage.models.enums import MembershipStatus, Role
from storage.models.orgs import Membership
from storage.models.programmes import Programme, ProgrammeMember
from storage.models.surveys import Campaign, SurveyParticipation, SurveyResponse
from storage.orgs.scope import descendants
from storage.surveys.aggregates_core import (
    FORMULA_TEXTS,
    Aggregate,
    Breakdown,
    Counted,
    Group,
    QuestionResult,
    ResponseRate,
    Satisfaction,
    Scope,
    _scale,
    complementary,
    formula_text,
    shuffle,
    split,
    split_counted,
    summarise,
    summarise_counted,
)
from storage.surveys.cells import published_campaigns, published_counts
from storage.surveys.questionnaires.model import Audience, Kind, Questionnaire

__all__ = [
    "FORMULA_TEXTS",
    "Aggregate",
    "Breakdown",
    "Group",
    "QuestionResult",
    "ResponseRate",
    "Satisfaction",
    "Scope",
    "aggregate",
    "breakdown",
    "complementary",
    "formula_text",
    "municipality_scope",
    "response_rate",
    "results_ready",
    "school_aggregate",
    "school_breakdowns",
    "school_scope",
    "schools_scope",
    "split",
    "summarise",
]


# ---- scopes -----------------------------------------------------------------------------


async def school_scope(session: AsyncSession, school_id: int) -> Scope:
    return await schools_scope(session, {school_id})


async def municipality_scope(session: AsyncSession, municipality_id: int) -> Scope:
    below = await descendants(session, {municipality_id})
    return await schools_scope(session, below, municipalities={municipality_id})


async def schools_scope(
    session: AsyncSession, school_ids: Iterable[int], municipalities: set[int] | None = None
) -> Scope:
    """The strictest k of the schools' municipalities; their formula if they agree, else mean."""
    ids = frozenset(school_ids)
    if municipalities is None:
        municipalities = {m for s in ids if (m := await municipality_of(session, s)) is not None}
    rules = [await rules_for(session, m) for m in sorted(municipalities)]
    k = max((r.min_respondents for r in rules), default=3)
    formulas = {r.satisfaction_formula for r in rules}
    formula = formulas.pop() if len(formulas) == 1 else "mean"
    return Scope(ids, max(k, 3), formula)


def results_ready(campaign: Campaign, today: date) -> bool:
    """A campaign's figures are shown once its answers can no longer change."""
    return campaign.closed_at is not None or today > campaign.deadline


# ---- reading answers (private: raw answers never leave this module) --------------------


async def _rows(
    session: AsyncSession,
    questionnaire: Questionnaire,
    scope: Scope,
    campaign_id: int | None,
) -> list[tuple[int, int | None, dict]]:
    if not scope.school_ids:
        return []
    query = select(SurveyResponse.school_id, SurveyResponse.form_id, SurveyResponse.answers).where(
        SurveyResponse.questionnaire == questionnaire.key,
        SurveyResponse.respondent_role == questionnaire.audience.value,
        SurveyResponse.school_id.in_(scope.school_ids),
        SurveyResponse.campaign_id == campaign_id
        if campaign_id is not None
        else SurveyResponse.campaign_id.is_(None),
        # Figures are those of the answers given by the deadline. A late answer changes no
        # figure anyone has seen (two looks apart would otherwise give away that one answer);
        # it counts in the response rate, which comes from participations.
        SurveyResponse.late.is_(False),
    )
    rows = [(school, form, answers or {}) for school, form, answers in await session.execute(query)]
    shuffle(rows)
    return rows


def _filters(questionnaire: Questionnaire, scope: Scope, campaign_id: int | None) -> tuple:
    return (
        SurveyResponse.questionnaire == questionnaire.key,
        SurveyResponse.respondent_role == questionnaire.audience.value,
        SurveyResponse.school_id.in_(scope.school_ids),
        SurveyResponse.campaign_id == campaign_id
        if campaign_id is not None
        else SurveyResponse.campaign_id.is_(None),
        SurveyResponse.late.is_(False),  # as in _rows: late answers change no figure
    )


async def _published(
    session: AsyncSession, questionnaire: Questionnaire, scope: Scope, campaign_id: int | None
) -> dict[int, Counted] | None:
    """The campaign's published cells of the scope's schools; None when it has none (its
    figures come from the answers then)."""
    if campaign_id is None or not await published_campaigns(session, [campaign_id]):
        return None
    found = await published_counts(session, questionnaire.key, [campaign_id], scope.school_ids)
    return found[campaign_id]


async def live_counts(
    session: AsyncSession, questionnaire: Questionnaire, scope: Scope, campaign_id: int
) -> dict[int, Counted]:
    """The campaign's answers counted per school, for publishing them (survey_publish)."""
    return await _counted(session, questionnaire, scope, campaign_id, "school")


def _pooled(cells: Iterable[Counted]) -> Counted:
    pooled = Counted()
    for cell in cells:
        pooled.add(cell)
    return pooled


async def _counted(
    session: AsyncSession,
    questionnaire: Questionnaire,
    scope: Scope,
    campaign_id: int | None,
    by: Literal["school", "form"],
) -> dict[Any, Counted]:
    """Per school (or form) of one scope and campaign: see `_tally`."""
    if not scope.school_ids:
        return {}
    group = SurveyResponse.school_id if by == "school" else SurveyResponse.form_id
    where = _filters(questionnaire, scope, campaign_id)
    found, values = await _tally(session, questionnaire, where, (group,), (group,))
    for g, counted in found.items():
        counted.values = values.get(g, {})
    return {g[0]: counted for g, counted in found.items()}


async def _tally(
    session: AsyncSession,
    questionnaire: Questionnaire,
    where: tuple,
    by: tuple,
    values_by: tuple | None,
) -> tuple[dict[tuple, Counted], dict[tuple, dict[str, list[tuple[Any, int]]]]]:
    """Per group (the columns `by`): respondents and the exact satisfaction mean of each
    respondent; per group of `values_by` (the same columns, or fewer for totals only; None:
    not counted): (value, how many) per question. All from grouped SQL: no answer is read
    one by one except the rare satisfaction answer stored as a string, not a number."""
    dialect = session.get_bind().dialect.name
    found: dict[tuple, Counted] = {}
    values: dict[tuple, dict[str, list[tuple[Any, int]]]] = {}
    sat = [q.key for q in questionnaire.questions if q.satisfaction and q.kind == Kind.scale]
    fields = [json_field(SurveyResponse.answers, key, dialect) for key in sat]
    width = len(by)
    odd = or_(*(func.coalesce(f.type, "null") == "text" for f in fields)) if fields else None
    if not fields:
        for row in await session.execute(select(*by, func.count()).where(*where).group_by(*by)):
            found[tuple(row[:width])] = Counted(respondents=int(row[width]))
    else:
        # Each respondent's satisfaction items side by side, each read from the JSON once
        # (the CTE is materialised so the database does not inline it back): how many hold
        # a number 1–10 and their sum give the respondent's own mean exactly. Respondents,
        # scores and the flag for items stored as strings come from this one pass.
        read = (
            select(
                *(c.label(f"g{i}") for i, c in enumerate(by)),
                *(f.integer.label(f"v{i}") for i, f in enumerate(fields)),
                case((odd, 1), else_=0).label("odd"),
            )
            .where(*where)
            .cte("satisfaction_items")
            .prefix_with("MATERIALIZED")
        )
        items = [read.c[f"v{i}"] for i in range(len(fields))]
        valid = [and_(v >= 1, v <= 10) for v in items]
        n = sum((case((ok, 1), else_=0) for ok in valid), literal(0))
        total = sum(
            (case((ok, v), else_=0) for ok, v in zip(valid, items, strict=True)), literal(0)
        )
        groups = [read.c[f"g{i}"] for i in range(width)]
        has_odd = False
        rows = await session.execute(
            select(*groups, n, total, read.c.odd, func.count()).group_by(
                *groups, n, total, read.c.odd
            )
        )
        for row in rows:
            g, (scored, summed, flagged, count) = tuple(row[:width]), row[width:]
            counted = found.setdefault(g, Counted())
            counted.respondents += int(count)
            if flagged:
                has_odd = True
            elif scored:
                counted.scores[(int(summed), int(scored))] += int(count)
        if has_odd:
            # A respondent with an item stored as a string (never written by the bot) is
            # read item by item and judged like `_scale`.
            strings = await session.execute(
                select(*by, *(c for f in fields for c in (f.type, f.text))).where(*where, odd)
            )
            for row in strings:
                g, raw = tuple(row[:width]), row[width:]
                scored_items = [
                    v
                    for kind, text in zip(raw[::2], raw[1::2], strict=True)
                    if (v := _scale(python_value(kind, text))) is not None
                ]
                if scored_items:
                    found[g].scores[(sum(scored_items), len(scored_items))] += 1
    if not found or values_by is None:
        return found, values
    items_of = json_items(SurveyResponse.answers, dialect)
    keys = [q.key for q in questionnaire.questions]
    counted_values = await session.execute(
        select(*values_by, items_of.key, items_of.type, items_of.text, func.count())
        .select_from(SurveyResponse)
        .join(items_of.table, true())
        .where(*where, items_of.key.in_(keys))
        .group_by(*values_by, items_of.key, items_of.type, items_of.text)
    )
    for *g, key, kind, text, count in counted_values:
        values.setdefault(tuple(g), {}).setdefault(key, []).append(
            (python_value(kind, text), int(count))
        )
    return found, values


# ---- the API ----------------------------------------------------------------------------


async def aggregate(
    session: AsyncSession,
    questionnaire: Questionnaire,
    scope: Scope,
    *,
    campaign_id: int | None,
) -> Aggregate:
    """Answers of the questionnaire's audience in the scope's schools, in one campaign
    (campaign_id None: entry and exit questionnaires, which belong to no campaign)."""
    cells = await _published(session, questionnaire, scope, campaign_id)
    if cells is not None:
        return summarise_counted(questionnaire, _pooled(cells.values()), scope.k, scope.formula)
    rows = await _rows(session, questionnaire, scope, campaign_id)
    return summarise(questionnaire, [answers for *_, answers in rows], scope.k, scope.formula)


async def breakdown(
    session: AsyncSession,
    questionnaire: Questionnaire,
    scope: Scope,
    *,
    campaign_id: int | None,
    by: Literal["school", "form"] = "school",
) -> Breakdown:
    """The total plus one group per school (or form) of the scope that has answers; a school
    without answers is simply absent. Free text appears in the total only. Counted in SQL
    (per group: respondents, each value given per question, each respondent's satisfaction
    mean), then summarised and suppressed exactly as `split` does over the answers.
    A published campaign is broken down by school only: its cells are per school, and a
    breakdown by form of published cells could differ by one person's change."""
    cells = await _published(session, questionnaire, scope, campaign_id)
    if cells is not None:
        if by != "school":
            raise ValueError("a published campaign's figures are broken down by school only")
        return split_counted(questionnaire, cells, scope.k, scope.formula)
    grouped = await _counted(session, questionnaire, scope, campaign_id, by)
    return split_counted(questionnaire, grouped, scope.k, scope.formula)


# Up to this many campaigns (a municipality's report asks for two) their answers are
# found through the campaign index; more are read in one pass over the table.
INDEXED_CAMPAIGNS = 4


async def school_breakdowns(
    session: AsyncSession,
    questionnaire: Questionnaire,
    scopes: Mapping[int, Scope],
    *,
    questions: bool = True,
) -> dict[int, Breakdown]:
    """`breakdown` by school for many campaigns at once (campaign id → its scope, usually
    its municipality's), in four queries whatever their number: a region's report needs
    two campaigns of every municipality. The totals are whole; the schools carry their
    respondents and satisfaction, exactly as in `breakdown`, but no per-question figures
    (the reports show a school's satisfaction and the municipal questions). With
    `questions=False` the totals carry none either: one pass over the answers, no JSON
    unnesting, for a summary that shows satisfaction and response only. Published
    campaigns come from their cells, the others from the answers."""
    published = await published_campaigns(session, scopes)
    by_scope: dict[Scope, list[int]] = {}
    for campaign_id, scope in scopes.items():
        if scope.school_ids and campaign_id not in published:
            by_scope.setdefault(scope, []).append(campaign_id)
    found: dict[tuple, Counted] = {}
    values: dict[tuple, dict[str, list[tuple[Any, int]]]] = {}
    if by_scope:
        campaign_of, school_of = SurveyResponse.campaign_id, SurveyResponse.school_id
        if sum(len(campaigns) for campaigns in by_scope.values()) > INDEXED_CAMPAIGNS:
            # Many campaigns (a region's report) cover most answers: one pass over the
            # table beats looking each answer up through the campaign or school index, and
            # SQLite, without statistics, would do the latter; `+ 0` keeps it off them.
            campaign_of, school_of = campaign_of + 0, school_of + 0
        where = (
            SurveyResponse.questionnaire == questionnaire.key,
            SurveyResponse.respondent_role == questionnaire.audience.value,
            SurveyResponse.late.is_(False),  # as in _rows: late answers change no figure
            or_(
                *(
                    and_(campaign_of.in_(campaigns), school_of.in_(scope.school_ids))
                    for scope, campaigns in by_scope.items()
                )
            ),
        )
        campaign, school = SurveyResponse.campaign_id, SurveyResponse.school_id
        found, values = await _tally(
            session, questionnaire, where, (campaign, school), (campaign,) if questions else None
        )
    grouped: dict[int, dict[int, Counted]] = {campaign_id: {} for campaign_id in scopes}
    for (campaign_id, school_id), counted in found.items():
        grouped[campaign_id][school_id] = counted
    cells = await published_counts(session, questionnaire.key, published)
    for campaign_id, by_school in cells.items():
        school_ids = scopes[campaign_id].school_ids
        grouped[campaign_id] = {s: c for s, c in by_school.items() if s in school_ids}
        if questions:
            values[(campaign_id,)] = _pooled(grouped[campaign_id].values()).values
    return {
        campaign_id: split_counted(
            questionnaire,
            grouped[campaign_id],
            scope.k,
            scope.formula,
            total_values=values.get((campaign_id,), {}),
            questions=questions,
        )
        for campaign_id, scope in scopes.items()
    }


async def school_aggregate(
    session: AsyncSession,
    questionnaire: Questionnaire,
    school_id: int,
    *,
    campaign_id: int | None,
) -> Aggregate:
    """A school's figures exactly as its cell in its municipality's breakdown, so the
    curator's view and the coordinator's never differ by a few people: a school of three
    beside a school of one shows nothing, or the municipal total minus this school would
    give the other school's single answer. Free text is listed when the school has k
    writers and the rest of the municipality has none or k as well."""
    municipality_id = await municipality_of(session, school_id)
    if municipality_id is None:
        scope = await school_scope(session, school_id)
    else:
        scope = await municipality_scope(session, municipality_id)
    cells = await _published(session, questionnaire, scope, campaign_id)
    if cells is not None:
        split_ = split_counted(questionnaire, cells, scope.k, scope.formula)
    else:
        grouped: dict[Any, list[dict]] = {}
        for school, _form, answers in await _rows(session, questionnaire, scope, campaign_id):
            grouped.setdefault(school, []).append(answers)
        split_ = split(questionnaire, grouped, scope.k, scope.formula)
    cell = next((g.aggregate for g in split_.groups if g.group_id == school_id), None)
    if cell is None:
        return Aggregate(questionnaire.key, 0, scope.k)
    if not cell.questions:
        return cell
    if cells is not None:
        own = summarise_counted(questionnaire, cells[school_id], scope.k, scope.formula)
    else:
        own = summarise(questionnaire, grouped[school_id], scope.k, scope.formula)
    questions = list(cell.questions)
    for index, question in enumerate(own.questions):
        rest = split_.total.questions[index].answered - question.answered
        if question.texts and (rest == 0 or rest >= scope.k):
            questions[index] = question
    return replace(cell, questions=tuple(questions))


async def response_rate(
    session: AsyncSession,
    questionnaire: Questionnaire,
    school_ids: Iterable[int],
    campaign: Campaign,
) -> ResponseRate:
    """Who has answered the questionnaire in the campaign, against who was expected to:
    mentees or mentors, one answer per pair or group that ran during the campaign's window
    (accepted members of programmes active then); curators, one answer each (active)."""
    ids = list(school_ids)
    answered = await session.scalar(
        select(func.count())
        .select_from(SurveyParticipation)
        .where(
            SurveyParticipation.campaign_id == campaign.id,
            SurveyParticipation.questionnaire == questionnaire.key,
            SurveyParticipation.school_id.in_(ids),
        )
    )
    if questionnaire.audience == Audience.curator:
        expected = await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.organization_id.in_(ids),
                Membership.role == Role.curator.value,
                Membership.status == MembershipStatus.active.value,
            )
        )
    else:
        expected = await session.scalar(
            select(func.count())
            .select_from(ProgrammeMember)
            .join(Programme, Programme.id == ProgrammeMember.programme_id)
            .where(
                Programme.school_id.in_(ids),
                Programme.status.in_(("active", "closed")),
                Programme.starts_on <= campaign.deadline,
                or_(Programme.ended_on.is_(None), Programme.ended_on >= campaign.opens_on),
                ProgrammeMember.role == questionnaire.audience.value,
                ProgrammeMember.response == "accepted",
            )
        )
    return ResponseRate(int(answered or 0), int(expected or 0))
