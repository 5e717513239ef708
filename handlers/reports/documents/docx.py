"""The draft of the analytical note (/report), shaped like seeds 000 and 004.

Basis (with a place for the order's details), the figures (coverage, pairs and groups by
form, meetings, monitoring with the satisfaction formula), the table of key indicators with
numerators and denominators, what was achieved, the shortcomings the data shows (schools
not covered, without meetings, with low response, without denominators, indicators below
plan) and a place for recommendations, for the coordinator to edit. Only aggregates appear:
no free-text answer, no figure below the anonymity threshold.
"""

from __future__ import annotations

import io
from decimal import Decimal

from docx import Document
from docx.shared import Cm, Pt

from handlers.reports.documents.text_ru import (
    CATEGORY_RU,
    FORMULA_RU,
    LAGGING_RU,
    ROLE_RU,
    count_ru,
    date_ru,
    indicator_calculation,
    number_ru,
    percent_ru,
    plural_ru,
    satisfaction_ru,
)
from storage.models.enums import OrgLevel
from storage.reports.indicators import Summary
from storage.reports.period import shift_year
from storage.reports.survey import AUDIENCES, MENTEE, MENTOR

PLACEHOLDER = "________________________________________________"


def _where(summary: Summary) -> str:
    scope = summary.scope
    if scope.level == OrgLevel.school:
        return f"в {scope.name}"
    if scope.level == OrgLevel.municipality:
        return f"в образовательных организациях муниципалитета «{scope.name}»"
    return f"в образовательных организациях региона «{scope.name}»"


