"""The comparison at the end of `make test` (tests/passes.py) fails when the PostgreSQL pass
ran less than the SQLite pass, skipped, or left no record, and lists the slowest tests."""

from __future__ import annotations

import json

from tests.passes import main


def record(folder, engine: str, dependent: list[str], skipped: int = 0, slowest=()) -> str:
    """A pass's record file as the plugin writes it."""
    path = folder / f"{engine}.json"
    outcomes = {"passed": len(dependent) + 1, "skipped": skipped}
    data = {"engine": engine, "outcomes": outcomes, "dependent": dependent}
    path.write_text(json.dumps(data | {"slowest": list(slowest)}))
    return str(path)


def test_equal_passes_pass(tmp_path, capsys):
    sqlite = record(tmp_path, "sqlite", ["t::a", "t::b"])
    assert main(sqlite, record(tmp_path, "postgresql", ["t::a", "t::b"])) == 0
    assert "passed on postgresql: 3 (2 engine-dependent)" in capsys.readouterr().out


def test_a_test_passed_on_sqlite_only_fails_the_run_and_is_named(tmp_path, capsys):
    sqlite = record(tmp_path, "sqlite", ["t::a", "t::b"])
    assert main(sqlite, record(tmp_path, "postgresql", ["t::a"])) == 1
    assert "  t::b" in capsys.readouterr().out


def test_a_skip_in_either_pass_fails_the_run(tmp_path):
    sqlite = record(tmp_path, "sqlite", ["t::a"])
    assert main(sqlite, record(tmp_path, "postgresql", ["t::a"], skipped=1)) == 1


def test_a_pass_that_left_no_record_fails_the_run(tmp_path, capsys):
    sqlite = record(tmp_path, "sqlite", ["t::a"])
    assert main(sqlite, str(tmp_path / "postgresql.json")) == 1
    assert "did not finish" in capsys.readouterr().out


def test_the_slowest_tests_of_both_passes_are_listed_slowest_first(tmp_path, capsys):
    sqlite = record(tmp_path, "sqlite", ["t::a"], slowest=[["t::a", 3.0], ["t::b", 1.0]])
    postgresql = record(tmp_path, "postgresql", ["t::a"], slowest=[["t::a", 2.0]])
    assert main(sqlite, postgresql) == 0
    lines = capsys.readouterr().out.splitlines()
    listed = lines[lines.index("the 10 slowest tests (setup, call and teardown):") + 1 :][:3]
    assert [line.split()[2:] for line in listed] == [
        ["sqlite", "t::a"],
        ["postgresql", "t::a"],
        ["sqlite", "t::b"],
    ]
