"""The consumer's record of applied events (`applied_events`): what makes redelivery safe."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import dialect_insert
from shared.models import AppliedEvent


def applied_ids(session: Session, ids: list[str]) -> set[str]:
    """Which of the event ids were applied before."""
    return set(session.scalars(select(AppliedEvent.event_id).where(AppliedEvent.event_id.in_(ids))))


def claim_all(session: Session, events: list[tuple[str, dict]]) -> set[str]:
    """Record every (event id, event) as applied in one statement; the ids that were not
    recorded before (a delivery at the same moment waits on its rows, as with `claim`)."""
    if not events:
        return set()
    insert = dialect_insert(session.get_bind().dialect.name)(AppliedEvent.__table__)
    rows = [{"event_id": i, "type": ev["type"], "source": ev["source"]} for i, ev in events]
    claimed = session.execute(
        insert.values(rows).on_conflict_do_nothing().returning(AppliedEvent.event_id)
    )
    return set(claimed.scalars())


def claim(session: Session, ev: dict, event_id: str) -> bool:
    """Record the event as applied. A worker given the same event at the same moment (a batch
    sent again while its first delivery still runs) waits on this row until the first
    commits, then finds it taken. Whether the row was ours."""
    insert = dialect_insert(session.get_bind().dialect.name)(AppliedEvent.__table__)
    row = {"event_id": event_id, "type": ev["type"], "source": ev["source"]}
    claimed = session.execute(
        insert.values(row).on_conflict_do_nothing().returning(AppliedEvent.event_id)
    )
    return claimed.first() is not None
