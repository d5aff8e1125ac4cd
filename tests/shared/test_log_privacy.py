"""No clear address or token in a log line: database errors never quote the parameters of
the statement that failed (they travel into logs and rq's failed registry)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from shared.db import make_engine

ADDRESS = "lotte.janssens@telenet.be"


def test_a_database_error_does_not_quote_its_parameters(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(SQLAlchemyError) as raised, engine.begin() as connection:
        connection.execute(text("INSERT INTO nowhere (email) VALUES (:email)"), {"email": ADDRESS})
    assert "nowhere" in str(raised.value)  # the statement is named, its values are not
    assert ADDRESS not in str(raised.value)


def test_a_postgresql_error_does_not_quote_its_parameters(pg_database):
    engine = make_engine(pg_database())
    with pytest.raises(SQLAlchemyError) as raised, engine.begin() as connection:
        connection.execute(text("INSERT INTO nowhere (email) VALUES (:email)"), {"email": ADDRESS})
    engine.dispose()
    assert ADDRESS not in str(raised.value)
