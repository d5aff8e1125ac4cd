"""The tally: counters per finalist and status, moved with every change of a vote's status.

A vote's status changes only with its counters, in the caller's transaction: through `move`
(staff decisions, on ORM objects) or `shift` (confirmation, beside its own conditional
UPDATE of the vote). So the counters always agree with the votes and the tally reads a dozen
rows, never the votes themselves.
"""

from __future__ import annotations

import functools

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from services.voting.models import Edition, Finalist, Vote, VoteCount
from shared.db import dialect_insert
from shared.finalists import finalists_of

NOT_COUNTED = ("quarantined", "unconfirmed", "rejected")
COUNTS = VoteCount.__table__


@functools.cache
def _upsert(dialect: str):
    # Built once, on the table (no ORM bulk path): it runs with every vote.
    insert = dialect_insert(dialect)(COUNTS)
    return insert.on_conflict_do_update(
        index_elements=["edition_id", "finalist_id", "status"],
        set_={"votes": COUNTS.c.votes + insert.excluded.votes},
    )


def add(connection: Connection, edition_id: int, finalist_id: str, status: str, delta: int):
    """Add `delta` to the counter of (edition, finalist, status), creating it at need."""
    row = {"edition_id": edition_id, "finalist_id": finalist_id, "status": status}
    connection.execute(_upsert(connection.dialect.name), row | {"votes": delta})


def shift(connection: Connection, edition_id: int, finalist_id: str, from_status: str, to: str):
    """Move one vote of (edition, finalist) from one status's counter to another's."""
    row = {"edition_id": edition_id, "finalist_id": finalist_id}
    moves = [row | {"status": from_status, "votes": -1}, row | {"status": to, "votes": 1}]
    connection.execute(_upsert(connection.dialect.name), moves)


def move(session: Session, vote: Vote, to_status: str) -> None:
    """Set the vote's status and move it from its old status's counter to the new one."""
    from_status = vote.status
    if from_status == to_status:
        return
    vote.status = to_status
    shift(session.connection(), vote.edition_id, vote.finalist_id, from_status, to_status)


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
