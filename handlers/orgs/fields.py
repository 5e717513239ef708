"""The fields of an organisation as /orgs asks them, when adding one and when changing it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import lazy_gettext as __

from handlers.forms.fields import Choice, Field, text, time_zone
from storage.models.enums import SchoolKind

INHERIT = "inherit"
RUSSIAN_ZONES = (
    ("Europe/Kaliningrad", __("UTC+2 — Kaliningrad")),
    ("Europe/Moscow", __("UTC+3 — Moscow, Rostov, Smolensk, Grozny")),
    ("Europe/Samara", __("UTC+4 — Samara, Izhevsk")),
    ("Asia/Yekaterinburg", __("UTC+5 — Yekaterinburg, Surgut, Nizhny Tagil")),
    ("Asia/Omsk", __("UTC+6 — Omsk")),
    ("Asia/Krasnoyarsk", __("UTC+7 — Krasnoyarsk, Novosibirsk")),
    ("Asia/Irkutsk", __("UTC+8 — Irkutsk")),
    ("Asia/Yakutsk", __("UTC+9 — Yakutsk, Chita")),
    ("Asia/Vladivostok", __("UTC+10 — Vladivostok, Khabarovsk")),
    ("Asia/Magadan", __("UTC+11 — Magadan, Sakhalin")),
    ("Asia/Kamchatka", __("UTC+12 — Kamchatka, Chukotka")),
)
ZONE_HINT = __("Or type a zone: an IANA name such as Asia/Novosibirsk, or UTC+7.")
NAME = Field("name", __("Name"), __("The full name of the organisation?"), parse=text(2, 300))
ZONE_CHOICES = tuple(Choice(zone, label) for zone, label in RUSSIAN_ZONES)
ZONE = Field(
    "timezone",
    __("Time zone"),
    __("Its time zone?"),
    choices=ZONE_CHOICES,
    parse=time_zone,
    hint=ZONE_HINT,
)
ZONE_OR_INHERIT = Field(
    "timezone",
    __("Time zone"),
    __("Its time zone?"),
    choices=(Choice(INHERIT, __("The same as above")), *ZONE_CHOICES),
    parse=time_zone,
    hint=ZONE_HINT,
)
KIND = Field(
    "school_kind",
    __("Kind"),
    __("What kind of organisation is it?"),
    choices=(
        Choice(SchoolKind.school, __("school")),
        Choice(SchoolKind.kindergarten, __("kindergarten")),
        Choice(SchoolKind.college, __("college")),
        Choice(SchoolKind.additional, __("institution of additional education")),
    ),
)


def offset_minutes(zone: str, moment: datetime) -> int:
    offset = moment.astimezone(ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def utc_offset(zone: str, moment: datetime) -> str:
    """«UTC+5», «UTC+5:30», «UTC−3» for the zone at that moment."""
    minutes = offset_minutes(zone, moment)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02}" if rest else "")


def zone_title(zone: str, moment: datetime) -> str:
    """The zone as the buttons name it, or its IANA name with its offset."""
    for known, label in RUSSIAN_ZONES:
        if known == zone:
            return str(label)
    return f"{zone} ({utc_offset(zone, moment)})"
