"""Russian wording and number formats of the report documents (XLSX, DOCX, charts).

The documents go to the municipality and the region in the language of the official forms,
so they are Russian whatever the reader's interface language; Telegram messages are
translated as usual (handlers/summary_text.py). Numbers: a comma for decimals and a
non-breaking space between thousands (6 793; 27,2 %); dates dd.mm.yyyy.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from storage.indicators import Indicator

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


def percent_ru(value: Decimal | float | None) -> str:
    return "—" if value is None else f"{number_ru(Decimal(str(value)))}\u00a0%"


def date_ru(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def indicator_calculation(indicator: Indicator) -> str:
    """«694 из 6 793», with the schools that have not entered the denominator named."""
    if indicator.spec.denominator is None and indicator.code != "1":
        return f"{number_ru(indicator.numerator)} программ"
    if indicator.denominator is None:
        text = "нет знаменателя: ни одна ОО не внесла данные"
    else:
        text = f"{number_ru(indicator.numerator)} из {number_ru(indicator.denominator)}"
    if indicator.missing:
        text += "; нет данных: " + ", ".join(indicator.missing)
    return text
