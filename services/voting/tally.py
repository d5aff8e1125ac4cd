"""The tally: counters per finalist and status, moved with every change of a vote's status.

A vote's status changes only with its counters, in the caller's transaction: through `move`
(staff decisions, on ORM objects) or `shift` (confirmation, beside its own conditional
UPDATE of the vote). So the counters always agree with the votes and the tally reads a few
hundred rows, never the votes themselves.

Each (edition, finalist, status) counter is split over SHARDS rows, and a vote's changes go
to the shard its id picks (`shard_of`). A transaction that counts a vote locks its counter
row until it commits (PostgreSQL), so with one row per finalist the votes for one finalist
would wait on each other's commits, which is what a finalist's own call to vote sends;
spread over the shards, two such votes meet only when their ids pick the same shard. The
tally adds the shards up, so it stays exact. Several counter rows changed in one
transaction are changed in one order (`_apply`), so two transactions never deadlock on them.
"""

from __future__ import annotations

import functools
import zlib

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from services.voting.models import Edition, Finalist, Vote, VoteCount
from shared.db import dialect_insert
from shared.finalists import finalists_of

NOT_COUNTED = ("quarantined", "unconfirmed", "rejected")
COUNTS = VoteCount.__table__
SHARDS = 16
KEY = ("edition_id", "finalist_id", "status", "shard")


def shard_of(vote_id: str) -> int:
    """The counter shard of a vote, from its id: the same for every change of the vote, so
    each shard counts its own votes."""
    return zlib.crc32(vote_id.encode()) % SHARDS


@functools.cache
def _upsert(dialect: str):
    # Built once, on the table (no ORM bulk path): it runs with every vote.
    insert = dialect_insert(dialect)(COUNTS)
    return insert.on_conflict_do_update(
        index_elements=list(KEY), set_={"votes": COUNTS.c.votes + insert.excluded.votes}
    )


def _apply(connection: Connection, rows: list[dict]) -> None:
    """Add each row's `votes` to its counter, creating it at need, in the order of their keys."""
    ordered = sorted(rows, key=lambda row: tuple(row[name] for name in KEY))
    connection.execute(_upsert(connection.dialect.name), ordered)


def add(
    connection: Connection, edition_id: int, finalist_id: str, status: str, delta: int, shard: int
) -> None:
    """Add `delta` to the counter of (edition, finalist, status) in `shard`."""
    add_each(connection, [(edition_id, finalist_id, status, shard, delta)])


def add_each(connection: Connection, changes: list[tuple[int, str, str, int, int]]) -> None:
    """Add to several counters at once: (edition, finalist, status, shard, delta) each."""
    if changes:
        _apply(connection, [dict(zip((*KEY, "votes"), change, strict=True)) for change in changes])


def shift(
    connection: Connection,
    edition_id: int,
    finalist_id: str,
    from_status: str,
    to: str,
    shard: int,
) -> None:
    """Move one vote of (edition, finalist) in `shard` from one status's counter to another's."""
    add_each(
        connection,
        [
            (edition_id, finalist_id, from_status, shard, -1),
            (edition_id, finalist_id, to, shard, 1),
        ],
    )


def move(session: Session, vote: Vote, to_status: str) -> None:
    """Set the vote's status and move it from its old status's counter to the new one."""
    from_status = vote.status
    if from_status == to_status:
        return
    vote.status = to_status
    connection = session.connection()
    shift(connection, vote.edition_id, vote.finalist_id, from_status, to_status, shard_of(vote.id))


def tally(session: Session, edition: Edition) -> dict:
    """Counted votes per finalist (every finalist, in the hub's order, 0 included) and the
    edition's votes in the other statuses (TallySchema)."""
    counted: dict[str, int] = {}
    totals = dict.fromkeys(NOT_COUNTED, 0)
    rows = session.execute(
        select(VoteCount.finalist_id, VoteCount.status, func.sum(VoteCount.votes))
        .where(VoteCount.edition_id == edition.id)
        .group_by(VoteCount.finalist_id, VoteCount.status)
    )
    for finalist_id, status, votes in rows:
        if status == "counted":
            counted[finalist_id] = votes
        else:
            totals[status] = totals.get(status, 0) + votes
    finalists = finalists_of(session, Finalist, edition.id)
    items = [{"finalist_id": f.id, "votes": counted.get(f.id, 0)} for f in finalists]
    return {"finalists": items, **totals}
