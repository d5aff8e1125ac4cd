"""Keeping personal data only as long as needed: a nomination nobody confirmed before its
link expired can never be confirmed, so its nominator's details are erased, and so is the
innovation when no one else nominated it. The relay runs this every second or so."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from services.nominations.models import Nomination, Nominator
from shared.backends import backends
from shared.models import utcnow

MARGIN = dt.timedelta(hours=1)  # a link opened just before it expired may still be in flight


def purge_unconfirmed(session: Session, now: dt.datetime | None = None) -> int:
    """Erase nominators whose confirmation link expired unused, then the unconfirmed
    innovations left without a nominator; returns how many nominators were erased."""
    max_age = dt.timedelta(seconds=backends().settings.nomination_link_max_age)
    cutoff = (now or utcnow()) - max_age - MARGIN
    erased = session.execute(
        delete(Nominator).where(Nominator.confirmed_at.is_(None), Nominator.created_at < cutoff)
    ).rowcount
    if erased:
        nobody = ~exists().where(Nominator.nomination_id == Nomination.id)
        orphans = select(Nomination.seq).where(Nomination.status == "unconfirmed", nobody)
        session.execute(delete(Nomination).where(Nomination.seq.in_(orphans)))
    return erased
