"""Dates the way the reader's language writes them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n
from babel.dates import format_datetime


def local_datetime(moment: datetime, timezone: str) -> str:
    """E.g. «7 дек. 2026, 10:00» in Russian, "7 Dec 2026, 10:00" in English."""
    local = moment.astimezone(ZoneInfo(timezone))
    return format_datetime(local, "d MMM y, HH:mm", locale=get_i18n().current_locale)
