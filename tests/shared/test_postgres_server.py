"""The PostgreSQL the suite starts for itself where none answers on 5432 runs the migrations;
a PostgreSQL pass on a machine without a server runs on it, and on a machine without the
binaries either it fails saying why, never skips."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from services import registry
from shared.redis_server import free_port
from tests.conftest import ROOT
from tests.postgres_server import LocalPostgres, binaries

pytestmark = pytest.mark.slow

# A small test of the PostgreSQL pass: its database is built by the suite's fixtures.
ON_THE_ENGINE = "tests/services/voting/test_tally.py::test_only_counted_votes_count"


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


def postgresql_pass(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """ON_THE_ENGINE in a pytest run of its own on PostgreSQL, no server answering where the
    suite looks first (a free port), with these environment variables."""
    nowhere = f"postgresql://postgres@127.0.0.1:{free_port()}"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0"]
    command += ["--database=postgresql", f"--basetemp={tmp_path / 'run'}", ON_THE_ENGINE]
    environment = os.environ | {"RV_TEST_POSTGRES": nowhere} | env
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=150
    )


def test_where_no_server_answers_the_pass_runs_on_a_cluster_of_its_own(tmp_path):
    run = postgresql_pass(tmp_path)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "postgresql pass: 1 passed, 1 of them engine-dependent; 0 skipped" in run.stdout


def test_without_a_server_or_binaries_the_pass_fails_saying_why(tmp_path):
    run = postgresql_pass(tmp_path, RV_TEST_POSTGRES_BIN=str(tmp_path / "no-postgresql"))
    assert run.returncode == 1, run.stdout[-3000:]
    assert "PostgreSQL is needed: none answers at postgresql://" in run.stdout
    assert "postgresql pass: 0 passed, 0 of them engine-dependent; 0 skipped, 1 failed" in (
        run.stdout
    )
