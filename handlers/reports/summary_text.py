"""The /summary text: an overview page, then the table by school cut into pages.

Numbers and dates in the reader's language (6 793 and 27,2 % in Russian; dd.mm.yyyy);
every page stays under Telegram's 4096 characters. Only aggregates: satisfaction appears
where survey_aggregates shows it (at least k respondents, not suppressed), with its formula.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from aiogram.utils.i18n import get_i18n, ngettext
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import lazy_gettext as __
from babel.numbers import format_decimal

from handlers.campaigns.common import show_day
from handlers.ui.figures import hidden, too_few
from storage.models.enums import OrgLevel
from storage.reports.indicators import Coverage, Indicator, SchoolRow, Summary
from storage.reports.survey import MENTEE, MENTOR, Satisfied
from storage.surveys.aggregates import ResponseRate, formula_text

PAGE_LIMIT = 3800

TITLES = {
    "1": __("Schools running mentoring"),
    "2": __("Mentoring programmes"),
    "3": __("Students aged 10–18 who are mentees"),
    "4": __("Students aged 15–18 who are mentors"),
    "5": __("Young teachers (0–3 years) who are mentees"),
    "6": __("Teachers who are mentors"),
    "6а": __("Teachers in programmes in any role"),
    "7": __("Young teachers with an individual route"),
}
LAGGING = {
    "no_pairs": __("no active pairs or groups"),
    "no_meetings": __("no meetings for 30 days"),
    "low_response": __("fewer than half answered"),
}


def whole(value: int) -> str:
    return format_decimal(value, locale=get_i18n().current_locale)


def tenth(value: Decimal | float) -> str:
    return format_decimal(Decimal(str(value)), format="#,##0.0", locale=get_i18n().current_locale)


def half(value: Decimal) -> str:
    """A median: whole, or with its half (2,5)."""
    return whole(int(value)) if value == int(value) else tenth(value)


def pct(value: Decimal | float | None) -> str:
    return "—" if value is None else f"{tenth(value)} %"


def signed(value: Decimal) -> str:
    text = tenth(abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)


def indicator_line(indicator: Indicator) -> str:
    title = str(TITLES[indicator.code])
    if indicator.spec.denominator is None and indicator.code != "1":
        return f"{indicator.code}. {title}: <b>{whole(indicator.numerator)}</b>"
    if indicator.denominator is None:
        figure = _("no denominator yet: no school has entered it in /stats")
    else:
        figure = _("<b>{percent}</b> ({numerator} of {denominator})").format(
            percent=pct(indicator.percent),
            numerator=whole(indicator.numerator),
            denominator=whole(indicator.denominator),
        )
    line = f"{indicator.code}. {title}: {figure}"
    if indicator.missing and indicator.denominator is not None:
        count = len(indicator.missing)
        line += " " + ngettext(
            "without {count} school that has not entered it",
            "without {count} schools that have not entered it",
            count,
        ).format(count=count)
    return line


def rate_text(rate: ResponseRate | None) -> str:
    if rate is None or not rate.expected:
        return "—"
    return _("{answered} of {expected} ({percent})").format(
        answered=whole(rate.answered), expected=whole(rate.expected), percent=pct(rate.percent)
    )


def satisfaction_text(sat: Satisfied | None) -> str:
    if sat is None:
        return _("no answers")
    if sat.percent is not None:
        return pct(sat.percent)
    if sat.hidden:
        return hidden()
    return too_few(sat.respondents, sat.k)


def reasons_text(coverage: Coverage) -> tuple[int, str]:
    """Why units are left out of a figure: one reason, or each with how many it holds."""
    reasons = [
        (
            coverage.too_few,
            ngettext("fewer than {k} answer", "fewer than {k} answers", coverage.k).format(
                k=coverage.k
            ),
        ),
        (coverage.hidden, hidden()),
        (coverage.pending, _("results after the deadline")),
        (coverage.no_campaign, _("no campaign yet")),
    ]
    found = [(count, text) for count, text in reasons if count]
    if len(found) == 1:
        return 1, found[0][1]
    return len(found), ", ".join(f"{text} — {whole(count)}" for count, text in found)


def others_text(coverage: Coverage) -> str:
    kinds, reasons = reasons_text(coverage)
    if kinds == 1:
        return _("the others: {reason}").format(reason=reasons)
    return _("the others: {reasons}").format(reasons=reasons)


def coverage_text(coverage: Coverage) -> str:
    """«over 1 of 2 municipalities; the others: fewer than 3 answers»."""
    covered = ngettext(
        "over {shown} of {units} municipality",
        "over {shown} of {units} municipalities",
        coverage.units,
    ).format(shown=whole(coverage.shown), units=whole(coverage.units))
    return f"{covered}; {others_text(coverage)}"


def scope_satisfaction(summary: Summary, key: str) -> str:
    """The scope's satisfaction figure with what it covers, or why there is none."""
    coverage = summary.coverage[key]
    figure = summary.satisfaction.get(key)
    if summary.formulas_differ:
        return _("municipalities count it by different formulas: see each municipality")
    if figure is not None:
        text = pct(figure)
        return f"{text} ({coverage_text(coverage)})" if coverage.partial else text
    if coverage.units == 1:
        if coverage.pending:
            return _("after the deadline")
        if coverage.hidden:
            return hidden()
        return too_few(coverage.respondents, coverage.k)
    if coverage.pending == coverage.units - coverage.no_campaign:
        return _("after the deadline")
    return _("not shown in any municipality: {reasons}").format(reasons=reasons_text(coverage)[1])


