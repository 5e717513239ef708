"""The texts and keyboards of /campaign: the choice of municipality, a municipality's
campaigns, one campaign's card, the settings, and the same for all municipalities at once."""

from __future__ import annotations

from datetime import date
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.campaigns.common import (
    ALL,
    CHOOSE,
    CampAct,
    CampOpen,
    CampSet,
    audience_title,
    button,
    campaign_questionnaires,
    local_today,
    markup,
    show_day,
    state_title,
)
from handlers.catalogue.common import municipalities
from handlers.ui.figures import over_at_least
from handlers.ui.paging import paged
from storage.campaigns.changes import in_view
from storage.campaigns.core import CampaignRules, rules_for, state_of
from storage.clock import Clock
from storage.models.orgs import Organization
from storage.models.surveys import Campaign
from storage.orgs.scope import descendants
from storage.people.actor import Actor
from storage.settings import Settings
from storage.surveys.aggregates import formula_text, response_rate

Screen = tuple[str, InlineKeyboardMarkup]


def campaign_title(campaign: Campaign) -> str:
    return _("Campaign with the deadline {deadline}").format(deadline=show_day(campaign.deadline))


def day_month(month_day: str) -> str:
    month, day = month_day.split("-")
    return f"{day}.{month}"


async def counts_line(session: AsyncSession, municipality_id: int, campaign: Campaign) -> str:
    schools = await descendants(session, {municipality_id})
    parts = []
    for questionnaire in campaign_questionnaires():
        rate = await response_rate(session, questionnaire, schools, campaign)
        parts.append(
            _("{who} {answered} of {expected}").format(
                who=audience_title(questionnaire.audience),
                answered=rate.answered,
                expected=rate.expected,
            )
        )
    return _("Answered: {parts}").format(parts=", ".join(parts))


async def campaign_block(
    session: AsyncSession, municipality_id: int, campaign: Campaign, today: date
) -> list[str]:
    return [
        f"<b>{campaign_title(campaign)}</b> — {state_title(state_of(campaign, today))}",
        _("Window: {opens} – {deadline}").format(
            opens=show_day(campaign.opens_on), deadline=show_day(campaign.deadline)
        ),
        await counts_line(session, municipality_id, campaign),
    ]


def rules_line(rules: CampaignRules) -> str:
    return _(
        "Window {days} before the deadline; deadlines {winter} and {spring}; "
        "results {respondents}; satisfaction: {formula}."
    ).format(
        days=ngettext("{count} day", "{count} days", rules.window_days).format(
            count=rules.window_days
        ),
        winter=day_month(rules.winter_deadline),
        spring=day_month(rules.spring_deadline),
        respondents=over_at_least(rules.min_respondents),
        formula=formula_text(rules.satisfaction_formula),
    )


def expected_note() -> str:
    return _(
        "<i>Expected: one answer from each mentee and each mentor per pair or group running "
        "during the window, one from each curator.</i>"
    )


async def municipality_screen(
    session: AsyncSession,
    municipality: Organization,
    today: date,
    now,
    several: bool,
) -> Screen:
    m = municipality.id
    lines = [_("<b>Monitoring: {name}</b>").format(name=escape(municipality.name)), ""]
    rows: list[list[InlineKeyboardButton]] = []
    for campaign in await in_view(session, m, today, now):
        lines += [*await campaign_block(session, m, campaign, today), ""]
        rows.append(
            [
                button(
                    _("⚙ {title}").format(title=campaign_title(campaign)),
                    CampAct(m=m, period=campaign.period, action="card"),
                )
            ]
        )
    lines += [rules_line(await rules_for(session, m)), "", expected_note()]
    rows.append([button(_("⚙ Settings"), CampSet(m=m, what="menu"))])
    if several:
        rows.append([button(_("◀ Other municipalities"), CampOpen(m=CHOOSE))])
    return "\n".join(lines), markup(rows)


async def card_screen(
    session: AsyncSession, municipality: Organization, campaign: Campaign, today: date
) -> Screen:
    m, period = municipality.id, campaign.period
    lines = [
        escape(municipality.name),
        *await campaign_block(session, m, campaign, today),
        "",
        _("Dates are typed as DD.MM.YYYY; answers on the deadline day still count."),
    ]

    def act(action: str) -> CampAct:
        return CampAct(m=m, period=period, action=action)

    toggle = (
        button(_("↺ Reopen"), act("reopen"))
        if campaign.closed_at is not None
        else button(_("✖ Close early"), act("close"))
    )
    rows = [
        [button(_("Change the deadline"), act("deadline")), button(_("+7 days"), act("extend"))],
        [button(_("Change the opening date"), act("opens")), toggle],
        [button(_("📊 Results"), act("results"))],
        [button(_("◀ Back"), CampOpen(m=m))],
    ]
    return "\n".join(lines), markup(rows)


