"""/results: the monitoring results of a campaign for a curator's school or a coordinator's
municipality, built only from anonymous aggregates (storage/survey_aggregates).

Below the minimum of respondents the screen says there are too few answers and shows no
figure; free text comes as a shuffled list over at least k writers, never per school; the
satisfaction percentage is printed with its formula. Figures appear once the campaign's
deadline has passed or it was closed (`results_ready`): until then only response counts,
because two looks a day apart would differ by one person's answers. Once shown they are
published (storage/surveys/cells.py): a reopened campaign keeps them until a school's answers
move by at least k people.
"""

from __future__ import annotations

from datetime import date
from html import escape

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.access import Allowed
from handlers.campaigns.common import (
    ResOpen,
    button,
    campaign_questionnaires,
    local_today,
    markup,
    number,
    percent,
    show_day,
    state_title,
)
from handlers.catalogue.common import municipalities
from handlers.ui.figures import over_at_least, sentence, too_few
from handlers.ui.paging import paged
from handlers.ui.screens import replace_screen
from storage.campaigns.core import campaigns_of, municipality_of, state_of
from storage.clock import Clock
from storage.models.enums import OrgLevel, Role
from storage.models.orgs import Organization
from storage.models.surveys import Campaign
from storage.people.actor import Actor
from storage.settings import Settings
from storage.surveys.aggregates import (
    Aggregate,
    QuestionResult,
    Scope,
    breakdown,
    municipality_scope,
    response_rate,
    results_ready,
    school_aggregate,
    school_scope,
)
from storage.surveys.questionnaires.model import Kind, Questionnaire

TEXT_LIMIT = 3800  # Telegram refuses messages over 4096 characters
RECENT = 6  # campaigns offered for choosing


def question_line(result: QuestionResult, k: int) -> str:
    title = escape(str(result.text))
    if not result.shown:
        if result.kind == Kind.text and result.answered >= k:
            return ""  # free text of a group: never listed there
        return f"• {title}: <i>{too_few(result.answered, k)}</i>"
    if result.kind == Kind.scale:
        low, mid, high = (
            sum(result.distribution[:4]),
            sum(result.distribution[4:7]),
            sum(result.distribution[7:]),
        )
        spread = _("1–4: {low} · 5–7: {mid} · 8–10: {high}").format(low=low, mid=mid, high=high)
        return f"• {title}: <b>{number(result.mean or 0)}</b> ({spread})"
    if result.kind == Kind.yes_no:
        share = _("yes {percent} ({yes} of {answered})").format(
            percent=percent(result.yes_percent), yes=result.yes, answered=result.answered
        )
        return f"• {title}: {share}"
    if result.kind in (Kind.single, Kind.multiple):
        counts = ", ".join(f"{escape(str(label))} — {n}" for _value, label, n in result.counts)
        return f"• {title}: {counts}"
    listed = _("{count} answers, listed below in random order").format(count=len(result.texts))
    return f"• {title}: <i>{listed}</i>"


def satisfaction_line(aggregate: Aggregate) -> str | None:
    sat = aggregate.satisfaction
    if sat is None:
        return None
    if sat.percent is None:  # a formula without its figure says nothing
        return _("Satisfaction: {figure}").format(figure=too_few(sat.respondents, aggregate.k))
    figure = f"<b>{percent(sat.percent)}</b>"
    return _("Satisfaction: {figure} ({formula})").format(figure=figure, formula=sat.formula_text)


def aggregate_lines(aggregate: Aggregate) -> list[str]:
    if not aggregate.enough:
        return [sentence(too_few(aggregate.respondents, aggregate.k)) + "."]
    if not aggregate.questions:
        return [
            _(
                "{count} answers, but the figures are hidden: another school of the "
                "municipality has too few answers, and the municipal total minus this school "
                "would reveal them."
            ).format(count=aggregate.respondents)
        ]
    lines = []
    satisfaction = satisfaction_line(aggregate)
    if satisfaction:
        lines.append(satisfaction)
    lines += [line for q in aggregate.questions if (line := question_line(q, aggregate.k))]
    return lines


