"""The schema: created where missing; a database made by an older version is named, not
half-used."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from services import registry
from shared.db import SchemaOutdated, create_schema, make_engine


def test_a_table_lacking_a_column_stops_the_start_with_its_name(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE editions (id INTEGER PRIMARY KEY, slug TEXT)"))
    with pytest.raises(SchemaOutdated, match=r"editions\.title"):
        create_schema(engine, registry.metadata("voting"))


def test_a_current_database_passes_again(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    create_schema(engine, registry.metadata("jury"))
    create_schema(engine, registry.metadata("jury"))
