"""The PostgreSQL the suite starts for itself where none answers on 5432 runs the migrations."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from services import registry
from tests.postgres_server import LocalPostgres, binaries

pytestmark = pytest.mark.slow


def test_a_cluster_of_the_suites_own_takes_the_migrations():
    assert binaries(), "no PostgreSQL binaries (initdb): `make test` installs Debian's postgresql"
    folder = Path(tempfile.mkdtemp(prefix="rv-postgres-"))
    server = LocalPostgres(folder, binaries())
    try:
        url = f"{server.start()}/postgres"
        registry.schema("voting").upgrade(url)
        assert registry.schema("voting").differences(url) == []
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