def text_messages(aggregate: Aggregate) -> list[str]:
    """The free-text lists, each under its question, cut into messages Telegram accepts."""
    messages: list[str] = []
    for result in aggregate.questions:
        if result.kind != Kind.text or not result.shown:
            continue
        header = _("<b>{question}</b> — answers in random order:").format(
            question=escape(str(result.text))
        )
        current = header
        for text in result.texts:
            line = "— " + escape(text)
            if len(current) + len(line) + 1 > TEXT_LIMIT:
                messages.append(current)
                current = header
            current += "\n" + line
        messages.append(current)
    return messages


async def school_names(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    rows = await session.execute(
        select(Organization.id, Organization.name).where(Organization.id.in_(ids))
    )
    return {org_id: name for org_id, name in rows}


async def questionnaire_message(
    session: AsyncSession,
    questionnaire: Questionnaire,
    scope: Scope,
    campaign: Campaign,
    ready: bool,
    per_school: bool,
) -> tuple[str, list[str]]:
    rate = await response_rate(session, questionnaire, scope.school_ids, campaign)
    lines = [
        f"<b>{escape(str(questionnaire.title))}</b>",
        ngettext(
            "Answered: {answered} of {expected} expected ({percent}).",
            "Answered: {answered} of {expected} expected ({percent}).",
            rate.expected,
        ).format(answered=rate.answered, expected=rate.expected, percent=percent(rate.percent)),
    ]
    if not ready:
        return "\n".join(lines), []
    if not per_school:  # one school: its cell of the municipality's breakdown
        school_id = next(iter(scope.school_ids))
        mine = await school_aggregate(session, questionnaire, school_id, campaign_id=campaign.id)
        return "\n".join(lines + aggregate_lines(mine)), text_messages(mine)
    split = await breakdown(session, questionnaire, scope, campaign_id=campaign.id)
    lines += aggregate_lines(split.total)
    if per_school and split.groups and split.total.enough:
        names = await school_names(session, [g.group_id for g in split.groups])
        lines += ["", _("<i>By school (figures only where a school alone has enough):</i>")]
        for group in split.groups:
            agg = group.aggregate
            if not agg.enough:
                figure = too_few(agg.respondents, agg.k)
            elif not group.shown:
                figure = _(
                    "{count} answers; hidden, or the other schools could be worked out"
                ).format(count=agg.respondents)
            else:
                sat = agg.satisfaction
                figure = _("{count} answers, satisfaction {percent}").format(
                    count=agg.respondents,
                    percent=percent(sat.percent if sat else None),
                )
            lines.append(f"  {escape(names.get(group.group_id, '?'))}: {figure}")
    text = "\n".join(lines)
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT] + "…"
    return text, text_messages(split.total)


async def send_results(
    query_or_message: CallbackQuery | Message,
    session: AsyncSession,
    org: Organization,
    campaign: Campaign,
    today: date,
    navigation: list[list[InlineKeyboardButton]] | None = None,
) -> None:
    """The results of `campaign` for a school or a municipality, as several messages."""
    message = (
        query_or_message.message
        if isinstance(query_or_message, CallbackQuery)
        else query_or_message
    )
    if not isinstance(message, Message):
        return
    is_school = org.level == OrgLevel.school
    scope = (
        await school_scope(session, org.id)
        if is_school
        else await municipality_scope(session, org.id)
    )
    ready = results_ready(campaign, today)
    head = [
        _("<b>Results of the monitoring: {name}</b>").format(name=escape(org.name)),
        _("Campaign with the deadline {deadline} — {state}").format(
            deadline=show_day(campaign.deadline), state=state_title(state_of(campaign, today))
        ),
    ]
    if not ready:
        head.append(
            _(
                "Figures appear after the deadline or once the campaign is closed: while answers "
                "can still change, comparing two looks would reveal one person's answers."
            )
        )
    head.append(_("Figures are shown {respondents}.").format(respondents=over_at_least(scope.k)))
    if ready and campaign.published_at is not None:
        head.append(
            ngettext(
                "The figures are as published: a school's figures change only once at "
                "least {k} more person has answered there.",
                "The figures are as published: a school's figures change only once at "
                "least {k} more people have answered there.",
                scope.k,
            ).format(k=scope.k)
        )
    await message.answer("\n".join(head))
    for questionnaire in campaign_questionnaires():
        text, lists = await questionnaire_message(
            session, questionnaire, scope, campaign, ready, per_school=not is_school
        )
        await message.answer(text)
        for extra in lists:
            await message.answer(extra)
    if navigation:
        await message.answer(_("Other campaigns:"), reply_markup=markup(navigation))