def people_line(summary: Summary) -> str:
    people = summary.people

    def count(role: str, category: str) -> str:
        return whole(people.get((role, category), 0))

    mentors = sum(n for (role, _c), n in people.items() if role == "mentor")
    mentees = sum(n for (role, _c), n in people.items() if role == "mentee")
    return _(
        "<b>People</b>: mentors {mentors} (teachers {teachers}, students {students}, "
        "partners {partners}); mentees {mentees} (students {m_students}, young teachers "
        "{young}, teachers {m_teachers}); curators {curators}."
    ).format(
        mentors=whole(mentors),
        teachers=count("mentor", "teacher"),
        students=count("mentor", "student"),
        partners=count("mentor", "partner"),
        mentees=whole(mentees),
        m_students=count("mentee", "student"),
        young=count("mentee", "young_teacher"),
        m_teachers=count("mentee", "teacher"),
        curators=count("curator", ""),
    )


def overview(summary: Summary) -> str:
    lines = [
        _("<b>Summary: {name}</b>").format(name=escape(summary.scope.name)),
        _("Academic year {year}, as of {day}.").format(
            year=summary.year, day=show_day(summary.today)
        ),
        "",
        people_line(summary),
        "",
        _("<b>Pairs and groups</b> of the year, active / closed:"),
    ]
    if not summary.forms:
        lines.append(_("none yet"))
    for form in summary.forms:
        lines.append(
            _(
                "• {form}: pairs {pairs_active} / {pairs_closed}, groups {groups_active} / "
                "{groups_closed}"
            ).format(
                form=escape(form.form),
                pairs_active=whole(form.active_pairs),
                pairs_closed=whole(form.closed_pairs),
                groups_active=whole(form.active_groups),
                groups_closed=whole(form.closed_groups),
            )
        )
    median = summary.meetings_median
    lines += [
        "",
        _(
            "<b>Meetings</b> this year: {total}; median {median} per pair or group; "
            "pairs without a meeting for 30 days: {stale}."
        ).format(
            total=whole(summary.meetings_total),
            median=half(median) if median is not None else "—",
            stale=whole(summary.stale_pairs),
        ),
        "",
    ]
    lines += monitoring_lines(summary)
    lines += ["", _("<b>Key indicators</b>:")]
    lines += [indicator_line(i) for i in summary.indicators]
    missing = summary.missing_denominators
    if missing:
        lines.append(
            _("No figures in /stats for {year}: {schools}.").format(
                year=summary.year, schools=escape(", ".join(missing))
            )
        )
    lagging = summary.lagging
    if lagging and summary.scope.level != OrgLevel.school:
        lines += ["", _("<b>Schools that lag</b> ({count}):").format(count=len(lagging))]
        for row in lagging[:15]:
            reasons = ", ".join(str(LAGGING[r]) for r in row.lagging)
            lines.append(f"• {escape(row.school.name)}: {reasons}")
        if len(lagging) > 15:
            lines.append(
                _("…and {count} more in the table by school.").format(count=len(lagging) - 15)
            )
    elif lagging:
        reasons = ", ".join(str(LAGGING[r]) for r in lagging[0].lagging)
        lines += ["", _("<b>Needs attention</b>: {reasons}.").format(reasons=reasons)]
    return "\n".join(lines)


