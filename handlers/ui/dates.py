"""Dates the way the reader's language writes them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n
from babel.dates import format_datetime, get_timezone_location


def local_datetime(moment: datetime, timezone: str) -> str:
    """E.g. «7 дек. 2026, 10:00» in Russian, "7 Dec 2026, 10:00" in English."""
    local = moment.astimezone(ZoneInfo(timezone))
    return format_datetime(local, "d MMM y, HH:mm", locale=get_i18n().current_locale)


def zone_name(timezone: str, moment: datetime) -> str:
    """The zone as a person knows it: its city in the reader's language and the offset at
    `moment`, e.g. «Екатеринбург, UTC+5»; a zone without a city is its own name."""
    offset = moment.astimezone(ZoneInfo(timezone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    shown = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    if "/" not in timezone or timezone.startswith("Etc/"):
        return shown  # UTC, Etc/GMT-5: no city to name
    city = get_timezone_location(timezone, locale=get_i18n().current_locale, return_city=True)
    return f"{city}, {shown}"


def zoned_datetime(moment: datetime, timezone: str) -> str:
    """A moment in an organisation's zone, saying which: «7 дек. 2026, 10:00 (Москва, UTC+3)»,
    for times read by people in other zones (a coordinator invites schools across the region)."""
    return f"{local_datetime(moment, timezone)} ({zone_name(timezone, moment)})"
