"""The demo edition that `make run` seeds in an empty data folder."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.nominations.editions import create_edition
from services.nominations.models import Edition
from shared.models import utcnow

DEMO_SLUG = "demo"


def seed_demo(session: Session) -> bool:
    """Create the demo edition, with voting and jury open now, unless any edition exists."""
    if session.scalar(select(Edition.id).limit(1)) is not None:
        return False
    now = utcnow().replace(microsecond=0)
    day = dt.timedelta(days=1)
    create_edition(
        session,
        {
            "slug": DEMO_SLUG,
            "title": "Radicale Vernieuwers (demo)",
            "timezone": "Europe/Brussels",
            "nominations_open": now - 28 * day,
            "nominations_close": now - 14 * day,
            "voting_open": now - dt.timedelta(hours=1),
            "voting_close": now + 14 * day,
            "jury_close": now + 21 * day,
            "finalist_count": 10,
            "public_tally": True,
            "tie_break": "other_award",
        },
    )
    return True
