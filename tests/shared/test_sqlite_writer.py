"""On SQLite every writing transaction holds the writer lock file beside the database until
it commits or rolls back, so the next writer waits in the kernel's queue, not asleep; a
transaction that only reads holds nothing."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest
from sqlalchemy import text

from shared.db import make_engine, read_only


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'one.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
    yield engine
    engine.dispose()


def lock_is_free(engine) -> bool:
    """Whether another open file description could take the writer lock now."""
    with Path(f"{engine.url.database}.writer").open("ab") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other, fcntl.LOCK_UN)
        return True


def test_a_writing_transaction_holds_the_writer_lock_until_it_commits(engine):
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        assert not lock_is_free(engine)
    assert lock_is_free(engine)


def test_a_rolled_back_transaction_lets_the_next_writer_in(engine):
    with pytest.raises(ZeroDivisionError), engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        raise ZeroDivisionError
    assert lock_is_free(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM t")) == 0


def test_a_transaction_that_only_reads_holds_no_lock(engine):
    with read_only(engine).connect() as reading:
        assert reading.scalar(text("SELECT count(*) FROM t")) == 0
        assert lock_is_free(engine)
        with engine.begin() as writing:  # and a writer goes ahead meanwhile
            writing.execute(text("INSERT INTO t VALUES (1)"))