def confirm_close_screen(m: int, period: str, what: str) -> Screen:
    text = _(
        "Close {what} early? Answers will no longer be accepted; you can reopen it later."
    ).format(what=what)
    back = CampAct(m=m, period=period, action="card") if m != ALL else CampOpen(m=ALL)
    rows = [
        [button(_("Yes, close"), CampAct(m=m, period=period, action="close_ok"))],
        [button(_("◀ Back"), back)],
    ]
    return text, markup(rows)


def confirm_reopen_screen(m: int, period: str, what: str, k: int) -> Screen:
    """What reopening does to the figures already shown, said before it is done."""
    figures = ngettext(
        "The figures already shown stay as they are: a school's figures change only if at "
        "least {k} more person answers there. Changes to answers already given will not "
        "change the published figures.",
        "The figures already shown stay as they are: a school's figures change only if at "
        "least {k} more people answer there. Changes to answers already given will not "
        "change the published figures.",
        k,
    ).format(k=k)
    text = "\n\n".join(
        [
            _("Reopen {what}? Answers will be accepted again.").format(what=what),
            figures,
            _(
                "<i>Why: otherwise comparing the figures before and after would show what "
                "one person answered.</i>"
            ),
        ]
    )
    back = CampAct(m=m, period=period, action="card") if m != ALL else CampOpen(m=ALL)
    rows = [
        [button(_("Yes, reopen"), CampAct(m=m, period=period, action="reopen_ok"))],
        [button(_("◀ Back"), back)],
    ]
    return text, markup(rows)


def choice_screen(found: list[Organization], page: int = 0) -> Screen:
    rows = paged(
        [button(org.name, CampOpen(m=org.id)) for org in found],
        page,
        lambda p: CampOpen(m=CHOOSE, page=p),
    )
    rows.append(
        [button(_("All municipalities ({count})").format(count=len(found)), CampOpen(m=ALL))]
    )
    return _("Which municipality's monitoring do you want to see?"), markup(rows)


async def all_screen(
    session: AsyncSession, found: list[Organization], today_of: dict[int, date], now
) -> Screen:
    lines = [_("<b>Monitoring: all municipalities ({count})</b>").format(count=len(found)), ""]
    for org in found:
        shown = await in_view(session, org.id, today_of[org.id], now)
        if shown:
            campaign = shown[0]
            state = state_title(state_of(campaign, today_of[org.id]))
            lines.append(f"<b>{escape(org.name)}</b>: {campaign_title(campaign)} — {state}")
            lines.append(await counts_line(session, org.id, campaign))
    lines += [
        "",
        _("The buttons change the nearest campaign of every municipality listed above."),
    ]

    def act(action: str) -> CampAct:
        return CampAct(m=ALL, period="", action=action)

    rows = [
        [button(_("Change the deadline"), act("deadline")), button(_("+7 days"), act("extend"))],
        [button(_("Change the opening date"), act("opens"))],
        [button(_("✖ Close early"), act("close")), button(_("↺ Reopen"), act("reopen"))],
        [button(_("⚙ Settings"), CampSet(m=ALL, what="menu"))],
        [button(_("◀ Other municipalities"), CampOpen(m=CHOOSE))],
    ]
    return "\n".join(lines), markup(rows)


async def settings_screen(session: AsyncSession, m: int, found: list[Organization]) -> Screen:
    lines = [_("<b>Monitoring settings</b>"), ""]
    formulas = set()
    for org in found:
        rules = await rules_for(session, org.id)
        formulas.add(rules.satisfaction_formula)
        lines.append(f"<b>{escape(org.name)}</b>: {rules_line(rules)}")
    lines += [
        "",
        _(
            "Changed defaults apply to campaigns that have not opened and were not changed by "
            "hand. Results are never shown over fewer than 3 respondents."
        ),
    ]
    other = "share8" if formulas == {"mean"} else "mean"

    def what(name: str, value: str = "") -> CampSet:
        return CampSet(m=m, what=name, value=value)

    rows = [
        [button(_("Window, days"), what("window")), button(_("Minimum respondents"), what("k"))],
        [
            button(_("Winter deadline"), what("winter")),
            button(_("Spring deadline"), what("spring")),
        ],
        [
            button(
                _("Satisfaction: {formula}").format(formula=formula_text(other)),
                what("formula", other),
            )
        ],
        [button(_("◀ Back"), CampOpen(m=m))],
    ]
    return "\n".join(lines), markup(rows)


async def screen_of(
    session: AsyncSession,
    settings: Settings,
    clock: Clock,
    actor: Actor,
    m: int,
    found: list[Organization],
):
    if m == ALL:
        today_of = {org.id: await local_today(session, settings, clock, org.id) for org in found}
        return await all_screen(session, found, today_of, clock.now())
    several = len(await municipalities(session, actor)) > 1
    today = await local_today(session, settings, clock, m)
    return await municipality_screen(session, found[0], today, clock.now(), several)
