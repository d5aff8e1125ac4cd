"""SQLAlchemy 2 engine and session setup: SQLite in WAL mode, PostgreSQL through psycopg 3."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from pathlib import Path

from sqlalchemy import (
    DateTime,
    Engine,
    MetaData,
    TypeDecorator,
    create_engine,
    event,
    make_url,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from shared.sqlite_writer import WriterLockedConnection

SQLITE_MMAP_BYTES = 256 * 2**20
SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_ONLY = "rv_read_only"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A moment stored in UTC and always read back timezone-aware (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: a moment needs an offset")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value, dialect):
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=dt.UTC)


class SharedBase(DeclarativeBase):
    """Tables every service keeps in its own database: outbox, applied events, staff tokens."""

    metadata = MetaData(naming_convention=NAMING)


def make_engine(url: str) -> Engine:
    """An engine for a database URL, tuned for its backend. Its errors never quote the
    statement's parameters (hide_parameters): they hold addresses and tokens, and errors
    end up in logs and in rq's failed registry."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        _ensure_folder(url)
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "factory": WriterLockedConnection}
        engine = create_engine(url, connect_args=connect_args, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True)


def _ensure_folder(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        # Creating the app must not fail: a folder that cannot be made is reported by the
        # first connection instead, and /healthz then answers 503.
        with suppress(OSError):
            Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not pysqlite, emit BEGIN (so SAVEPOINT works), and let readers and one
    # writer work side by side (WAL) while other writers wait instead of failing.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted and overwritten rows are zeroed in the file, not left in free pages: an erased
    # person must really be gone (shared/scrubbing.py empties the write-ahead log).
    cursor.execute("PRAGMA secure_delete=ON")
    # A write by any other connection (another thread or worker) empties this connection's
    # page cache, so at a peak every request would read its indexes back page by page;
    # memory-mapped reads make that cheap (a vote confirmation's queries went from 3.3 to
    # 0.9 ms of CPU under bench/votes.py). Address space, not memory: at most the file's size.
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # IMMEDIATE takes the write lock up front: several processes write one file, and a
    # deferred transaction that reads first could otherwise fail with SQLITE_BUSY on upgrade;
    # first it waits for its turn in the kernel (shared/sqlite_writer.py), not asleep.
    # A transaction that only reads (`read_only`) begins DEFERRED: in WAL mode it then
    # neither waits for the writer nor keeps it waiting while a page renders.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
        return
    connection.connection.dbapi_connection.take_writer()
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def read_only(engine: Engine) -> Engine:
    """The engine for transactions that only read (pages, the checks before a write): on
    SQLite they take no write lock. Writing through it on SQLite may fail with SQLITE_BUSY."""
    return engine.execution_options(**{READ_ONLY: True})


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded attributes after commit (handlers return what they stored)."""
    return sessionmaker(engine, expire_on_commit=False)


def dialect_insert(dialect: str):
    """The INSERT construct of a dialect (SQLite or PostgreSQL), for ON CONFLICT clauses."""
    return {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]
