"""What the bus keeps of an event once its consumer has applied it.

An acknowledged event is history: its outbox row stays KEEP_ACKED so that staff can look
into a problem, then goes (every service's relay runs `prune_acked`). Events name people
(finalists' names, a juror's keyed hash), so erasing a person also removes, at once, the
acknowledged events that mention them (`forget_mentions`). The rq job that carried an event
is deleted by the relay as soon as it acknowledges it (shared/relay.py).
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared.models import OutboxEvent, utcnow

KEEP_ACKED = dt.timedelta(days=7)
PRUNE_BATCH = 500


def prune_acked(session: Session, now: dt.datetime | None = None) -> int:
    """Delete acknowledged events older than KEEP_ACKED, a batch at a time; returns how
    many. It reads only the oldest acknowledged rows (by id, along the state index), so the
    relay can run it on every tick however long the outbox is."""
    cutoff = (now or utcnow()) - KEEP_ACKED
    oldest = (
        select(OutboxEvent.id, OutboxEvent.acked_at)
        .where(OutboxEvent.state == "acked")
        .order_by(OutboxEvent.id)
        .limit(PRUNE_BATCH)
    )
    due = [row_id for row_id, acked_at in session.execute(oldest) if acked_at < cutoff]
    if due:
        session.execute(delete(OutboxEvent).where(OutboxEvent.id.in_(due)))
    return len(due)


def forget_mentions(session: Session, needles: list[str]) -> int:
    """Delete the acknowledged events whose envelope holds any of `needles` (a name, an
    address, a keyed hash); returns how many. Events still on their way stay: they are
    needed, and they go by their own turn once acknowledged."""
    wanted = [n.casefold() for n in needles if n]
    acked = session.scalars(select(OutboxEvent).where(OutboxEvent.state == "acked"))
    gone = [row.id for row in acked if _mentions(row.envelope, wanted)]
    if gone:
        session.execute(delete(OutboxEvent).where(OutboxEvent.id.in_(gone)))
    return len(gone)


def _mentions(envelope: dict, needles: list[str]) -> bool:
    text = json.dumps(envelope, ensure_ascii=False).casefold()
    return any(n in text for n in needles)