def build_note(summary: Summary, chart: bytes | None = None) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    title = document.add_paragraph()
    run = title.add_run(
        "Аналитическая справка\nпо итогам мониторинга реализации целевой модели наставничества "
        f"{_where(summary)} (на {date_ru(summary.today)})"
    )
    run.bold = True
    document.add_paragraph().add_run(
        "Проект справки сформирован автоматически по данным бота наставничества; "
        "перед отправкой проверьте и дополните текст."
    ).italic = True

    document.add_heading("1. Основание", level=2)
    document.add_paragraph(
        "Работа по внедрению целевой модели наставничества организована на основании "
        f"документов: {PLACEHOLDER} (укажите реквизиты приказа и дорожной карты)."
    )
    document.add_paragraph(
        f"Мониторинг проведён за {summary.year} учебный год; сведения об участниках, "
        "наставнических парах и группах, встречах и анкетировании взяты из баз наставников "
        "и наставляемых, которые ведут кураторы образовательных организаций."
    )

    document.add_heading("2. Охват", level=2)
    schools = len(summary.scope.schools)
    by_code = {i.code: i for i in summary.indicators}
    running = by_code["1"]
    document.add_paragraph(
        f"Образовательных организаций: {number_ru(schools)}; реализуют систему наставничества: "
        f"{number_ru(running.numerator)} ({percent_ru(running.percent)}). "
        f"Реализуется программ наставничества (пар и групп): "
        f"{number_ru(summary.programmes_total)}."
    )
    document.add_paragraph(
        "Сформированы базы наставников и наставляемых. "
        + " ".join(_people_of(summary, role) for role in ("mentor", "mentee"))
    )
    if summary.forms:
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        header = (
            "Форма наставничества",
            "Пар действует",
            "Групп действует",
            "Пар завершено",
            "Групп завершено",
        )
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for form in summary.forms:
            cells = table.add_row().cells
            values = (
                form.form,
                form.active_pairs,
                form.active_groups,
                form.closed_pairs,
                form.closed_groups,
            )
            for cell, value in zip(cells, values, strict=True):
                cell.text = value if isinstance(value, str) else number_ru(value)

    document.add_heading("3. Встречи", level=2)
    median = summary.meetings_median
    document.add_paragraph(
        f"Проведено встреч за учебный год: {number_ru(summary.meetings_total)}; медиана — "
        f"{_median(median) if median is not None else '—'} на пару или группу. "
        f"Пар и групп без встреч более 30 дней: {number_ru(summary.stale_pairs)}."
    )

    document.add_heading("4. Мониторинг", level=2)
    for survey in summary.surveys:
        figures = survey.current
        if figures is None:
            document.add_paragraph(f"{survey.name}: кампания мониторинга ещё не открывалась.")
            continue
        lines = []
        for key in AUDIENCES:
            rates = figures.rates.get(key, {})
            answered = sum(r.answered for r in rates.values())
            expected = sum(r.expected for r in rates.values())
            who = (
                plural_ru(expected, "наставляемого", "наставляемых", "наставляемых")
                if key == MENTEE
                else plural_ru(expected, "наставника", "наставников", "наставников")
            )
            lines.append(f"получены ответы {number_ru(answered)} из {number_ru(expected)} {who}")
        document.add_paragraph(
            f"{survey.name}: кампания со сроком {date_ru(figures.campaign.deadline)} — "
            + "; ".join(lines)
            + "."
        )
    formula = FORMULA_RU.get(summary.formula or "mean", FORMULA_RU["mean"])
    sat = summary.satisfaction
    texts = {
        key: satisfaction_ru(sat.get(key), summary.coverage[key], summary.formulas_differ)
        for key in AUDIENCES
    }
    if any(v is not None for v in sat.values()):
        threshold = count_ru(summary.k, "ответившего", "ответивших", "ответивших")
        document.add_paragraph(
            "Эффективность программ: удовлетворённость наставляемых качеством программ "
            f"наставничества: {texts[MENTEE]}; удовлетворённость наставников: {texts[MENTOR]} "
            f"(формула: {formula}; показывается по группам не меньше {threshold})."
        )
    elif any(s.current is not None for s in summary.surveys):
        document.add_paragraph(
            f"Удовлетворённость не приводится: наставляемые — {texts[MENTEE]}; "
            f"наставники — {texts[MENTOR]}."
        )
    changes = [c for c in summary.changes if c.satisfaction_delta is not None]
    for change in changes:
        who = "наставляемых" if change.key == MENTEE else "наставников"
        document.add_paragraph(
            f"По сравнению с предыдущей кампанией удовлетворённость {who} изменилась на "
            f"{_signed(change.satisfaction_delta)} п. п. "
            f"({percent_ru(change.satisfaction_before)} → {percent_ru(change.satisfaction_now)})."
        )

    document.add_heading("5. Показатели эффективности", level=2)
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells,
        ("№", "Наименование показателя", "Значение", "Расчёт", "План"),
        strict=True,
    ):
        cell.text = text
    for indicator in summary.indicators:
        cells = table.add_row().cells
        value = (
            number_ru(indicator.numerator)
            if indicator.spec.denominator is None and indicator.code != "1"
            else percent_ru(indicator.percent)
        )
        for cell, text in zip(
            cells,
            (
                indicator.code,
                indicator.spec.title,
                value,
                indicator_calculation(indicator),
                percent_ru(indicator.spec.target) if indicator.spec.target is not None else "—",
            ),
            strict=True,
        ):
            cell.text = text
    document.add_paragraph(
        "Доли рассчитаны как числитель ÷ знаменатель × 100 и отброшены до десятых; "
        "знаменатели внесены образовательными организациями за учебный год."
    )
    if chart is not None:
        document.add_picture(io.BytesIO(chart), width=Cm(16))

    document.add_heading("6. Достигнуто", level=2)
    achieved = [
        i
        for i in summary.indicators
        if i.spec.target is not None and i.percent is not None and i.percent >= i.spec.target
    ]
    if achieved:
        for indicator in achieved:
            document.add_paragraph(
                f"{indicator.spec.title} — {percent_ru(indicator.percent)} "
                f"({indicator_calculation(indicator)}), плановое значение "
                f"{percent_ru(indicator.spec.target)} достигнуто.",
                style="List Number",
            )
    else:
        document.add_paragraph("Плановые значения показателей пока не достигнуты.")

    document.add_heading("7. Недостатки, которые показывают данные", level=2)
    shortcomings = _shortcomings(summary)
    if shortcomings:
        for text in shortcomings:
            document.add_paragraph(text, style="List Number")
    else:
        document.add_paragraph("Существенных недостатков по данным мониторинга не выявлено.")

    document.add_heading(f"8. Рекомендации на {shift_year(summary.year, 1)} учебный год", level=2)
    for number in range(1, 4):
        document.add_paragraph(f"{number}. {PLACEHOLDER}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _people_of(summary: Summary, role: str) -> str:
    """«Наставники — 3: педагоги — 3, …»: each role's categories under the role's name,
    since «педагоги» are found among mentors and mentees alike."""
    counts = [
        (label, summary.people.get(key, 0)) for key, label in CATEGORY_RU.items() if key[0] == role
    ]
    listed = ", ".join(f"{label} — {number_ru(n)}" for label, n in counts)
    return f"{ROLE_RU[role].capitalize()} — {number_ru(sum(n for _l, n in counts))}: {listed}."


def _median(value: Decimal) -> str:
    """«2 встречи», «2,5 встречи»: whole when it is whole, as in the chat."""
    shown: int | Decimal = int(value) if value == int(value) else value
    return count_ru(shown, "встреча", "встречи", "встреч")


def _signed(value) -> str:
    text = number_ru(abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)


def _shortcomings(summary: Summary) -> list[str]:
    found = []
    for reason, label in LAGGING_RU.items():
        names = [row.school.name for row in summary.schools if reason in row.lagging]
        if names:
            found.append(f"{label.capitalize()} — {len(names)} ОО: {', '.join(names)}.")
    missing = summary.missing_denominators
    if missing:
        found.append(
            "Не внесены данные для расчёта показателей (/stats) — "
            f"{len(missing)} ОО: {', '.join(missing)}."
        )
    for indicator in summary.indicators:
        target = indicator.spec.target
        if target is not None and indicator.percent is not None and indicator.percent < target:
            found.append(
                f"Показатель {indicator.code} ({indicator.spec.title.lower()}) — "
                f"{percent_ru(indicator.percent)} при плане {percent_ru(target)}."
            )
    return found
