"""Academic years, shares and medians for the reports: the rounding rule in one place.

Rounding rule. A share of the key indicators is numerator ÷ denominator × 100 computed in
whole numbers and cut (rounded down) to one decimal: 380 of 1394 teachers = 27,259… % →
27,2 %, exactly as the analytical note of seed 000 prints it; 694 of 6793 = 10,2 %,
205 of 1660 = 12,3 %, 67 of 67 = 100,0 % (seed 004 prints whole percents: 10 %, 12 %,
100 %, again cut, `whole_percent`). Cutting rather than rounding half up means a share is
never reported as reaching a target it has not reached (9,96 % reads 9,9 %, not 10,0 %).
Survey figures (satisfaction, response rates) come from storage/survey_aggregates, which
rounds half up to one decimal; the reports print them as they come.

An academic year runs from 1 September to 31 August and is written "2026/2027".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

YEAR_START_MONTH = 9


def academic_year(day: date) -> str:
    first = day.year if day.month >= YEAR_START_MONTH else day.year - 1
    return f"{first}/{first + 1}"


def year_bounds(year: str) -> tuple[date, date]:
    """First and last day of the academic year "2026/2027"."""
    first = int(year.split("/")[0])
    return date(first, YEAR_START_MONTH, 1), date(first + 1, YEAR_START_MONTH - 1, 31)


def shift_year(year: str, by: int) -> str:
    first = int(year.split("/")[0]) + by
    return f"{first}/{first + 1}"


def valid_year(year: str) -> bool:
    parts = year.split("/")
    return (
        len(parts) == 2
        and all(p.isdigit() and len(p) == 4 for p in parts)
        and int(parts[1]) == int(parts[0]) + 1
    )


def share(numerator: int, denominator: int | None) -> Decimal | None:
    """numerator ÷ denominator in percent, cut to one decimal; None without a denominator
    (unknown or zero): a missing denominator is never read as zero."""
    if not denominator or denominator <= 0:
        return None
    tenths = numerator * 1000 // denominator  # whole numbers: no float error
    return Decimal(tenths) / 10


def whole_percent(numerator: int, denominator: int | None) -> int | None:
    if not denominator or denominator <= 0:
        return None
    return numerator * 100 // denominator


def median(histogram: dict[int, int]) -> Decimal | None:
    """The median of values given as {value: how many}; halves stay exact (2,5)."""
    total = sum(histogram.values())
    if total == 0:
        return None
    ordered = sorted(histogram.items())

    def nth(position: int) -> int:  # 0-based
        seen = 0
        for value, count in ordered:
            seen += count
            if position < seen:
                return value
        raise IndexError(position)

    middle = total // 2
    if total % 2:
        return Decimal(nth(middle))
    return (Decimal(nth(middle - 1)) + Decimal(nth(middle))) / 2
