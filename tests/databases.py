"""The suite's databases, built by the services' migrations.

SQLite (the default): each test's files are copies of one template per service, migrated once
per run. PostgreSQL (`pytest --database=postgresql`): one database per service for the whole
run, migrated once, emptied after each test, dropped at the end; a test's own PostgreSQL
databases (the pg_database fixture) are migrated when first used.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import psycopg
from flask import Flask
from sqlalchemy import Engine, make_url

from services import registry
from shared.config import SERVICES


class Databases:
    """Prepares the databases of the apps a test builds, and cleans up after the test."""

    def __init__(self, templates: Path, server: str | None = None):
        self.templates = templates
        self.server = server
        self.urls = {s: self._create(s) for s in SERVICES} if server else {}
        self.migrated: set[str] = set()
        self.engines: list[Engine] = []

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
        self.engines.append(backends.engine)
        return app

    def after_test(self) -> None:
        """Close the test's connections and empty the run's PostgreSQL databases."""
        for engine in self.engines:
            engine.dispose()
        self.engines.clear()
        for service, url in self.urls.items():
            _empty(url, [t.name for m in registry.schema(service).targets for t in m.sorted_tables])

    def close(self) -> None:
        """Drop the run's PostgreSQL databases."""
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            for url in self.urls.values():
                admin.execute(f'DROP DATABASE "{make_url(url).database}" WITH (FORCE)')

    def _create(self, service: str) -> str:
        name = f"rv_suite_{service}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{self.server}/{name}"
        registry.schema(service).upgrade(url)
        return url

    def _copy_template(self, service: str, path: Path) -> None:
        if path.exists():
            return  # a second app on the same database
        template = self.templates / f"{service}.db"
        if not template.exists():
            registry.schema(service).upgrade(f"sqlite:///{template}")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, path)


def _empty(url: str, tables: list[str]) -> None:
    names = ", ".join(f'"{t}"' for t in tables)
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as db:
        db.execute("SET lock_timeout = '10s'")
        db.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
