"""Submitting questionnaire answers so that who answered and what they answered stay apart.

Within one transaction `submit` records the participation (who, for reminders and response
rates; found by its scope key: one per person per pair or school per campaign) and inserts
or replaces the response (what; no person, programme or time). The only bridge is the
response's `link`, HMAC-SHA256 over the scope key with a key kept outside the database
(Settings.survey_key), so only the respondent, through the bot, can find their own response
again: to replace it until the deadline, to see it while changing it, and to erase it with
/forget. A link is stored only while a change is still possible:

- monitoring and conditions answered on time: until the deadline; the campaign's sealing
  (storage/campaigns*, after the deadline) clears the links;
- answers after the deadline are late and final: no link at all;
- entry and exit questionnaires (no campaign) are final when sent: no link.

Answers to PROFILE_QUESTIONS (a young teacher's difficulties at entry) are the person's own
profile data: they are written to the profile and never into the anonymous response, where
they would let anyone who reads both tell whose response it is.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MenteeProfile
from storage.models.surveys import Campaign, SurveyParticipation, SurveyResponse
from storage.orgs.scope import effective_timezone
from storage.surveys.publish import publish_if_seen
from storage.surveys.questionnaires.builtin import PROFILE_QUESTIONS
from storage.surveys.questionnaires.model import Kind, Question, Questionnaire
from storage.surveys.questionnaires.programme import TEACHER_DIFFICULTIES

SCALE = range(1, 11)


class AnswerError(ValueError):
    """Answers that do not fit the questionnaire (a stale draft, a forged value)."""


class Refused(Exception):
    """The answers cannot be taken (any more); `reason` says why: closed, final."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def scope_key(
    questionnaire: str,
    campaign_id: int | None,
    person_id: int,
    programme_id: int | None,
    school_id: int | None = None,
) -> str:
    """questionnaire:campaign:person:programme with "-" for an absent part; the curator's
    questionnaire about a school has `s<school id>` in place of the programme."""
    if programme_id is not None:
        last = str(programme_id)
    elif school_id is not None:
        last = f"s{school_id}"
    else:
        last = "-"
    campaign = str(campaign_id) if campaign_id is not None else "-"
    return f"{questionnaire}:{campaign}:{person_id}:{last}"


def response_link(key: bytes, scope: str) -> str:
    return hmac.new(key, scope.encode(), hashlib.sha256).hexdigest()


# --- validation -----------------------------------------------------------------------------


def check_value(question: Question, value: Any) -> Any:
    """The value as stored, or AnswerError. None means unanswered (skipped)."""
    if value is None:
        return None
    if question.kind == Kind.scale:
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            raise AnswerError(question.key)
        return value
    if question.kind == Kind.yes_no:
        if not isinstance(value, bool):
            raise AnswerError(question.key)
        return value
    options = [o.value for o in question.options]
    if question.kind == Kind.single:
        if value not in options:
            raise AnswerError(question.key)
        return value
    if question.kind == Kind.multiple:
        if not isinstance(value, list) or any(v not in options for v in value):
            raise AnswerError(question.key)
        return [o for o in options if o in value]  # the options' order, no repeats
    if not isinstance(value, str):
        raise AnswerError(question.key)
    value = value.strip()
    if not value or len(value) > question.max_length:
        raise AnswerError(question.key)
    return value


def clean_answers(
    questionnaire: Questionnaire, category: str | None, answers: dict[str, Any]
) -> dict[str, Any]:
    """Only the questions that apply, each valid, every required one answered."""
    cleaned: dict[str, Any] = {}
    for question in questionnaire.for_category(category):
        value = check_value(question, answers.get(question.key))
        if question.required and value in (None, []):
            raise AnswerError(question.key)
        if value is not None:
            cleaned[question.key] = value  # [] for an optional multiple: "none of these"
    return cleaned


# --- windows ----------------------------------------------------------------------------------


def is_late(campaign: Campaign | None, today: date) -> bool:
    return campaign is not None and today > campaign.deadline


def changeable(
    participation: SurveyParticipation | None, campaign: Campaign | None, today: date
) -> bool:
    """Whether the respondent may still replace their answers."""
    return (
        participation is not None
        and campaign is not None
        and not participation.late
        and campaign.closed_at is None
        and campaign.sealed_at is None
        and today <= campaign.deadline
    )


# --- reading and writing ---------------------------------------------------------------------


async def participation_of(session: AsyncSession, scope: str) -> SurveyParticipation | None:
    return await session.scalar(
        select(SurveyParticipation).where(SurveyParticipation.scope_key == scope)
    )


async def own_response(session: AsyncSession, key: bytes, scope: str) -> SurveyResponse | None:
    """The respondent's own response, while its link exists; shown to them only."""
    return await session.scalar(
        select(SurveyResponse).where(SurveyResponse.link == response_link(key, scope))
    )


@dataclass(frozen=True)
class Submitted:
    late: bool
    replaced: bool  # an earlier response was replaced
    changeable: bool  # the new answers can still be changed


@dataclass(frozen=True)
class Target:
    """What a response is about, as the caller checked it against the person's scope."""

    person_id: int
    school_id: int
    respondent_role: str  # mentee | mentor | curator
    programme_id: int | None = None
    form_id: int | None = None
    campaign: Campaign | None = None

    def scope(self, questionnaire: str) -> str:
        campaign_id = self.campaign.id if self.campaign is not None else None
        school = self.school_id if self.programme_id is None else None
        return scope_key(questionnaire, campaign_id, self.person_id, self.programme_id, school)


