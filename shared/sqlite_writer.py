"""One writer at a time on a SQLite file, queued in the kernel rather than asleep.

SQLite lets one connection write at a time; the others retry with growing sleeps (1, 2, 5,
10 ... 100 ms) until `busy_timeout`, so at a campaign peak writers would spend their time
asleep while the file is free. Every writing transaction of every process (web workers,
rq workers, relays, the CLI) therefore first takes an exclusive `flock` on a lock file
beside the database (`<database>.writer`), and the kernel hands it to the next waiter the
moment the one before commits or rolls back. Each DBAPI connection opens the file itself,
so threads of one process queue on it as processes do.

A transaction that only reads (shared.db.read_only) takes no lock. A thread that already
writes through one connection and begins writing through another does not wait for itself:
that second connection meets SQLite's own lock and `busy_timeout`, as without this module.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import weakref

_WRITING_THREADS: set[int] = set()  # threads holding the lock through some connection


class WriterLockedConnection(sqlite3.Connection):
    """A sqlite3 connection that holds the database's writer lock file from `take_writer`
    until its transaction commits, rolls back or the connection closes."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._holder: int | None = None  # the thread that took the lock
        self._lock_fd: int | None = None
        if str(database) not in (":memory:", ""):
            self._lock_fd = os.open(f"{database}.writer", os.O_RDWR | os.O_CREAT, 0o600)
            # Should the connection be dropped unclosed, collecting it closes the file, and
            # with it any lock it held.
            self._close_lock_file = weakref.finalize(self, os.close, self._lock_fd)

    def take_writer(self) -> None:
        """Wait for the writer lock (in the kernel's queue), before BEGIN IMMEDIATE."""
        thread = threading.get_ident()
        if self._lock_fd is None or self._holder is not None or thread in _WRITING_THREADS:
            return
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        self._holder = thread
        _WRITING_THREADS.add(thread)

    def commit(self) -> None:
        """Commit, then let the next writer in."""
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        """Roll back, then let the next writer in."""
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        """Close the connection and its lock file (which drops the lock if held)."""
        try:
            super().close()
        finally:
            self._release()
            if self._lock_fd is not None:
                self._close_lock_file()
                self._lock_fd = None

    def _release(self) -> None:
        if self._holder is not None:
            _WRITING_THREADS.discard(self._holder)
            self._holder = None
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