# ---- /results ---------------------------------------------------------------------------


async def result_orgs(session: AsyncSession, actor: Actor) -> list[Organization]:
    """The curator's schools and the coordinator's municipalities, by name."""
    schools = actor.org_ids(Role.curator)
    found = (
        list(
            (
                await session.scalars(
                    select(Organization)
                    .where(Organization.id.in_(schools))
                    .order_by(Organization.name)
                )
            ).all()
        )
        if schools
        else []
    )
    return found + await municipalities(session, actor)


async def default_campaign(
    session: AsyncSession, municipality_id: int, today: date
) -> Campaign | None:
    """The newest campaign whose results are ready, else the newest that has opened."""
    found = [c for c in await campaigns_of(session, municipality_id) if c.opens_on <= today]
    ready = [c for c in found if results_ready(c, today)]
    return (ready or found or [None])[0]


async def show_results_of(
    target: CallbackQuery | Message,
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
    org: Organization,
    period: str,
    several: bool,
) -> None:
    municipality_id = org.id if org.level == OrgLevel.municipality else None
    if municipality_id is None:
        municipality_id = await municipality_of(session, org.id)
    message = target.message if isinstance(target, CallbackQuery) else target
    if municipality_id is None or not isinstance(message, Message):
        return
    today = await local_today(session, settings, clock, municipality_id)
    campaigns = [c for c in await campaigns_of(session, municipality_id) if c.opens_on <= today]
    if period:
        campaign = next((c for c in campaigns if c.period == period), None)
    else:
        campaign = await default_campaign(session, municipality_id, today)
    if campaign is None:
        await message.answer(_("No monitoring campaign has opened here yet."))
        return
    navigation = [
        [button(show_day(c.deadline), ResOpen(org=org.id, period=c.period))]
        for c in campaigns[:RECENT]
        if c.id != campaign.id
    ]
    if several:
        navigation.append([button(_("◀ Other organisations"), ResOpen(org=0, page=-1))])
    await send_results(target, session, org, campaign, today, navigation)


async def results_requested(
    message: Message, session: AsyncSession, actor: Actor, settings: Settings, clock: Clock
) -> None:
    found = await result_orgs(session, actor)
    if not found:
        await message.answer(_("There are no schools or municipalities in your scope yet."))
        return
    if len(found) == 1:
        await show_results_of(message, session, settings, clock, found[0], "", False)
        return
    await message.answer(
        _("Whose results do you want to see?"), reply_markup=markup(result_choices(found, 0))
    )


def result_choices(found: list[Organization], page: int) -> list[list[InlineKeyboardButton]]:
    return paged(
        [button(o.name, ResOpen(org=o.id)) for o in found],
        page,
        lambda p: ResOpen(org=0, page=p),
    )


async def results_pressed(
    query: CallbackQuery,
    callback_data: ResOpen,
    session: AsyncSession,
    actor: Actor,
    settings: Settings,
    clock: Clock,
) -> None:
    found = await result_orgs(session, actor)
    if callback_data.org == 0 and isinstance(query.message, Message):
        await query.answer()
        question = _("Whose results do you want to see?")
        if callback_data.page < 0:
            # «◀ Other organisations» under the results: the list as a new message.
            await query.message.answer(question, reply_markup=markup(result_choices(found, 0)))
        else:  # a page of the list turned
            keyboard = markup(result_choices(found, callback_data.page))
            await replace_screen(query.message, question, keyboard)
        return
    org = next((o for o in found if o.id == callback_data.org), None)
    if org is None:
        await query.answer(_("These results are not in your scope."), show_alert=True)
        return
    await query.answer()
    await show_results_of(
        query, session, settings, clock, org, callback_data.period, len(found) > 1
    )


def build_router() -> Router:
    router = Router(name="campaign_results")
    allowed = Allowed("results")
    router.message.register(results_requested, Command("results"), allowed)
    router.callback_query.register(results_pressed, ResOpen.filter(), allowed)
    return router
