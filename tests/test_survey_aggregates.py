"""Aggregates of answers: nothing below k, free text shuffled, complementary cells hidden,
satisfaction by either formula, response rates against what was expected."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import UTC, date, datetime

from storage.campaigns.changes import change_rules
from storage.campaigns.core import ensure_campaign
from storage.catalogue.entries import EntryKind, entries
from storage.models.enums import Role
from storage.models.surveys import SurveyParticipation, SurveyResponse
from storage.pairing.forming import Proposal, form_programme, respond
from storage.surveys.aggregates import (
    aggregate,
    breakdown,
    complementary,
    municipality_scope,
    response_rate,
    school_aggregate,
    school_scope,
    schools_scope,
    split,
    summarise,
)
from storage.surveys.questionnaires.model import (
    Audience,
    Kind,
    Occasion,
    Option,
    Question,
    Questionnaire,
)
from tests.support.seed import add_person, build_tree

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)

Q = Questionnaire(
    key="monitoring_mentee",
    version=1,
    title="t",
    audience=Audience.mentee,
    occasion=Occasion.monitoring,
    questions=(
        Question("useful", Kind.scale, "Useful?", satisfaction=True),
        Question("overall", Kind.scale, "Overall?", satisfaction=True),
        Question("group", Kind.scale, "Group?", required=False),
        Question("go_on", Kind.yes_no, "Go on?"),
        Question(
            "format",
            Kind.single,
            "Format?",
            options=(Option("live", "Live"), Option("online", "Online")),
        ),
        Question("valuable", Kind.text, "Valuable?", required=False),
    ),
)


def answer(score: int, **more) -> dict:
    return {"useful": score, "overall": score, "go_on": True, "format": "live", **more}


def test_below_k_only_the_count() -> None:
    result = summarise(Q, [answer(9), answer(2)], k=3)
    assert (result.respondents, result.enough, result.questions, result.satisfaction) == (
        2,
        False,
        (),
        None,
    )


def test_k_never_below_three() -> None:
    assert not summarise(Q, [answer(9), answer(2)], k=1).enough


def test_figures_at_k() -> None:
    result = summarise(Q, [answer(9), answer(8), answer(4, go_on=False, format="online")], k=3)
    useful = result.questions[0]
    assert (useful.mean, useful.distribution) == (7.0, (0, 0, 0, 1, 0, 0, 0, 1, 1, 0))
    go_on = result.questions[3]
    assert (go_on.yes, go_on.no, go_on.yes_percent) == (2, 1, 66.7)
    assert [(v, n) for v, _label, n in result.questions[4].counts] == [("live", 2), ("online", 1)]
    assert result.satisfaction is not None
    assert result.satisfaction.percent == 70.0
    assert result.satisfaction.formula == "mean"


def test_share_of_eight_or_more() -> None:
    answers = [answer(9), answer(8), answer(4), {"useful": 8, "overall": 7}]
    result = summarise(Q, answers, k=3, formula="share8")
    # Per respondent: 9, 8, 4, 7.5 → two of four score 8 or more.
    assert result.satisfaction is not None and result.satisfaction.percent == 50.0
    assert result.satisfaction.formula == "share8"


def test_an_optional_question_answered_by_fewer_than_k_is_hidden() -> None:
    answers = [answer(9, group=2), answer(8, group=10), answer(7), answer(6)]
    group = summarise(Q, answers, k=3).questions[2]
    assert (group.answered, group.shown, group.mean, group.distribution) == (2, False, None, ())


def test_free_text_only_over_k_writers_and_shuffled() -> None:
    two = [answer(9, valuable="A"), answer(8, valuable="B"), answer(7), answer(6)]
    assert summarise(Q, two, k=3).questions[5].texts == ()
    many = [answer(9, valuable=f"text {n}") for n in range(12)]
    orders = {summarise(Q, many, k=3).questions[5].texts for _ in range(20)}
    assert all(sorted(o) == sorted(f"text {n}" for n in range(12)) for o in orders)
    assert len(orders) > 1  # not the stored order every time


def test_complementary_cells() -> None:
    # Total 10: showing A (4) and B (5) would give C's single answer by subtraction.
    assert complementary(10, {"A": 4, "B": 5, "C": 1}, {"A", "B"}, 3) == {"B"}
    assert complementary(10, {"A": 3, "B": 3, "C": 3, "D": 1}, {"A", "B", "C"}, 3) == {"B", "C"}
    assert complementary(9, {"A": 3, "B": 3, "C": 3}, {"A", "B", "C"}, 3) == {"A", "B", "C"}
    assert complementary(2, {"A": 2}, set(), 3) == set()


def test_breakdown_hides_a_group_whose_figures_the_others_would_reveal() -> None:
    grouped = {
        1: [answer(9), answer(9), answer(9), answer(9)],
        2: [answer(5), answer(5), answer(5)],
        3: [answer(1)],  # one person: must not be derivable from total minus 1 and 2
    }
    result = split(Q, grouped, k=3)
    assert result.total.enough and result.total.questions[0].mean == 6.5
    shown = {g.group_id for g in result.groups if g.shown}
    assert shown == {1}
    hidden = [g for g in result.groups if not g.shown]
    assert {g.group_id for g in hidden} == {2, 3}
    assert all(g.aggregate.satisfaction is None and not g.aggregate.questions for g in hidden)
    # The total minus the only shown group covers four people, not one.
    assert sum(g.aggregate.respondents for g in hidden) >= 3
    # Free text never appears in a group.
    assert all(not q.texts for g in result.groups for q in g.aggregate.questions)


def test_breakdown_per_question_residual() -> None:
    # Both schools have enough respondents, but the optional question was answered by three
    # in school 1 and one in school 2: school 1's figure would give school 2's single answer.
    grouped = {
        1: [answer(9, group=7), answer(8, group=7), answer(7, group=7)],
        2: [answer(9, group=1), answer(8), answer(7)],
    }
    result = split(Q, grouped, k=3)
    assert result.total.questions[2].shown and result.total.questions[2].answered == 4
    first = next(g for g in result.groups if g.group_id == 1)
    assert first.shown and not first.aggregate.questions[2].shown
    assert first.aggregate.questions[0].shown


def questionnaire_row(school_id: int, campaign_id: int | None, answers: dict, **more) -> dict:
    return {
        "id": secrets.token_hex(16),
        "questionnaire": "monitoring_mentee",
        "version": 1,
        "campaign_id": campaign_id,
        "school_id": school_id,
        "respondent_role": "mentee",
        "late": False,
        "answers": answers,
        **more,
    }


async def test_aggregates_read_only_their_scope_campaign_and_role(database) -> None:
    tree = await build_tree(database, NOW)
    async with database.transaction() as s:
        campaign = await ensure_campaign(s, tree.municipality_id, date(2026, 11, 23), NOW)
        for score in (9, 8, 7):
            s.add(SurveyResponse(**questionnaire_row(tree.school_id, campaign.id, answer(score))))
        s.add(SurveyResponse(**questionnaire_row(tree.other_school_id, campaign.id, answer(1))))
        # Not counted: a late answer, another role, another campaign (entry), another
        # municipality.
        s.add(
            SurveyResponse(**questionnaire_row(tree.school_id, campaign.id, answer(1), late=True))
        )
        s.add(
            SurveyResponse(
                **questionnaire_row(
                    tree.school_id, campaign.id, answer(1), respondent_role="mentor"
                )
            )
        )
        s.add(SurveyResponse(**questionnaire_row(tree.school_id, None, answer(1))))
        s.add(SurveyResponse(**questionnaire_row(tree.foreign_school_id, campaign.id, answer(1))))
        await s.flush()

        school = await aggregate(
            s, Q, await school_scope(s, tree.school_id), campaign_id=campaign.id
        )
        assert (school.respondents, school.questions[0].mean) == (3, 8.0)
        other = await aggregate(
            s, Q, await school_scope(s, tree.other_school_id), campaign_id=campaign.id
        )
        assert (other.respondents, other.enough, other.questions) == (1, False, ())
        scope = await municipality_scope(s, tree.municipality_id)
        assert scope.school_ids >= {tree.school_id, tree.other_school_id}
        assert tree.foreign_school_id not in scope.school_ids
        whole = await aggregate(s, Q, scope, campaign_id=campaign.id)
        assert (whole.respondents, whole.questions[0].mean) == (4, 6.3)
        split_ = await breakdown(s, Q, scope, campaign_id=campaign.id)
        # 3 + 1: the school of three would reveal the single answer of the other school.
        assert not any(g.shown for g in split_.groups)
        entry = await aggregate(s, Q, scope, campaign_id=None)
        assert entry.respondents == 1

        # k raised to 4: the school of three no longer shows figures.
        await change_rules(s, tree.municipality_id, date(2026, 11, 23), NOW, min_respondents=4)
        school = await aggregate(
            s, Q, await school_scope(s, tree.school_id), campaign_id=campaign.id
        )
        assert (school.k, school.enough) == (4, False)
        # Pooled across municipalities the strictest k applies.
        mixed = await schools_scope(s, {tree.school_id, tree.foreign_school_id})
        assert mixed.k == 4


async def test_response_rate_counts_members_of_running_pairs(database) -> None:
    tree = await build_tree(database, NOW)
    mentor = await add_person(database, 11, "Петров Иван", Role.mentor, tree.school_id, NOW)
    mentees = [
        await add_person(database, 12 + n, f"Иванова Анна {n}", Role.mentee, tree.school_id, NOW)
        for n in range(3)
    ]
    curator = await add_person(database, 20, "Куратор Ольга", Role.curator, tree.school_id, NOW)
    async with database.transaction() as s:
        forms = await entries(s, tree.municipality_id, EntryKind.form)
        for n, mentee in enumerate(mentees):
            programme = await form_programme(
                s,
                Proposal(
                    school_id=tree.school_id,
                    mentor_ids=[mentor],
                    mentee_ids=[mentee],
                    form_id=forms[0].id,
                    starts_on=date(2026, 9, 1),
                    planned_end_on=date(2027, 5, 31),
                    goals="Адаптация",
                ),
                curator,
                NOW,
            )
            for person in (mentor, mentee):
                # The third mentee declines: that pair never runs and is not expected.
                await respond(s, programme.id, person, n < 2 or person == mentor, NOW)
        campaign = await ensure_campaign(s, tree.municipality_id, date(2026, 11, 23), NOW)
        s.add(
            SurveyParticipation(
                scope_key=f"monitoring_mentee:{campaign.id}:{mentees[0]}:x",
                questionnaire="monitoring_mentee",
                campaign_id=campaign.id,
                person_id=mentees[0],
                school_id=tree.school_id,
                submitted_at=NOW,
                late=False,
            )
        )
        await s.flush()
        rate = await response_rate(s, Q, {tree.school_id}, campaign)
        assert (rate.answered, rate.expected, rate.percent) == (1, 2, 50.0)
        mentor_q = Questionnaire("monitoring_mentor", 1, "t", Audience.mentor, Occasion.monitoring)
        assert (await response_rate(s, mentor_q, {tree.school_id}, campaign)).expected == 2
        curator_q = Questionnaire(
            "conditions_curator", 1, "t", Audience.curator, Occasion.conditions
        )
        assert (await response_rate(s, curator_q, {tree.school_id}, campaign)).expected == 1
        assert (await response_rate(s, Q, {tree.other_school_id}, campaign)).percent is None


def test_distribution_counts_every_answer_once() -> None:
    answers = [answer(n) for n in (1, 2, 2, 10, 10, 10)]
    useful = summarise(Q, answers, k=3).questions[0]
    assert Counter(dict(enumerate(useful.distribution, 1))) == Counter({1: 1, 2: 2, 10: 3})


async def test_a_schools_view_is_its_cell_of_the_municipal_breakdown(database) -> None:
    tree = await build_tree(database, NOW)
    async with database.transaction() as s:
        campaign = await ensure_campaign(s, tree.municipality_id, date(2026, 11, 23), NOW)
        for score in (9, 8, 7):
            s.add(
                SurveyResponse(
                    **questionnaire_row(
                        tree.school_id, campaign.id, answer(score, valuable=f"т{score}")
                    )
                )
            )
        await s.flush()
        # Alone in the municipality: the school's figures and texts are shown.
        mine = await school_aggregate(s, Q, tree.school_id, campaign_id=campaign.id)
        assert mine.questions[0].mean == 8.0 and len(mine.questions[5].texts) == 3
        # One answer in the other school: the municipal total (4) minus this school (3)
        # would be that one person, so this school's figures and texts go.
        s.add(
            SurveyResponse(
                **questionnaire_row(tree.other_school_id, campaign.id, answer(2, valuable="x"))
            )
        )
        await s.flush()
        mine = await school_aggregate(s, Q, tree.school_id, campaign_id=campaign.id)
        assert (mine.respondents, mine.questions, mine.satisfaction) == (3, (), None)
        whole = await aggregate(
            s, Q, await municipality_scope(s, tree.municipality_id), campaign_id=campaign.id
        )
        assert whole.questions[0].mean == 6.5
        other = await school_aggregate(s, Q, tree.other_school_id, campaign_id=campaign.id)
        assert not other.enough
