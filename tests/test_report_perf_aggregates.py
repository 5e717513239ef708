"""Survey breakdowns counted in SQL (storage/survey_aggregates.breakdown over json_each /
json_extract, or json_each / ->> on PostgreSQL) give figure for figure what `split` gives
over the answers themselves — including odd stored values (numbers as strings, booleans,
floats, out-of-range numbers, lists, blank text) — with the same k and suppression."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from storage.demo import _insert
from storage.models.surveys import SurveyResponse
from storage.questionnaires import builtin
from storage.questionnaires.model import Kind
from storage.survey_aggregates import Scope, breakdown, split
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
