"""The suite's databases, built by the services' migrations.

SQLite (the default): each test's files are copies of one template per service, migrated
once per run (by whichever pytest-xdist worker needs it first, the others waiting on a lock).
PostgreSQL (`pytest --database=postgresql`): one database per service for the whole run of a
worker, migrated once, emptied after each test, dropped at the end; a test's own PostgreSQL
databases (the pg_database fixture) are migrated when first used.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from weakref import WeakSet

import psycopg
from flask import Flask
from psycopg import sql
from sqlalchemy import Engine, event, make_url

from services import registry
from shared.config import SERVICES


class Databases:
    """Prepares the databases of the apps a test builds, and cleans up after the test."""

    def __init__(self, templates: Path, server: str | None = None):
        self.templates = templates
        self.server = server
        self.urls = {s: self._create(s) for s in SERVICES} if server else {}
        self.migrated: set[str] = set()
        self.cleaners: dict[str, psycopg.Connection] = {}
        # Every engine a test connects with (its apps', a command's), closed after the test:
        # a PostgreSQL connection left to the garbage collector warns, and warnings fail.
        self.engines: WeakSet[Engine] = WeakSet()
        event.listen(Engine, "engine_connect", self._seen)

    def env(self) -> dict[str, str]:
        """The database variables of a test's environment (none: SQLite files by default)."""
        return {f"{s.upper()}_DATABASE_URL": url for s, url in self.urls.items()}

    def ready(self, app: Flask) -> Flask:
        """Make the database of `app` hold its service's tables at the newest migration."""
        backends = app.extensions["rv"]
        url = backends.settings.database_url
        if url.startswith("sqlite"):
            self._copy_template(backends.settings.service, Path(make_url(url).database))
        elif url not in self.migrated:
            registry.schema(backends.settings.service).upgrade(url)
            self.migrated.add(url)
        return app

    def after_test(self) -> None:
        """Close the test's connections and empty the run's PostgreSQL databases."""
        for engine in list(self.engines):
            engine.dispose()
        self.engines.clear()
        for service, url in self.urls.items():
            tables = [t.name for m in registry.schema(service).targets for t in m.sorted_tables]
            self._empty(url, tables)

    def close(self) -> None:
        """Stop watching engines; drop the run's PostgreSQL databases."""
        event.remove(Engine, "engine_connect", self._seen)
        for cleaner in self.cleaners.values():
            cleaner.close()
        if not self.urls:
            return
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            for url in self.urls.values():
                admin.execute(f'DROP DATABASE "{make_url(url).database}" WITH (FORCE)')

    def _seen(self, connection) -> None:
        self.engines.add(connection.engine)

    def _create(self, service: str) -> str:
        name = f"rv_suite_{service}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            create_database(admin, name)
        url = f"{self.server}/{name}"
        registry.schema(service).upgrade(url)
        return url

    def _copy_template(self, service: str, path: Path) -> None:
        if path.exists():
            return  # a second app on the same database
        template = self.templates / f"{service}.db"
        if not template.exists():
            _build_template(service, template)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, path)

    def _empty(self, url: str, tables: list[str]) -> None:
        """DELETE every row, dependants first, in one transaction and one round trip, on a
        connection kept for the run: a test leaves a few rows, TRUNCATE's file work cost six
        times as much, and a new connection a test (a server process forked and its
        catalogue caches filled) cost the server more than the DELETEs. A connection that a
        test ended (`unreachable`) is replaced, once; any other error fails the test."""
        deletes = (sql.SQL("DELETE FROM {}").format(sql.Identifier(t)) for t in reversed(tables))
        script = sql.SQL("; ").join([sql.SQL("SET LOCAL lock_timeout = '10s'"), *deletes])
        for last in (False, True):
            cleaner = self._cleaner(url)
            try:
                with cleaner.transaction():
                    cleaner.execute(script)
                return
            except psycopg.OperationalError:
                if last or not (cleaner.closed or cleaner.broken):
                    raise

    def _cleaner(self, url: str) -> psycopg.Connection:
        """The run's open connection to the database at `url`, made anew when gone."""
        cleaner = self.cleaners.get(url)
        if cleaner is None or cleaner.closed or cleaner.broken:
            cleaner = self.cleaners[url] = psycopg.connect(psycopg_url(url), autocommit=True)
        return cleaner


def create_database(admin: psycopg.Connection, name: str) -> None:
    """Create a PostgreSQL database for the suite. Its commits do not wait for the disk
    (synchronous_commit off, for this database only): it dies with the test or the run."""
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')


def _build_template(service: str, template: Path) -> None:
    """Migrate the service's SQLite template, once for all the run's workers: under a lock,
    into a file of its own, renamed into place when done (a worker never copies half)."""
    template.parent.mkdir(parents=True, exist_ok=True)
    with (template.parent / f"{service}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if template.exists():
            return  # another worker built it meanwhile
        building = template.with_suffix(f".{os.getpid()}")
        registry.schema(service).upgrade(f"sqlite:///{building}")
        building.replace(template)


@contextmanager
def writes_held(url: str) -> Iterator[None]:
    """Hold back every write to the database at `url` while inside: a consumer's job that
    starts meanwhile blocks mid-job (when it records the event)."""
    if url.startswith("sqlite"):
        lock = sqlite3.connect(make_url(url).database, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            lock.rollback()
            lock.close()
        return
    with psycopg.connect(psycopg_url(url)) as db:  # one transaction, rolled back at the end
        db.execute("LOCK TABLE applied_events IN EXCLUSIVE MODE")
        yield
        db.rollback()


@contextmanager
def unreachable(app: Flask) -> Iterator[None]:
    """The database of `app` cannot be opened while inside (its open connections closed)."""
    backends = app.extensions["rv"]
    backends.engine.dispose()
    url = make_url(backends.settings.database_url)
    if url.drivername.startswith("sqlite"):
        database = Path(url.database)
        away = database.rename(database.with_suffix(".away"))
        database.mkdir()  # a folder where the file was: SQLite cannot open it
        try:
            yield
        finally:
            database.rmdir()
            away.rename(database)
        return
    admin = psycopg_url(url.set(database="postgres").render_as_string(hide_password=False))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'ALTER DATABASE "{url.database}" WITH ALLOW_CONNECTIONS false')
        db.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (url.database,),
        )
        try:
            yield
        finally:
            db.execute(f'ALTER DATABASE "{url.database}" WITH ALLOW_CONNECTIONS true')


def psycopg_url(url: str) -> str:
    """A SQLAlchemy URL as psycopg takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://")
