"""Making erased personal data really go from SQLite files.

Deleted and overwritten rows are zeroed in the database file (`PRAGMA secure_delete`, set on
every connection by shared/db.py), but the write-ahead log still holds the pages as they
were until it is checkpointed and truncated. A transaction that erased a person says so
(`erased`); after its commit a flag is left in Redis, and the relay's next tick (`scrub_log`)
checkpoints the log into the database and truncates it, trying again on later ticks while
another connection still reads an older snapshot. PostgreSQL keeps dead row versions until
VACUUM reclaims them (see the README).
"""

from __future__ import annotations

from contextlib import suppress

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

_ERASED = "rv_erased"


def erased(session: Session) -> None:
    """Mark the session's transaction as one that erased personal data."""
    session.info[_ERASED] = True


def flag_key(queue_prefix: str, service: str) -> str:
    """The Redis key that says a service's SQLite log still holds erased data."""
    return f"rv:{queue_prefix}scrub:{service}"


def flag_after_commit(factory: sessionmaker, redis: Redis, key: str) -> None:
    """After a commit that erased something, leave the flag for the relay."""

    def after_commit(session: Session) -> None:
        if session.info.pop(_ERASED, False) and session.get_bind().dialect.name == "sqlite":
            with suppress(RedisError):  # lost: the next erasure raises it again
                redis.set(key, 1)

    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_soft_rollback", lambda s, _tx: s.info.pop(_ERASED, None))


def scrub_log(session: Session) -> None:
    """The relay's duty: while the flag is up, checkpoint and truncate the SQLite log."""
    b = current_app.extensions["rv"]  # the app's backends (shared/backends.py)
    key = flag_key(b.settings.queue_prefix, b.settings.service)
    if b.engine.dialect.name != "sqlite" or not b.redis.exists(key):
        return
    connection = b.engine.raw_connection()  # outside any transaction, as SQLite asks
    try:
        busy, _, _ = connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    if not busy:
        b.redis.delete(key)
