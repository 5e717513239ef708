"""Publishing a campaign's figures when they become visible (see storage/surveys/cells.py).

Figures become visible when a coordinator closes a campaign or its deadline passes. They
are published then: at the close (`close_early`), at the ticker's seal after the deadline
(`seal_due`), and, for figures that were visible without a publication yet (a deadline
passed before the seal, a campaign closed before publications existed), before anything
lets the answers change again: a reopen, a deadline moved into the future, a respondent's
/forget. The first publication takes every school's live cell; each later one replaces a
published cell only as `replaces` allows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.campaigns.core import rules_for
from storage.models.surveys import Campaign, PublishedCell
from storage.orgs.scope import descendants
from storage.surveys.aggregates import Scope, live_counts, results_ready
from storage.surveys.cells import published_counts, replaces, to_figures
from storage.surveys.questionnaires import builtin
from storage.surveys.questionnaires.model import Occasion, Questionnaire


def campaign_questionnaires() -> list[Questionnaire]:
    """The questionnaires answered in a campaign: monitoring and the curator's conditions."""
    found = [builtin.latest(key) for key in builtin.keys()]
    return [q for q in found if q.occasion in (Occasion.monitoring, Occasion.conditions)]


async def publish(session: AsyncSession, campaign: Campaign, now: datetime) -> int:
    """Publish the campaign's figures, or publish them again; the number of cells written."""
    # Publishers of one campaign take turns (a close and the ticker's seal at once), and
    # each reads whether it was published after taking its turn.
    published_at = await session.scalar(
        select(Campaign.published_at).where(Campaign.id == campaign.id).with_for_update()
    )
    rules = await rules_for(session, campaign.municipality_id)
    schools = frozenset(await descendants(session, {campaign.municipality_id}))
    scope = Scope(schools, rules.min_respondents, rules.satisfaction_formula)
    written = 0
    for questionnaire in campaign_questionnaires():
        live = await live_counts(session, questionnaire, scope, campaign.id)
        shown = (await published_counts(session, questionnaire.key, [campaign.id]))[campaign.id]
        for school_id in sorted(set(live) | set(shown)):
            new = live.get(school_id)
            if published_at is not None and not replaces(
                questionnaire, shown.get(school_id), new, scope.k
            ):
                continue
            cell = await session.get(PublishedCell, (campaign.id, questionnaire.key, school_id))
            if new is None or not new.respondents:
                if cell is not None:
                    await session.delete(cell)
                    written += 1
                continue
            if cell is None:
                cell = PublishedCell(
                    campaign_id=campaign.id, questionnaire=questionnaire.key, school_id=school_id
                )
                session.add(cell)
            cell.respondents, cell.figures = new.respondents, to_figures(new)
            cell.published_at = now
            written += 1
    campaign.published_at = now
    await session.flush()
    return written


async def publish_if_seen(
    session: AsyncSession, campaign: Campaign, today: date, now: datetime
) -> None:
    """Before answers may change again: publish figures that were visible but never
    published (a passed deadline not sealed yet, a campaign closed before publications)."""
    if campaign.published_at is None and results_ready(campaign, today):
        await publish(session, campaign, now)
