"""Russian wording and number formats of the report documents (XLSX, DOCX, charts).

The documents go to the municipality and the region in the language of the official forms,
so they are Russian whatever the reader's interface language; Telegram messages are
translated as usual (handlers/reports/summary_text.py). Numbers: a comma for decimals and a
non-breaking space between thousands (6 793; 27,2 %); dates dd.mm.yyyy.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel import Locale

from storage.reports.indicators import Coverage, Indicator

_RU = Locale.parse("ru")

AUDIENCE_RU = {"monitoring_mentee": "наставляемые", "monitoring_mentor": "наставники"}
FORMULA_RU = {
    "mean": "среднее по пунктам удовлетворённости ÷ 10 × 100",
    "share8": "доля ответивших, поставивших в среднем 8–10 баллов",
}
LAGGING_RU = {
    "no_pairs": "нет действующих пар и групп",
    "no_meetings": "нет встреч за 30 дней",
    "low_response": "ответили меньше половины участников",
}
ROLE_RU = {"mentor": "наставники", "mentee": "наставляемые", "curator": "кураторы"}
CATEGORY_RU = {
    ("mentor", "teacher"): "педагоги",
    ("mentor", "student"): "обучающиеся 15–18 лет",
    ("mentor", "partner"): "социальные партнёры",
    ("mentee", "young_teacher"): "молодые специалисты (0–3 года)",
    ("mentee", "teacher"): "педагоги",
    ("mentee", "student"): "обучающиеся 10–18 лет",
    ("curator", ""): "кураторы",
}
QUESTIONS_RU = {
    "effectiveness": "Эффективность программы",
    "communication": "Комфорт общения",
    "individual_meetings": "Польза индивидуальных встреч",
    "group_meetings": "Польза групповых встреч",
    "goals_clear": "Ясность целей и плана",
    "expectations_met": "Соответствие ожиданиям",
    "support": "Поддержка наставника",
    "involvement": "Вовлечённость наставляемого",
    "overall": "Общая удовлетворённость",
    "continue": "Хотят продолжить",
    "become_mentor": "Хотят стать наставником",
    "mentor_again": "Готовы снова быть наставником",
    "valuable": "Самое ценное (свободный ответ)",
    "change": "Что изменить (свободный ответ)",
}
MONTHS_RU = (
    "янв",
    "фев",
    "мар",
    "апр",
    "май",
    "июн",
    "июл",
    "авг",
    "сен",
    "окт",
    "ноя",
    "дек",
)


def number_ru(value: int | Decimal | float) -> str:
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    text = f"{Decimal(str(value)):,.1f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def plural_ru(n: int | Decimal, one: str, few: str, many: str) -> str:
    """The noun after the number n, by CLDR's Russian rule (the one the ru catalogue's
    Plural-Forms gives for whole numbers): 1 балл, 2 балла, 5 баллов, 11 баллов, 21 балл;
    a fraction takes the genitive singular, which is the form for 2–4: 2,5 балла."""
    form = _RU.plural_form(abs(n))
    return {"one": one, "few": few, "many": many}.get(form, few)


def count_ru(n: int | Decimal, one: str, few: str, many: str) -> str:
    return f"{number_ru(n)} {plural_ru(n, one, few, many)}"


def percent_ru(value: Decimal | float | None) -> str:
    return "—" if value is None else f"{number_ru(Decimal(str(value)))}\u00a0%"


def date_ru(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def indicator_calculation(indicator: Indicator) -> str:
    """«694 из 6 793», with the schools that have not entered the denominator named."""
    if indicator.spec.denominator is None and indicator.code != "1":
        return count_ru(indicator.numerator, "программа", "программы", "программ")

    if indicator.denominator is None:
        text = "нет знаменателя: ни одна ОО не внесла данные"
    else:
        text = f"{number_ru(indicator.numerator)} из {number_ru(indicator.denominator)}"
    if indicator.missing:
        text += "; нет данных: " + ", ".join(indicator.missing)
    return text


def too_few_ru(count: int, k: int) -> str:
    """The wording of the chat's «too few answers», with the count and the threshold."""
    if count == 0:
        return "нет ответов"
    return f"слишком мало ответов ({number_ru(count)} при минимуме {number_ru(k)})"


HIDDEN_RU = "скрыто: иначе по итогу можно вычислить ответы другой ОО"


def _reasons_ru(coverage: Coverage) -> list[tuple[int, str]]:
    reasons = [
        (
            coverage.too_few,
            f"меньше {count_ru(coverage.k, 'ответа', 'ответов', 'ответов')}",
        ),
        (coverage.hidden, "скрыто, иначе можно вычислить другие ОО"),
        (coverage.pending, "итоги после срока кампании"),
        (coverage.no_campaign, "кампания не открывалась"),
    ]
    return [(count, text) for count, text in reasons if count]


def coverage_ru(coverage: Coverage) -> str:
    """«по 1 из 2 муниципалитетов; остальные — меньше 3 ответов»: what a region's pooled
    figure covers, by counts of municipalities only."""
    units = plural_ru(coverage.units, "муниципалитета", "муниципалитетов", "муниципалитетов")
    head = f"по {number_ru(coverage.shown)} из {number_ru(coverage.units)} {units}"
    reasons = _reasons_ru(coverage)
    if len(reasons) == 1:
        return f"{head}; остальные — {reasons[0][1]}"
    listed = ", ".join(f"{text} — {number_ru(count)}" for count, text in reasons)
    return f"{head}; остальные: {listed}"


def satisfaction_ru(figure: Decimal | None, coverage: Coverage, formulas_differ: bool) -> str:
    """A scope's satisfaction in a document: the figure with what it covers, or why none."""
    if formulas_differ:
        return "не сводится: муниципалитеты считают её по разным формулам"
    if figure is not None:
        text = percent_ru(figure)
        return f"{text} ({coverage_ru(coverage)})" if coverage.partial else text
    if coverage.units == 1:
        if coverage.pending:
            return "итоги после срока кампании"
        if coverage.hidden:
            return HIDDEN_RU
        return too_few_ru(coverage.respondents, coverage.k)
    if coverage.pending == coverage.units - coverage.no_campaign:
        return "итоги после срока кампании"
    reasons = _reasons_ru(coverage)
    listed = (
        reasons[0][1]
        if len(reasons) == 1
        else ", ".join(f"{text} — {number_ru(count)}" for count, text in reasons)
    )
    return f"не приводится ни по одному муниципалитету: {listed}"
