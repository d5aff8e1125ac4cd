"""The tally: counters per finalist and status, moved with every change of a vote's status.

`move` is the one way a vote's status changes: it updates the vote and both counters in the
caller's transaction, so the counters always agree with the votes and the tally reads a
dozen rows, never the votes themselves.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.voting.models import Edition, Finalist, Vote, VoteCount
from shared.finalists import finalists_of

INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
NOT_COUNTED = ("quarantined", "unconfirmed", "rejected")


def add(session: Session, edition_id: int, finalist_id: str, status: str, delta: int) -> None:
    """Add `delta` to the counter of (edition, finalist, status), creating it at need."""
    insert = INSERTS[session.get_bind().dialect.name](VoteCount)
    session.execute(
        insert.values(
            edition_id=edition_id, finalist_id=finalist_id, status=status, votes=delta
        ).on_conflict_do_update(
            index_elements=["edition_id", "finalist_id", "status"],
            set_={"votes": VoteCount.votes + delta},
        )
    )


def move(session: Session, vote: Vote, to_status: str) -> None:
    """Set the vote's status and move it from its old status's counter to the new one."""
    from_status = vote.status
    if from_status == to_status:
        return
    vote.status = to_status
    add(session, vote.edition_id, vote.finalist_id, from_status, -1)
    add(session, vote.edition_id, vote.finalist_id, to_status, 1)


def tally(session: Session, edition: Edition) -> dict:
    """Counted votes per finalist (every finalist, in the hub's order, 0 included) and the
    edition's votes in the other statuses (TallySchema)."""
    counted: dict[str, int] = {}
    totals = dict.fromkeys(NOT_COUNTED, 0)
    rows = session.execute(
        select(VoteCount.finalist_id, VoteCount.status, VoteCount.votes).where(
            VoteCount.edition_id == edition.id
        )
    )
    for finalist_id, status, votes in rows:
        if status == "counted":
            counted[finalist_id] = votes
        else:
            totals[status] = totals.get(status, 0) + votes
    finalists = finalists_of(session, Finalist, edition.id)
    items = [{"finalist_id": f.id, "votes": counted.get(f.id, 0)} for f in finalists]
    return {"finalists": items, **totals}
