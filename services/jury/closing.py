"""Closing the jury at jury_close: the final ranking goes to the hub, once per close.

The relay runs `close_due` about every second. Marking the edition's ranking as sent for
this jury_close is a conditional UPDATE in the same transaction as the event, so of two
relays only one sends it. The claim first locks the edition (FOR UPDATE), so it waits for
the scorecards being saved (each holds a share of that lock, editions.locked_edition) and
ranks them; a submission after the claim finds the ranking sent and is refused. If staff
move jury_close later, scoring reopens and the ranking is sent again at the new close.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from services.jury.models import Edition
from services.jury.ranking import ranking_of
from shared.events import envelope, publish
from shared.models import utcnow
from shared.schemas.contest import RANKING_FINAL, RankingEventSchema

RANKING_EVENT = RankingEventSchema()
NOT_SENT = or_(Edition.ranking_sent_for.is_(None), Edition.ranking_sent_for != Edition.jury_close)


def close_due(db: Session, now: dt.datetime | None = None) -> list[str]:
    """Send the ranking of every edition whose jury_close has passed and whose ranking was
    not sent for that close; returns their slugs."""
    now = now or utcnow()
    due = db.scalars(select(Edition).where(Edition.jury_close <= now, NOT_SENT)).all()
    return [edition.slug for edition in due if _close(db, edition)]


def _close(db: Session, edition: Edition) -> bool:
    db.execute(select(Edition.id).where(Edition.id == edition.id).with_for_update())
    claimed = db.execute(
        update(Edition)
        .where(Edition.id == edition.id, NOT_SENT)
        .values(ranking_sent_for=Edition.jury_close)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False  # another relay got there first
    db.refresh(edition)
    payload = {
        "edition": edition.slug,
        "closed_at": edition.jury_close,
        "counted_at": utcnow(),
        "ranking": ranking_of(db, edition),
    }
    publish(db, envelope(RANKING_FINAL, "jury", RANKING_EVENT.dump(payload)), ["nominations"])
    return True
