"""A service's tables, kept by Alembic: one migration history per service, in
services/<name>/migrations, run through the one environment in shared/migrations."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, MetaData, inspect

from shared.db import make_engine
from shared.models import SharedBase

ENVIRONMENT = Path(__file__).resolve().parent / "migrations"
# The tables every service keeps (outbox, applied events, staff tokens) have one history of
# their own, the branch "shared", which every service's first migration depends on.
SHARED_VERSIONS = ENVIRONMENT / "versions"
RUFF = Path(sys.executable).parent / "ruff"


class SchemaUntracked(RuntimeError):
    """A database holds the service's tables but no migration history (made before
    migrations existed): upgrading it would fail half-way, so nothing is touched."""


@dataclass(frozen=True)
class Schema:
    """The tables a service's models describe (its own and the shared ones) and the folder of
    the migrations that build them (the Alembic branch named after the service)."""

    service: str
    metadata: MetaData
    versions: Path

    @property
    def targets(self) -> list[MetaData]:
        """Every table the service's database must have."""
        return [SharedBase.metadata, self.metadata]

    def upgrade(self, url: str) -> None:
        """Bring the database at `url` to the newest revision of both its branches (a no-op
        when it is there), in one transaction."""
        with _transaction(url) as connection:
            command.upgrade(self._config(connection), "heads")

    def differences(self, url: str) -> list:
        """What the models have that the database lacks, or the reverse (Alembic's diff
        directives); empty when the migrations build exactly the models' tables."""
        with _transaction(url) as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, self.targets)

    def revision(self, url: str, message: str, branch: str | None = None) -> None:
        """Write a new migration on `branch` (the service's own, or "shared" for the tables
        every service keeps) holding what the models add to the database at `url`, which
        must be at the newest revision."""
        branch = branch or self.service
        folder = SHARED_VERSIONS if branch == "shared" else self.versions
        with _transaction(url) as connection:
            config = self._config(connection)
            _format_with_ruff(config)
            command.revision(
                config, message, autogenerate=True, head=f"{branch}@head", version_path=str(folder)
            )

    def _config(self, connection: Connection) -> Config:
        config = Config()
        config.set_main_option("script_location", str(ENVIRONMENT))
        config.set_main_option("version_locations", f"{SHARED_VERSIONS}{os.pathsep}{self.versions}")
        config.set_main_option("path_separator", "os")
        config.attributes["connection"] = connection
        config.attributes["metadata"] = self.targets
        return config


def _format_with_ruff(config: Config) -> None:
    # New migration files come out in the project's format, so that lint passes at once.
    config.set_section_option("post_write_hooks", "hooks", "ruff")
    config.set_section_option("post_write_hooks", "ruff.type", "exec")
    config.set_section_option("post_write_hooks", "ruff.executable", str(RUFF))
    config.set_section_option("post_write_hooks", "ruff.options", "format REVISION_SCRIPT_FILENAME")


@contextmanager
def _transaction(url: str) -> Iterator[Connection]:
    """A connection in a transaction on `url`, committed at the end; its engine disposed."""
    engine = make_engine(url)
    try:
        _refuse_untracked(engine)
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def _refuse_untracked(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    if tables and "alembic_version" not in tables:
        raise SchemaUntracked(
            f"{engine.url.render_as_string(hide_password=True)} holds tables but no "
            "migration history: it was made by a version before migrations. Start from an "
            "empty database (for the local SQLite files: remove the data folder)."
        )
