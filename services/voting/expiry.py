"""Expiry: an unconfirmed vote lasts as long as its link (`vote_link_max_age` from when it was
cast), then it is gone and its person may vote anew.

A vote typed in someone's name and never confirmed so holds no person's place for good, and
a confirmation that comes too late changes nothing (confirmation.py refuses it as an expired
link). The relay runs `expire_due` every second; the counters move in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.voting import tally
from services.voting.models import Edition, Vote
from shared.backends import backends
from shared.models import utcnow


def expired(cast_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a vote cast at `cast_at` is past its link's age at `now`."""
    return cast_at + dt.timedelta(seconds=backends().settings.vote_link_max_age) <= now


def expire_due(session: Session, now: dt.datetime | None = None) -> int:
    """Delete unconfirmed votes past their link's age, moving their counters; returns how many."""
    cutoff = (now or utcnow()) - dt.timedelta(seconds=backends().settings.vote_link_max_age)
    gone = Counter()
    for edition_id in session.scalars(select(Edition.id)).all():  # the index leads by edition
        rows = session.execute(
            delete(Vote)
            .where(
                Vote.edition_id == edition_id,
                Vote.status == "unconfirmed",
                Vote.created_at <= cutoff,
            )
            .returning(Vote.edition_id, Vote.finalist_id, Vote.id)
            .execution_options(synchronize_session=False)
        )
        gone.update((edition, finalist, tally.shard_of(vote)) for edition, finalist, vote in rows)
    changes = [(e, f, "unconfirmed", shard, -n) for (e, f, shard), n in gone.items()]
    tally.add_each(session.connection(), changes)
    return gone.total()
