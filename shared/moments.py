"""Moments as people read them: a local date and time in the edition's time zone (summer
time included), the zone written out, in the page's language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_location
from flask_babel import get_locale, gettext


def local_moment(moment: dt.datetime, zone_name: str) -> str:
    """A moment as a reader in the edition's zone says it, e.g. "vrijdag 27 maart 2026 om
    23:59 (tijd in België, CET)"; the abbreviation tells summer (CEST) from winter time."""
    zone = ZoneInfo(zone_name)
    local, locale = moment.astimezone(zone), get_locale()
    return gettext(
        "%(date)s om %(time)s (%(zone)s, %(abbreviation)s)",
        date=format_date(local, "full", locale=locale),
        time=format_time(local, "HH:mm", tzinfo=zone, locale=locale),
        zone=get_timezone_location(zone, locale=locale),
        abbreviation=local.tzname(),
    )
