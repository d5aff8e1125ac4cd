"""The edition the public pages are about, and its deadlines as people read them: a local
date and time in the edition's time zone (summer time included), the zone written out."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_location
from flask_babel import get_locale, gettext, lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.nominations.models import Edition

# The windows as the home page lists them: open is inclusive, close exclusive ("until").
DEADLINES = (
    ("nominations_open", lazy_gettext("Nomineren kan vanaf")),
    ("nominations_close", lazy_gettext("Nomineren kan tot")),
    ("voting_open", lazy_gettext("Stemmen kan vanaf")),
    ("voting_close", lazy_gettext("Stemmen kan tot")),
    ("jury_close", lazy_gettext("De jury beslist uiterlijk op")),
)
PHASES = {
    "upcoming": lazy_gettext("De nominaties openen binnenkort."),
    "nominations": lazy_gettext("U kunt nu een sociale vernieuwer nomineren."),
    "screening": lazy_gettext("Het secretariaat bekijkt de nominaties; de finalisten volgen."),
    "voting": lazy_gettext("De publieksstemming loopt: stem op uw favoriete finalist."),
    "jury": lazy_gettext("De stemming is gesloten; de jury beoordeelt de finalisten."),
    "closed": lazy_gettext("Deze editie is afgelopen."),
}

# The tie rule as the public reads it; it is fixed before voting opens.
TIE_RULES = {
    "other_award": lazy_gettext(
        "Bij een gelijke stand beslist de andere prijs: voor de publieksprijs de score van de"
        " jury, voor de juryprijs het aantal stemmen. Blijft het gelijk, dan delen de"
        " finalisten de prijs."
    ),
    "shared": lazy_gettext("Bij een gelijke stand delen de finalisten de prijs."),
}


def current_edition(session: Session, now: dt.datetime) -> Edition | None:
    """The edition running now (the latest to open, if several), else the next one to
    open, else the last one that ran."""
    running = select(Edition).where(Edition.nominations_open <= now, Edition.jury_close > now)
    for query in (
        running.order_by(Edition.nominations_open.desc()),
        select(Edition).where(Edition.nominations_open > now).order_by(Edition.nominations_open),
        select(Edition).order_by(Edition.jury_close.desc()),
    ):
        edition = session.scalar(query.limit(1))
        if edition is not None:
            return edition
    return None


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


def deadlines(edition: Edition) -> list[dict]:
    """The edition's windows for the page: label, the moment in words, and as ISO 8601."""
    return [
        {
            "label": label,
            "text": local_moment(getattr(edition, name), edition.timezone),
            "iso": getattr(edition, name).isoformat(),
        }
        for name, label in DEADLINES
    ]
