"""Published cells: a campaign's figures per school and questionnaire, frozen when shown.

Figures of a campaign become visible when it is closed or its deadline passes. A
coordinator may reopen it (or move the deadline again) afterwards, and without a snapshot
one person changing one answer would move the figures everyone had already seen by exactly
that answer. So a campaign's figures are published (storage/surveys/publish.py) as one cell
per school and questionnaire, and once a campaign has cells every figure of it — the chat's
/results and /summary, the workbook, the note, the charts — is computed from them by
storage/survey_aggregates, never from the live answers.

A later publication keeps each published cell unless the live one differs from it by at
least k respondents and, for every question and for satisfaction, by 0 or at least k who
answered (`replaces`). Municipal and regional figures are sums of the chosen cells, so any
two figures anyone can obtain at any two times rest on the same answers or on answers that
differ by at least k people. Free text is published with its cell and shown from the chosen
cells only, under the usual rules (at least k writers, never per school): a text changed
after publication appears only with its school's next accepted cell. Response rates are
not published: who answered reveals nothing of what was answered.

A cell holds counts only (see `Counted`): how many responded, each value given per question
with how many gave it, and each satisfaction sum with how many had it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.surveys import Campaign, PublishedCell
from storage.surveys.aggregates_core import Counted, _question_counted
from storage.surveys.questionnaires.model import Kind, Questionnaire


def to_figures(counted: Counted) -> dict[str, Any]:
    values = counted.values.items()
    return {
        "values": {key: [[value, n] for value, n in pairs] for key, pairs in values},
        "scores": [[total, items, n] for (total, items), n in sorted(counted.scores.items())],
    }


def from_cell(respondents: int, figures: dict[str, Any]) -> Counted:
    values = {
        key: [(value, int(n)) for value, n in pairs]
        for key, pairs in (figures.get("values") or {}).items()
    }
    scores = Counter(
        {(int(total), int(items)): int(n) for total, items, n in figures.get("scores") or []}
    )
    return Counted(respondents=respondents, values=values, scores=scores)


async def published_campaigns(session: AsyncSession, campaign_ids: Iterable[int]) -> set[int]:
    """Those of the campaigns whose figures come from published cells."""
    ids = set(campaign_ids)
    if not ids:
        return set()
    rows = await session.scalars(
        select(Campaign.id).where(Campaign.id.in_(ids), Campaign.published_at.is_not(None))
    )
    return set(rows.all())


async def published_counts(
    session: AsyncSession,
    questionnaire: str,
    campaign_ids: Iterable[int],
    school_ids: Iterable[int] | None = None,
) -> dict[int, dict[int, Counted]]:
    """{campaign: {school: its published cell}} of one questionnaire (all schools: None)."""
    ids = set(campaign_ids)
    found: dict[int, dict[int, Counted]] = {campaign_id: {} for campaign_id in ids}
    if not ids:
        return found
    query = select(
        PublishedCell.campaign_id,
        PublishedCell.school_id,
        PublishedCell.respondents,
        PublishedCell.figures,
    ).where(PublishedCell.questionnaire == questionnaire, PublishedCell.campaign_id.in_(ids))
    if school_ids is not None:
        query = query.where(PublishedCell.school_id.in_(set(school_ids)))
    for campaign_id, school_id, respondents, figures in await session.execute(query):
        found[campaign_id][school_id] = from_cell(respondents, figures or {})
    return found


def answered_counts(questionnaire: Questionnaire, counted: Counted) -> dict[str, int]:
    """Per question, how many of the cell's respondents answered it; "satisfaction": how
    many answered a satisfaction item. Judged exactly as the figures judge the values."""
    counts = {
        q.key: _question_counted(q, counted.values.get(q.key, ()), 1, False).answered
        for q in questionnaire.questions
    }
    if any(q.satisfaction and q.kind == Kind.scale for q in questionnaire.questions):
        counts["satisfaction"] = sum(counted.scores.values())
    return counts


def replaces(
    questionnaire: Questionnaire, published: Counted | None, live: Counted | None, k: int
) -> bool:
    """Whether the live cell takes the published one's place: it differs by at least k
    respondents, and every question (and satisfaction) by 0 or at least k who answered it.
    Otherwise the difference could isolate fewer than k people's answers."""
    old, new = published or Counted(), live or Counted()
    if abs(new.respondents - old.respondents) < k:
        return False
    before, after = answered_counts(questionnaire, old), answered_counts(questionnaire, new)
    return all(
        (moved := abs(after.get(key, 0) - before.get(key, 0))) == 0 or moved >= k
        for key in set(before) | set(after)
    )
