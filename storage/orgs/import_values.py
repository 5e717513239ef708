"""Cell values of the organisations import: the school type, the time zone, names.

Kept apart from the file reading so that a value is judged the same way whatever file it
came from, and the template's help sheet lists the same type labels the parser accepts.
"""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from storage.models.enums import SchoolKind

KIND_LABELS: dict[SchoolKind, str] = {
    SchoolKind.school: "школа",
    SchoolKind.kindergarten: "детский сад",
    SchoolKind.college: "колледж",
    SchoolKind.additional: "дополнительное образование",
}

# One zone per whole-hour offset used in Russia, so "UTC+5" becomes a real IANA zone and
# keeps following the law if an offset is ever changed again.
RUSSIAN_ZONES_BY_OFFSET: dict[int, str] = {
    2: "Europe/Kaliningrad",
    3: "Europe/Moscow",
    4: "Europe/Samara",
    5: "Asia/Yekaterinburg",
    6: "Asia/Omsk",
    7: "Asia/Krasnoyarsk",
    8: "Asia/Irkutsk",
    9: "Asia/Yakutsk",
    10: "Asia/Vladivostok",
    11: "Asia/Magadan",
    12: "Asia/Kamchatka",
}

# Excel turns a typed "+5" into the number 5, so a bare number counts as an offset too.
_OFFSET = re.compile(
    r"^(?:(?:utc|gmt)\s*)?(?P<sign>[+\-−])?\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$",
    re.IGNORECASE,
)


def folded(text: str) -> str:
    """`text` as compared with a known word: headers and types are matched loosely."""
    return " ".join(text.split()).casefold().replace("ё", "е")


def normal_name(text: str) -> str:
    return " ".join(text.split())


def parse_kind(text: str) -> SchoolKind | None:
    wanted = folded(text)
    for kind, label in KIND_LABELS.items():
        if wanted in (label, kind.value):
            return kind
    return None


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def parse_timezone(text: str) -> str | None:
    """An IANA zone for `text`; None for an empty cell; ValueError with the reason."""
    text = text.strip()
    if not text:
        return None
    offset = _OFFSET.match(text)
    if offset is not None:
        hours = int(offset["hours"])
        minutes = int(offset["minutes"] or 0)
        sign = -1 if offset["sign"] in ("-", "−") else 1
        zone = RUSSIAN_ZONES_BY_OFFSET.get(sign * hours) if minutes == 0 else None
        if zone is None:
            shown = f"UTC{'-' if sign < 0 else '+'}{hours}" + (f":{minutes:02}" if minutes else "")
            raise ValueError(
                f"no Russian time zone has the offset {shown}: expected UTC+2 … UTC+12"
            )
        return zone
    # Case-insensitive so "asia/yekaterinburg" works; stored in the canonical spelling.
    name = _zones_by_folded_name().get(text.casefold())
    if name is not None:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            name = None
    if name is None:
        raise ValueError(
            f"unknown time zone {text!r}: expected an IANA name such as Asia/Yekaterinburg "
            "or an offset such as UTC+5"
        )
    return name