async def submit(
    session: AsyncSession,
    *,
    key: bytes,
    questionnaire: Questionnaire,
    target: Target,
    answers: dict[str, Any],
    category: str | None,
    today: date,
    now: datetime,
) -> Submitted:
    """Record the participation and the response in the caller's transaction.

    Raises AnswerError for answers that do not fit, Refused when they cannot be taken.
    """
    cleaned = clean_answers(questionnaire, category, answers)
    profile = {k: cleaned.pop(k) for k in list(cleaned) if k in PROFILE_QUESTIONS}
    campaign = target.campaign
    if campaign is not None and (campaign.closed_at is not None or today < campaign.opens_on):
        raise Refused("closed")
    scope = target.scope(questionnaire.key)
    link = response_link(key, scope)
    participation = await participation_of(session, scope)
    if participation is not None:
        if not changeable(participation, campaign, today):
            raise Refused("final")
        response = await session.scalar(select(SurveyResponse).where(SurveyResponse.link == link))
        if response is None:  # the links were sealed meanwhile
            raise Refused("final")
        response.answers = cleaned
        response.version = questionnaire.version
        participation.changed_at = now
        await _write_profile(session, target, profile, now)
        await session.flush()
        return Submitted(late=False, replaced=True, changeable=True)

    late = is_late(campaign, today)
    keeps_link = campaign is not None and not late and campaign.sealed_at is None
    session.add(
        SurveyParticipation(
            scope_key=scope,
            questionnaire=questionnaire.key,
            campaign_id=campaign.id if campaign is not None else None,
            person_id=target.person_id,
            programme_id=target.programme_id,
            school_id=target.school_id,
            submitted_at=now,
            changed_at=None,
            late=late,
        )
    )
    session.add(
        SurveyResponse(
            # Random, so the order of rows says nothing about the order of participations.
            id=secrets.token_hex(16),
            questionnaire=questionnaire.key,
            version=questionnaire.version,
            campaign_id=campaign.id if campaign is not None else None,
            school_id=target.school_id,
            respondent_role=target.respondent_role,
            form_id=target.form_id,
            late=late,
            link=link if keeps_link else None,
            answers=cleaned,
        )
    )
    await _write_profile(session, target, profile, now)
    await session.flush()
    return Submitted(late=late, replaced=False, changeable=keeps_link)


async def _write_profile(
    session: AsyncSession, target: Target, profile: dict[str, Any], now: datetime
) -> None:
    if "difficulties" not in profile or target.respondent_role != "mentee":
        return
    row = await session.get(MenteeProfile, target.person_id)
    if row is None:
        return
    codes = {o.value for o in TEACHER_DIFFICULTIES}
    # The person's own words for other difficulties follow the codes and are kept.
    own_words = [v for v in (row.difficulties or []) if v not in codes]
    row.difficulties = [*profile["difficulties"], *own_words]
    row.updated_at = now


# --- the person's rights: /mydata and /forget ------------------------------------------------


async def participations_for_export(session: AsyncSession, person_id: int) -> list[dict[str, Any]]:
    """That the person answered, when and whether late; never what (the response is stored
    without their identity, so it is not theirs to export as linked data)."""
    rows = await session.execute(
        select(SurveyParticipation, Campaign.period)
        .outerjoin(Campaign, Campaign.id == SurveyParticipation.campaign_id)
        .where(SurveyParticipation.person_id == person_id)
        .order_by(SurveyParticipation.submitted_at, SurveyParticipation.id)
    )
    return [
        {
            "questionnaire": p.questionnaire,
            "campaign_period": period,
            "submitted_at": p.submitted_at.isoformat(),
            "changed_at": p.changed_at.isoformat() if p.changed_at else None,
            "late": p.late,
        }
        for p, period in rows.all()
    ]


async def erase_participations(
    session: AsyncSession,
    key: bytes | None,
    person_id: int,
    now: datetime,
    default_timezone: str,
) -> int:
    """Delete the person's participations and, through each link that still exists, the
    response; a response whose link is gone is anonymous and stays counted. Figures that
    may have been seen are published first, so the erasure cannot move them by one person
    (a response erased from a published campaign stays counted only in its published cells,
    which name no one)."""
    scopes = (
        await session.scalars(
            select(SurveyParticipation.scope_key).where(SurveyParticipation.person_id == person_id)
        )
    ).all()
    if key is not None and scopes:
        await _publish_seen(session, person_id, now, default_timezone)
        links = [response_link(key, scope) for scope in scopes]
        await session.execute(delete(SurveyResponse).where(SurveyResponse.link.in_(links)))
    await session.execute(
        delete(SurveyParticipation).where(SurveyParticipation.person_id == person_id)
    )
    return len(scopes)


async def _publish_seen(
    session: AsyncSession, person_id: int, now: datetime, default_timezone: str
) -> None:
    campaigns = await session.scalars(
        select(Campaign)
        .where(
            Campaign.published_at.is_(None),
            Campaign.id.in_(
                select(SurveyParticipation.campaign_id).where(
                    SurveyParticipation.person_id == person_id
                )
            ),
        )
        .order_by(Campaign.id)
    )
    for campaign in campaigns.all():
        zone = await effective_timezone(session, campaign.municipality_id, default_timezone)
        await publish_if_seen(session, campaign, now.astimezone(ZoneInfo(zone)).date(), now)
