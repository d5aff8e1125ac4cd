"""The two passes of `make test`, SQLite then PostgreSQL, and what each ran.

A test whose fixtures never build the run's databases (no `databases` among them) does the
same whatever `--database` says: it is marked `engine_free`, and the PostgreSQL pass
deselects it (`-m "not engine_free"`); so does a test or module that says so itself, where
what it checks happens before or apart from any database work:
- pages in a browser (the e2e modules but the rehearsal, the voting staff pages' browser
  test): what Chromium does with a page, how it reads (axe-core, widths, languages) and
  its scripts are the same on both engines; the data behind each page is checked on
  PostgreSQL too by the service tests through the same calls, and the rehearsal plays the
  whole campaign in Chromium on PostgreSQL;
- the web layer's refusals before any query: forms without their CSRF token, bodies refused
  as they are read, headers and cookies behind TLS; the privacy page (the settings'
  periods) and the URL builders.
A test marked `postgresql_only` (the production rehearsal, on PostgreSQL
by design) is never engine_free, and the SQLite pass deselects it. Each pass writes what
passed to its --passes-record file, and `python -m tests.passes SQLITE_RECORD
POSTGRESQL_RECORD` prints the passes per engine and fails when an engine-dependent test
that passed on SQLite did not pass on PostgreSQL, or when either pass skipped a test or left
no record: a PostgreSQL pass that vanished, or skipped a part, cannot look green. `make test`
runs the two passes at once, so it is this comparison that prints, last, the ten slowest
tests of both.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

ENGINE_FREE = "engine_free"
POSTGRESQL_ONLY = "postgresql_only"
SLOWEST = 10


def add_options(parser) -> None:
    """--passes-record: the file this pass's record is written to."""
    parser.addoption(
        "--passes-record",
        default=None,
        help="write the tests that passed, and which of them depend on the engine, here",
    )


class Passes:
    """The plugin: marks the engine-free tests, and counts the outcomes of this pass as the
    reports arrive (in the controlling process when pytest-xdist runs the tests in workers);
    writes the record at the end."""

    def __init__(self, config: pytest.Config, worker: bool):
        self.worker = worker
        self.engine = config.getoption("--database")
        path = config.getoption("--passes-record")
        self.path = Path(path) if path and not worker else None
        self.outcomes: Counter[str] = Counter()
        self.dependent: list[str] = []
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.deselected = 0

    @pytest.hookimpl(tryfirst=True)  # before -m deselects by the marker
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Mark the tests that never build the run's databases as engine_free."""
        for item in items:
            own_databases = "databases" in getattr(item, "fixturenames", ())
            if not own_databases and not item.get_closest_marker(POSTGRESQL_ONLY):
                item.add_marker(ENGINE_FREE)

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error) -> None:
        """A pytest-xdist worker's count of the tests it left out (each collects them all)."""
        self.deselected = max(self.deselected, node.workeroutput.get("deselected", 0))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count a test's outcome: its call's, or its setup's when that failed or skipped; add
        up its time (setup, call and teardown)."""
        self.seconds[report.nodeid] += report.duration
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.outcomes[report.outcome] += 1
            if report.passed and ENGINE_FREE not in report.keywords:
                self.dependent.append(report.nodeid)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        """One line: what passed on this engine, and how much of it depends on the engine."""
        if self.worker:
            return
        terminalreporter.write_line(
            f"{self.engine} pass: {self.outcomes['passed']} passed, {len(self.dependent)} of "
            f"them engine-dependent; {self.outcomes['skipped']} skipped, "
            f"{self.outcomes['failed']} failed; {self.deselected} deselected"
        )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Save the record for the comparison at the end of `make test` (a worker hands its
        count of the tests left out to the controlling process instead)."""
        if self.worker:
            session.config.workeroutput["deselected"] = self.deselected
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        slowest = sorted(self.seconds.items(), key=lambda pair: pair[1], reverse=True)
        data = {
            "engine": self.engine,
            "outcomes": self.outcomes,
            "dependent": self.dependent,
            "slowest": slowest[:SLOWEST],
        }
        self.path.write_text(json.dumps(data, indent=1))


def register(config: pytest.Config) -> None:
    """Add the plugin to a run. Under pytest-xdist the workers collect (and so mark) and the
    controlling process gets every report and writes the record; a worker writes none."""
    config.pluginmanager.register(Passes(config, worker=hasattr(config, "workerinput")))


def compare(sqlite: dict, postgresql: dict) -> list[str]:
    """The engine-dependent tests that passed on SQLite and not on PostgreSQL."""
    return sorted(set(sqlite["dependent"]) - set(postgresql["dependent"]))


def slowest(records: list[dict]) -> list[str]:
    """The ten slowest tests of the passes, slowest first: seconds, engine, test."""
    timed = [(seconds, r["engine"], nodeid) for r in records for nodeid, seconds in r["slowest"]]
    timed.sort(reverse=True)
    return [
        f"{seconds:6.1f} s  {engine:<10} {nodeid}" for seconds, engine, nodeid in timed[:SLOWEST]
    ]


def main(sqlite_path: str, postgresql_path: str) -> int:
    """Print the passes per engine and the ten slowest tests; 1 when a pass left no record
    (it did not finish), when the PostgreSQL pass ran fewer of the engine-dependent tests
    than the SQLite pass, or when either pass skipped a test."""
    absent = [p for p in (sqlite_path, postgresql_path) if not Path(p).exists()]
    if absent:
        print(f"no record of a pass (it did not finish): {', '.join(absent)}")
        return 1
    records = [json.loads(Path(p).read_text()) for p in (sqlite_path, postgresql_path)]
    print(f"the {SLOWEST} slowest tests (setup, call and teardown):")
    print("\n".join(slowest(records)))
    for record in records:
        passed, dependent = record["outcomes"].get("passed", 0), len(record["dependent"])
        print(f"passed on {record['engine']}: {passed} ({dependent} engine-dependent)")
    missing = compare(*records)
    if missing:
        print(f"{len(missing)} engine-dependent tests passed on SQLite, not on PostgreSQL:")
        print("\n".join(f"  {nodeid}" for nodeid in missing[:20]))
    skipped = {r["engine"]: r["outcomes"].get("skipped", 0) for r in records}
    if any(skipped.values()):
        print(f"skipped, so not checked: {skipped} (make test sets up all a test needs)")
    return 1 if missing or any(skipped.values()) else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
