"""Each service's migrations build exactly the tables its models describe, on SQLite and on
PostgreSQL; an upgrade is repeatable; a database made before migrations is refused untouched."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import inspect, text

from services import registry
from shared.config import SERVICES
from shared.db import make_engine
from shared.schema import SchemaUntracked


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """An empty database URL of each engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("pg_database")("rv_schema")


@pytest.mark.parametrize("service", SERVICES)
def test_the_migrations_build_what_the_models_describe(service, empty_database):
    schema = registry.schema(service)
    schema.upgrade(empty_database)
    assert schema.differences(empty_database) == []


def test_an_upgrade_at_the_newest_revision_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'jury.db'}"
    schema = registry.schema("jury")
    schema.upgrade(url)
    schema.upgrade(url)
    assert schema.differences(url) == []


def test_a_database_made_before_migrations_is_refused_untouched(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE editions (id INTEGER PRIMARY KEY, slug TEXT)"))
    with pytest.raises(SchemaUntracked, match="before migrations"):
        registry.schema("voting").upgrade(str(engine.url))
    assert inspect(engine).get_table_names() == ["editions"]
    engine.dispose()


def test_a_new_revision_holds_what_the_models_add(tmp_path):
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    schema = registry.schema("nominations")
    schema.upgrade(url)
    with make_engine(url).begin() as connection:
        connection.execute(text("DROP INDEX ix_outbox_job_id"))
    versions = tmp_path / "versions"
    versions.mkdir()
    for migration in schema.versions.glob("*.py"):
        (versions / migration.name).write_text(migration.read_text())
    replace(schema, versions=versions).revision(url, "the outbox job index again")
    written = set(versions.glob("*.py")) - {versions / m.name for m in schema.versions.glob("*.py")}
    assert "create_index" in written.pop().read_text()
