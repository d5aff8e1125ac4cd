"""Moments as people read them: a local date and time in the edition's time zone (summer
time included), the zone written out, in the page's language and the Belgian way (day
before month, a 24-hour clock, in English too)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_location
from flask_babel import get_locale, gettext

COUNTRY = "BE"


def belgian_locale() -> Locale:
    """The page's language as written in Belgium (nl_BE, en_BE): dates follow the country
    of the contest, not the American order of plain English."""
    return Locale(get_locale().language, COUNTRY)


def local_moment(moment: dt.datetime, zone_name: str) -> str:
    """A moment as a reader in the edition's zone says it, e.g. "vrijdag 27 maart 2026 om
    23:59 (tijd in België, CET)" or "Friday, 27 March 2026 at 23:59 (Belgium Time, CET)";
    the abbreviation tells summer (CEST) from winter time."""
    zone = ZoneInfo(zone_name)
    local, locale = moment.astimezone(zone), belgian_locale()
    return gettext(
        "%(date)s om %(time)s (%(zone)s, %(abbreviation)s)",
        date=format_date(local, "full", locale=locale),
        time=format_time(local, "HH:mm", tzinfo=zone, locale=locale),
        zone=get_timezone_location(zone, locale=locale),
        abbreviation=local.tzname(),
    )
