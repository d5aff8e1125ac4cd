"""The edition the public pages are about, and its deadlines as people read them
(shared/moments.py: in the edition's time zone, the zone written out)."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext
from sqlalchemy.orm import Session

from services.nominations.models import Edition
from shared import campaign
from shared.moments import local_moment

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
    "nominations": lazy_gettext("Je kunt nu een sociale vernieuwer nomineren."),
    "screening": lazy_gettext("Het secretariaat bekijkt de nominaties; de finalisten volgen."),
    "voting": lazy_gettext("De publieksstemming loopt: stem op je favoriete finalist."),
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
    """The hub's edition the public pages are about (shared/campaign.py: the one running
    now, else the next, else the last)."""
    return campaign.current_edition(session, Edition, now)


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