def monitoring_lines(summary: Summary) -> list[str]:
    campaigns = [s.current for s in summary.surveys if s.current is not None]
    if not campaigns:
        return [_("<b>Monitoring</b>: no campaign has opened yet.")]
    deadlines = sorted({c.campaign.deadline for c in campaigns})
    lines = [
        _("<b>Monitoring</b>, campaign with the deadline {deadline}:").format(
            deadline=", ".join(show_day(d) for d in deadlines)
        )
    ]
    for key, who in ((MENTEE, _("mentees")), (MENTOR, _("mentors"))):
        lines.append(
            _("• {who}: answered {rate}; satisfaction: {satisfaction}").format(
                who=who,
                rate=rate_text(summary.rates.get(key)),
                satisfaction=scope_satisfaction(summary, key),
            )
        )
    if not summary.formulas_differ:
        lines.append(
            _("Satisfaction: {formula}; shown over at least {k} respondents.").format(
                formula=formula_text(summary.formula or "mean"), k=summary.k
            )
        )

    changes = []
    for change in summary.changes:
        who = _("mentees") if change.key == MENTEE else _("mentors")
        parts = []
        if change.satisfaction_delta is not None:
            parts.append(
                _("satisfaction {delta} p.p.").format(delta=signed(change.satisfaction_delta))
            )
        if change.response_delta is not None:
            parts.append(_("response {delta} p.p.").format(delta=signed(change.response_delta)))
        if parts:
            changes.append(f"{who}: " + ", ".join(parts))
    if changes:
        lines.append(_("Since the previous campaign: {changes}").format(changes="; ".join(changes)))
    elif all(s.previous is None for s in summary.surveys):
        lines.append(_("There was no previous campaign to compare with."))
    return lines


def school_line(row: SchoolRow) -> str:
    line = _(
        "<b>{name}</b>: pairs {pairs}, groups {groups}, closed {closed}; meetings {meetings} "
        "(median {median}, silent 30 days: {stale}); answered: mentees {r_mentee}, mentors "
        "{r_mentor}; satisfaction of mentees: {s_mentee}, of mentors: {s_mentor}"
    ).format(
        name=escape(row.school.name),
        pairs=whole(row.active_pairs),
        groups=whole(row.active_groups),
        closed=whole(row.closed),
        meetings=whole(row.meetings.total),
        median=half(row.median) if row.median is not None else "—",
        stale=whole(row.meetings.stale),
        r_mentee=pct(row.rates[MENTEE].percent) if MENTEE in row.rates else "—",
        r_mentor=pct(row.rates[MENTOR].percent) if MENTOR in row.rates else "—",
        s_mentee=satisfaction_text(row.satisfaction.get(MENTEE)),
        s_mentor=satisfaction_text(row.satisfaction.get(MENTOR)),
    )
    if row.lagging:
        line += " ⚠ " + ", ".join(str(LAGGING[r]) for r in row.lagging)
    return line


def pages(summary: Summary) -> list[str]:
    """The overview, then the table by school for a municipality or region."""
    first = overview(summary)
    if len(first) > PAGE_LIMIT:
        first = first[:PAGE_LIMIT] + "…"
    result = [first]
    if summary.scope.level == OrgLevel.school:
        return result
    header = _("<b>By school</b> — {name}, {year}").format(
        name=escape(summary.scope.name), year=summary.year
    )
    current = header
    for row in summary.schools:
        line = school_line(row)
        if len(current) + len(line) + 2 > PAGE_LIMIT:
            result.append(current)
            current = header
        current += "\n\n" + line
    result.append(current)
    return result
