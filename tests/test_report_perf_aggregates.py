"""Survey breakdowns counted in SQL (storage/survey_aggregates.breakdown over json_each /
json_extract, or json_each / ->> on PostgreSQL) give figure for figure what `split` gives
over the answers themselves — including odd stored values (numbers as strings, booleans,
floats, out-of-range numbers, lists, blank text) — with the same k and suppression."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from storage.campaigns.core import ensure_campaign
from storage.demo import _insert
from storage.models.surveys import SurveyResponse
from storage.surveys import aggregates as survey_aggregates
from storage.surveys.aggregates import Scope, breakdown, school_breakdowns, split
from storage.surveys.questionnaires import builtin
from storage.surveys.questionnaires.model import Kind
from tests.support.seed import region_with_schools
from tests.test_indicators import municipality

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)
ODD = [None, True, False, "7", " 8", "x", 7.0, 11, 0, -3, "yes", "no", [], ["a"], "  ", {}]


def _value(kind: Kind, options: list[str], rng: random.Random) -> object:
    if rng.random() < 0.15:
        return rng.choice(ODD)
    if kind == Kind.scale:
        return rng.randint(1, 10)
    if kind == Kind.yes_no:
        return rng.choice(["yes", "no", True, False])
    if kind == Kind.single:
        return rng.choice(options or ["other"])
    if kind == Kind.multiple:
        return rng.sample(options, k=min(len(options), rng.randint(1, 2))) if options else []
    return rng.choice(["поддержка", "уроки", "", "проект"])


def _plain(aggregate):
    """Texts come shuffled: compare them as sorted lists."""
    questions = tuple(replace(q, texts=tuple(sorted(q.texts))) for q in aggregate.questions)
    return replace(aggregate, questions=questions)


@pytest.mark.parametrize("formula", ["mean", "share8"])
async def test_sql_breakdown_equals_split_over_the_answers(database, formula) -> None:
    _salsk, schools = await municipality(database, 5)
    questionnaire = builtin.latest("monitoring_mentee")
    rng = random.Random(8)
    # School sizes around k = 3: big ones shown, small ones suppressed, one empty.
    sizes = dict(zip(schools, [12, 7, 2, 4, 0], strict=True))
    answers: dict[int, list[dict]] = {}
    rows = []
    for school, size in sizes.items():
        for n in range(size):
            got = {
                q.key: _value(q.kind, [o.value for o in q.options], rng)
                for q in questionnaire.questions
                if rng.random() < 0.9  # optional questions left out now and then
            }
            answers.setdefault(school, []).append(got)
            rows.append(
                {
                    "id": f"{school:08d}{n:08d}{'0' * 16}",
                    "questionnaire": questionnaire.key,
                    "version": 1,
                    "campaign_id": None,
                    "school_id": school,
                    "respondent_role": questionnaire.audience.value,
                    "form_id": None,
                    "late": False,
                    "link": None,
                    "answers": got,
                }
            )
    # A late answer is left out of every figure.
    rows.append({**rows[0], "id": "late" + rows[0]["id"][4:], "late": True})
    async with database.transaction() as s:
        await _insert(s, SurveyResponse, rows)
    scope = Scope(frozenset(schools), 3, formula)
    async with database.reading() as s:
        counted = await breakdown(s, questionnaire, scope, campaign_id=None)
    expected = split(questionnaire, answers, 3, formula)
    assert _plain(counted.total) == _plain(expected.total)
    assert counted.total.satisfaction is not None
    assert counted.total.satisfaction.percent is not None
    assert [g.group_id for g in counted.groups] == [g.group_id for g in expected.groups]
    for got, want in zip(counted.groups, expected.groups, strict=True):
        assert _plain(got.aggregate) == _plain(want.aggregate), got.group_id
    assert any(g.shown for g in counted.groups) and not all(g.shown for g in counted.groups)
    assert all(not q.texts for g in counted.groups for q in g.aggregate.questions)


@pytest.mark.parametrize("indexed", [4, 0], ids=["through-the-index", "one-pass"])
async def test_school_breakdowns_of_many_campaigns_equal_one_breakdown_each(
    database, monkeypatch, indexed
) -> None:
    """A region's report counts every campaign at once: each campaign's total and each
    school's respondents and satisfaction must be exactly what `breakdown` gives for that
    campaign alone, and answers of a school outside the campaign's scope must not leak in;
    the same whether the answers are found through the index or in one pass."""
    monkeypatch.setattr(survey_aggregates, "INDEXED_CAMPAIGNS", indexed)
    rng = random.Random(11)
    questionnaire = builtin.latest("monitoring_mentor")
    municipalities = await region_with_schools(
        database, NOW, [[f"Школа {m}-{n}" for n in range(size)] for m, size in enumerate((4, 3))]
    )
    rows = []
    scopes: dict[int, Scope] = {}
    async with database.transaction() as s:
        for index, (municipality_id, schools) in enumerate(municipalities):
            for today in (date(2026, 3, 1), date(2026, 10, 1)):
                campaign = await ensure_campaign(s, municipality_id, today, NOW)
                scopes[campaign.id] = Scope(frozenset(schools), 3 + index, "mean")
                for school in schools:
                    for _n in range(rng.choice([0, 1, 2, 3, 5, 9])):
                        got = {
                            q.key: _value(q.kind, [o.value for o in q.options], rng)
                            for q in questionnaire.questions
                            if rng.random() < 0.9
                        }
                        rows.append(_row(questionnaire, campaign.id, school, len(rows), got))
    # An answer filed under the first campaign by a school of the other municipality.
    stray_school = municipalities[1][1][0]
    rows.append(_row(questionnaire, next(iter(scopes)), stray_school, len(rows), {"overall": 1}))
    async with database.transaction() as s:
        await _insert(s, SurveyResponse, rows)
    async with database.reading() as s:
        together = await school_breakdowns(s, questionnaire, scopes)
        bare = await school_breakdowns(s, questionnaire, scopes, questions=False)
        for campaign_id, scope in scopes.items():
            alone = await breakdown(s, questionnaire, scope, campaign_id=campaign_id)
            got = together[campaign_id]
            assert _plain(got.total) == _plain(alone.total), campaign_id
            assert bare[campaign_id].total.questions == ()
            assert bare[campaign_id].total.satisfaction == alone.total.satisfaction
            assert [g.group_id for g in got.groups] == [g.group_id for g in alone.groups]
            for mine, want, thin in zip(
                got.groups, alone.groups, bare[campaign_id].groups, strict=True
            ):
                for cell in (mine.aggregate, thin.aggregate):
                    assert cell.respondents == want.aggregate.respondents
                    assert cell.satisfaction == want.aggregate.satisfaction
                    assert cell.questions == ()
    shown = [g for b in together.values() for g in b.groups if g.aggregate.satisfaction is not None]
    hidden = [g for b in together.values() for g in b.groups if g.aggregate.satisfaction is None]
    assert shown and hidden  # the data exercises both sides of the threshold


def _row(questionnaire, campaign_id: int, school: int, n: int, answers: dict) -> dict:
    return {
        "id": f"{campaign_id:08d}{school:08d}{n:016d}",
        "questionnaire": questionnaire.key,
        "version": 1,
        "campaign_id": campaign_id,
        "school_id": school,
        "respondent_role": questionnaire.audience.value,
        "form_id": None,
        "late": False,
        "link": None,
        "answers": answers,
    }
