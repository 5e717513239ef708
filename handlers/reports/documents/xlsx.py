"""The /export workbook: registers, pairs and groups, meetings, monitoring, indicators.

Sheets: «База наставников» and «База наставляемых» in the columns of seed 001, appendix 3;
«Пары и группы»; «Встречи» (a school: one row per meeting; a municipality or region: one
row per pair or group with its meetings counted, hours, dates, confirmations, formats);
«Мониторинг» (aggregates only, from storage/survey_aggregates:
response counts, satisfaction and question means over at least k respondents, never a
free-text answer); «Показатели» (indicators 1–7 by academic year, as seed 001 §7.7, with
numerators and denominators); «Сводка по ОО» (one row per school). Headers are frozen,
widths fitted to the content, dates written as dates shown dd.mm.yyyy.

The workbook is written row by row in xlsxwriter's constant-memory mode, so a region with
150 000 meetings stays small in memory. Documents are in Russian, the language of the
official forms, whatever the reader's interface language.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import xlsxwriter
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.reports.documents.text_ru import (
    AUDIENCE_RU,
    FORMULA_RU,
    HIDDEN_RU,
    LAGGING_RU,
    QUESTIONS_RU,
    indicator_calculation,
    percent_ru,
    too_few_ru,
)
from storage.models.enums import OrgLevel
from storage.reports.indicators import Indicator, Summary, indicators_for
from storage.reports.period import shift_year
from storage.reports.registers import (
    MEETING_COLUMNS,
    MEETING_SUMMARY_COLUMNS,
    MENTEE_COLUMNS,
    MENTOR_COLUMNS,
    PROGRAMME_COLUMNS,
    meeting_rows,
    meeting_summary_rows,
    mentee_register,
    mentor_register,
    mentor_workplaces,
    programme_rows,
    programmes,
)
from storage.reports.survey import AUDIENCES, Asked, Satisfied, question_totals, questionnaire
from storage.surveys.aggregates import ResponseRate, school_aggregate
from storage.surveys.questionnaires.model import Kind

YEARS = 4  # academic years in «Показатели», like the 2021–2024 columns of seed 001 §7.7
MAX_WIDTH = 60
EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system (from March 1900 on)


class _Sheet:
    """A worksheet with a bold frozen header and widths fitted to what was written."""

    def __init__(self, book: Any, formats: dict[str, Any], title: str, columns: Iterable[str]):
        self.sheet = book.add_worksheet(title)
        self.formats = formats
        self.columns = list(columns)
        self.widths = [min(max(len(c), 6), MAX_WIDTH) for c in self.columns]
        self.row = 0
        self.sheet.freeze_panes(1, 0)
        # Widths first: in constant-memory mode a row cannot be revisited, widths can.
        self.write(self.columns, header=True)

    def write(self, values: Iterable[Any], header: bool = False) -> None:
        # The hot loop of a region's export (600 000 cells): exact type checks first, the
        # date as Excel's serial day written as a number in the date format (what
        # write_datetime would do, without its conversion per cell).
        sheet, row, widths = self.sheet, self.row, self.widths
        number, string = sheet.write_number, sheet.write_string
        formats = self.formats
        text_format = formats["header"] if header else None
        for col, value in enumerate(values):
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                string(row, col, value, text_format)
                width = len(value)
            elif kind is date:
                number(row, col, (value - EXCEL_EPOCH).days, formats["date"])
                width = 10
            elif kind is int or kind is float:
                number(row, col, value)
                width = len(str(value))
            elif isinstance(value, date):  # a datetime: its day, like the columns say
                number(row, col, (value.date() - EXCEL_EPOCH).days, formats["date"])
                width = 10
            elif isinstance(value, Decimal):
                number(row, col, float(value), formats["tenth"])
                width = 8
            elif isinstance(value, int | float):
                number(row, col, value)
                width = len(str(value))
            else:
                text = str(value)
                string(row, col, text, text_format)
                width = len(text)
            if col < len(widths) and width >= widths[col]:
                widths[col] = min(width + 1, MAX_WIDTH)
        self.row += 1

    def finish(self) -> None:
        for col, width in enumerate(self.widths):
            self.sheet.set_column(col, col, width)


async def build_workbook(session: AsyncSession, summary: Summary) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "in_memory": False, "strings_to_urls": False}
    )
    formats = {
        "header": book.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
        "date": book.add_format({"num_format": "dd.mm.yyyy"}),
        "tenth": book.add_format({"num_format": "0.0"}),
    }
    ids = summary.scope.school_ids
    found = await programmes(session, ids)
    by_id = {p.id: p for p in found}

    sheet = _Sheet(book, formats, "База наставников", MENTOR_COLUMNS)
    for row in await mentor_register(session, ids, by_id):
        sheet.write(row)
    sheet.finish()
    workplaces = await mentor_workplaces(session, ids)
    sheet = _Sheet(book, formats, "База наставляемых", MENTEE_COLUMNS)
    for row in await mentee_register(session, ids, by_id, workplaces):
        sheet.write(row)
    sheet.finish()
    sheet = _Sheet(book, formats, "Пары и группы", PROGRAMME_COLUMNS)
    for row in programme_rows(found):
        sheet.write(row)
    sheet.finish()
    if summary.scope.level == OrgLevel.school:
        sheet = _Sheet(book, formats, "Встречи", MEETING_COLUMNS)
        async for row in meeting_rows(session, ids, by_id):
            sheet.write(row)
    else:
        # A municipality or region: one row per pair or group (150 000 meetings of a
        # region would be a million and a half cells nobody reads).
        sheet = _Sheet(book, formats, "Встречи", MEETING_SUMMARY_COLUMNS)
        for row in await meeting_summary_rows(session, ids, by_id):
            sheet.write(row)
    sheet.finish()
    await _monitoring(_Sheet(book, formats, "Мониторинг", MONITORING_COLUMNS), session, summary)
    await _indicators(session, book, formats, summary)
    _schools(_Sheet(book, formats, "Сводка по ОО", SCHOOL_COLUMNS), summary)
    book.close()
    return buffer.getvalue()


MONITORING_COLUMNS = (
    "Муниципалитет",
    "Срок кампании",
    "Анкета",
    "Образовательная организация / вопрос",
    "Ответили",
    "Ожидалось",
    "Доля ответивших, %",
    "Удовлетворённость, %",
    "Среднее (1–10)",
    "Доля «да», %",
    "Примечание",
)


def _note(sat: Satisfied | None) -> str:
    if sat is None:
        return "нет ответов"
    if sat.percent is not None:
        return ""
    if sat.hidden:
        return HIDDEN_RU
    return too_few_ru(sat.respondents, sat.k)


async def _monitoring(sheet: _Sheet, session: AsyncSession, summary: Summary) -> None:
    single = summary.scope.level == OrgLevel.school
    # The municipal totals of every question (the summary itself counts satisfaction only).
    totals = (
        {}
        if single
        else await question_totals(
            session,
            [
                Asked(survey.municipality_id, (), figures.campaign)
                for survey in summary.surveys
                for figures in (survey.current, survey.previous)
                if figures is not None
            ],
            summary.today,
        )
    )
    for survey in summary.surveys:
        for figures in (survey.current, survey.previous):
            if figures is None:
                continue
            campaign = figures.campaign
            for key in AUDIENCES:
                title = AUDIENCE_RU[key]
                rates = figures.rates.get(key, {})
                answered = sum(r.answered for r in rates.values())
                expected = sum(r.expected for r in rates.values())
                total = figures.total.get(key)
                if single:
                    total = figures.schools.get(key, {}).get(summary.scope.org_id)
                sheet.write(
                    (
                        survey.name,
                        campaign.deadline,
                        title,
                        summary.scope.name if single else "Итого по муниципалитету",
                        answered,
                        expected,
                        _rate(answered, expected),
                        _sat(total),
                        None,
                        None,
                        "; ".join(
                            part
                            for part in (
                                _note(total) if figures.ready else "итоги после срока кампании",
                                f"формула: {FORMULA_RU.get(total.formula, '')}" if total else "",
                            )
                            if part
                        ),
                    )
                )
                if not figures.ready:
                    continue
                if not single:
                    for school in summary.scope.schools_of(survey.municipality_id):
                        rate = rates.get(school.id)
                        sat = figures.schools.get(key, {}).get(school.id)
                        sheet.write(
                            (
                                survey.name,
                                campaign.deadline,
                                title,
                                school.name,
                                rate.answered if rate else 0,
                                rate.expected if rate else 0,
                                _rate(rate.answered, rate.expected) if rate else None,
                                _sat(sat),
                                None,
                                None,
                                _note(sat),
                            )
                        )
                aggregate = totals.get(campaign.id, {}).get(key)
                if single:
                    aggregate = await school_aggregate(
                        session, questionnaire(key), summary.scope.org_id, campaign_id=campaign.id
                    )
                if aggregate is None or not aggregate.questions:
                    continue
                for result in aggregate.questions:
                    if result.kind == Kind.text:
                        # Free text is never exported, not even over k writers.
                        note = f"свободных ответов: {result.answered}; тексты не выгружаются"
                        mean = yes = None
                    elif not result.shown:
                        note, mean, yes = too_few_ru(result.answered, aggregate.k), None, None
                    else:
                        note = ""
                        mean = Decimal(str(result.mean)) if result.mean is not None else None
                        yes = (
                            Decimal(str(result.yes_percent))
                            if result.yes_percent is not None
                            else None
                        )
                    sheet.write(
                        (
                            survey.name,
                            campaign.deadline,
                            title,
                            _question_text(key, result.key),
                            result.answered,
                            None,
                            None,
                            None,
                            mean,
                            yes,
                            note,
                        )
                    )
    sheet.finish()


def _question_text(key: str, question_key: str) -> str:
    return QUESTIONS_RU.get(question_key, question_key)


def _rate(answered: int, expected: int) -> Decimal | None:
    if not expected:
        return None
    return Decimal(str(ResponseRate(answered, expected).percent))


def _sat(sat: Satisfied | None) -> Decimal | None:
    return Decimal(str(sat.percent)) if sat is not None and sat.percent is not None else None


async def _indicators(session: AsyncSession, book: Any, formats: dict, summary: Summary) -> None:
    years = [shift_year(summary.year, -n) for n in range(YEARS - 1, -1, -1)]
    by_year: dict[str, list[Indicator]] = {}
    for year in years:
        by_year[year] = (
            summary.indicators
            if year == summary.year
            else await indicators_for(session, summary.scope, year)
        )
    columns = ["№", "Наименование показателя"]
    for year in years:
        columns += [f"{year} уч. г.", f"{year}: расчёт"]
    columns.append("Плановое значение")
    sheet = _Sheet(book, formats, "Показатели", columns)
    # A share no school has the denominator for is left empty, and said once per year
    # under the table: the same words in every cell of a past year hid the figures.
    unentered: dict[str, list[str]] = {}
    for index, indicator in enumerate(summary.indicators):
        row: list[Any] = [indicator.code, indicator.spec.title]
        for year in years:
            found = by_year[year][index]
            if found.spec.denominator and found.denominator is None:
                row += [None, None]
                unentered.setdefault(year, []).append(found.code)
                continue
            value = found.percent if found.spec.denominator or found.code == "1" else None
            row += [value if value is not None else found.numerator, indicator_calculation(found)]
            if found.spec.denominator and found.percent is None:
                row[-2] = None
        row.append(
            f"{percent_ru(indicator.spec.target)}" if indicator.spec.target is not None else ""
        )
        sheet.write(row)
    sheet.write(())
    sheet.write(
        (
            "",
            "Доли — числитель ÷ знаменатель × 100, отброшено до десятых (380 из 1394 = 27,2 %). "
            "Знаменатели — данные ОО за учебный год (/stats); ОО без данных названы в расчёте "
            "и не входят ни в числитель, ни в знаменатель.",
        )
    )
    years_of: dict[tuple[str, ...], list[str]] = {}
    for year, codes in unentered.items():
        years_of.setdefault(tuple(codes), []).append(year)
    for codes, years_missing in years_of.items():
        sheet.write(("", _unentered_note(years_missing, codes)))
    sheet.finish()


def _unentered_note(years: list[str], codes: tuple[str, ...]) -> str:
    """«2022/2023 и 2023/2024 уч. г.: …» — the one place the sheet says why cells are empty."""
    when = years[0] if len(years) == 1 else f"{', '.join(years[:-1])} и {years[-1]}"
    which = (
        f"не рассчитан показатель {codes[0]}"
        if len(codes) == 1
        else f"не рассчитаны показатели {', '.join(codes)}"
    )
    return (
        f"{when} уч. г.: ни одна ОО не внесла знаменатель (/stats) — {which} "
        "(ячейки оставлены пустыми)."
    )


SCHOOL_COLUMNS = (
    "Муниципалитет",
    "Образовательная организация",
    "Наставников",
    "Наставляемых",
    "Пар действует",
    "Групп действует",
    "Завершено",
    "Встреч за год",
    "Медиана встреч на пару/группу",
    "Пар без встреч 30 дней",
    "Ответили наставляемые, %",
    "Ответили наставники, %",
    "Удовлетворённость наставляемых, %",
    "Удовлетворённость наставников, %",
    "Показатель 3, %",
    "Показатель 4, %",
    "Показатель 5, %",
    "Показатель 6, %",
    "Показатель 7, %",
    "Отстаёт",
)


def _schools(sheet: _Sheet, summary: Summary) -> None:
    for row in summary.schools:
        mentors = sum(n for (role, _c), n in row.people.items() if role == "mentor")
        mentees = sum(n for (role, _c), n in row.people.items() if role == "mentee")
        by_code = {i.code: i.percent for i in row.indicators}
        rates = [row.rates.get(k) for k in AUDIENCES]
        sheet.write(
            (
                row.school.municipality,
                row.school.name,
                mentors,
                mentees,
                row.active_pairs,
                row.active_groups,
                row.closed,
                row.meetings.total,
                row.median,
                row.meetings.stale,
                *(_rate(r.answered, r.expected) if r else None for r in rates),
                *(_sat(row.satisfaction.get(k)) for k in AUDIENCES),
                *(by_code.get(code) for code in ("3", "4", "5", "6", "7")),
                "; ".join(LAGGING_RU[reason] for reason in row.lagging),
            )
        )
    sheet.finish()
