"""How a time zone is named next to a time: the city in the reader's language and the offset."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import build_i18n
from handlers.ui.dates import zone_name, zoned_datetime

WINTER, SUMMER = datetime(2026, 12, 19, 13, 0, tzinfo=UTC), datetime(2026, 7, 1, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "moment", "locale", "expected"),
    [
        ("Asia/Yekaterinburg", WINTER, "ru", "Екатеринбург, UTC+5"),
        ("Asia/Yekaterinburg", WINTER, "en", "Yekaterinburg, UTC+5"),
        ("Europe/Kaliningrad", WINTER, "ru", "Калининград, UTC+2"),
        ("Asia/Kamchatka", WINTER, "ru", "Петропавловск-Камчатский, UTC+12"),
        ("Asia/Kolkata", WINTER, "en", "Kolkata, UTC+5:30"),
        ("Europe/Berlin", SUMMER, "en", "Berlin, UTC+2"),  # the offset of that day
        ("America/St_Johns", WINTER, "en", "St. John’s, UTC-3:30"),
        ("UTC", WINTER, "ru", "UTC+0"),
        ("Etc/GMT-5", WINTER, "ru", "UTC+5"),
    ],
)
def test_zone_names(zone, moment, locale, expected):
    i18n = build_i18n("ru")
    with i18n.context(), i18n.use_locale(locale):
        assert zone_name(zone, moment) == expected


def test_a_zoned_time_is_the_local_time_with_its_zone():
    i18n = build_i18n("ru")
    with i18n.context(), i18n.use_locale("ru"):
        assert zoned_datetime(WINTER, "Asia/Yekaterinburg") == (
            "19 дек. 2026, 18:00 (Екатеринбург, UTC+5)"
        )
