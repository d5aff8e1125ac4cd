"""Two workers of one consumer applying events at the same moment, on PostgreSQL (where they
do not take turns on the database file as on SQLite): the same batch delivered to both (sent
again while its first delivery still runs) applies each event once, and an older schedule
applied beside a newer one never overwrites it.

The race is made to happen, not hoped for: the first worker holds its transaction open inside
a handler until PostgreSQL shows the second worker waiting on one of its locks, and each test
asserts that it did wait."""

from __future__ import annotations

import threading

import psycopg
import pytest
from flask import Flask
from sqlalchemy import func, select

from services import registry
from services.voting.jobs import HANDLERS
from services.voting.models import Edition
from shared.editions import SCHEDULED
from shared.events import consume, envelope
from shared.models import AppliedEvent
from tests.databases import psycopg_url
from tests.services.voting.conftest import schedule
from tests.shared.bus_helpers import wait_for

RACE_TIMEOUT = 20  # seconds for the second worker to reach the first one's lock


@pytest.fixture
def voting(settings_for, ready, pg_database, make_env) -> Flask:
    """A voting app on a PostgreSQL database of this test's own."""
    env = make_env(VOTING_DATABASE_URL=pg_database("rv_voting"))
    return ready(registry.create_app("voting", settings_for("voting", env)))


def waiting_on_a_lock(app: Flask) -> int:
    """How many connections to the app's database wait on a lock right now."""
    url = psycopg_url(app.extensions["rv"].settings.database_url)
    with psycopg.connect(url) as db:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        return db.execute(f"{query} AND wait_event_type = 'Lock'").fetchone()[0]


class Race:
    """Two callables run in threads: `second` starts once `first` is inside its held
    transaction (`inside` set), and `first` goes on once the second waits on its lock."""

    def __init__(self, app: Flask):
        self.app = app
        self.inside = threading.Event()
        self.second_waited = False

    def hold_until_the_second_waits(self) -> None:
        """Called by the first worker inside its transaction (later calls go straight on)."""
        if self.inside.is_set():
            return
        self.inside.set()
        wait_for(lambda: waiting_on_a_lock(self.app), RACE_TIMEOUT)
        self.second_waited = True

    def run(self, first, second) -> list:
        """Run both; their results (an exception in either is raised here)."""
        results: list = [None, None]
        errors: list[BaseException] = []

        def run(n: int, fn) -> None:
            try:
                if n == 1:
                    assert self.inside.wait(RACE_TIMEOUT), "the first worker never got inside"
                results[n] = fn()
            except BaseException as error:
                errors.append(error)
                self.inside.set()  # never leave the other thread waiting

        threads = [
            threading.Thread(target=run, args=(n, fn)) for n, fn in enumerate((first, second))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(RACE_TIMEOUT * 2)
        if errors:
            raise errors[0]
        return results


def scheduled(slug: str, revision: int) -> list[dict]:
    """A batch of one `edition.scheduled` event from the hub."""
    return [envelope(SCHEDULED, "nominations", schedule(slug, revision=revision))]


def test_one_batch_consumed_by_two_workers_at_once_runs_each_handler_once(voting):
    sessions, race = voting.extensions["rv"].sessions, Race(voting)
    runs, lock = [], threading.Lock()

    def mail(session, payload: dict) -> None:  # as a mail would be: not undone by rollback
        with lock:
            runs.append(payload["n"])
        if payload["n"] == 0:
            race.hold_until_the_second_waits()

    batch = [envelope("test.mail", "nominations", {"n": n}) for n in range(3)]
    handlers = {"test.mail": mail}
    results = race.run(*(lambda: consume(sessions, batch, handlers) for _ in range(2)))
    assert race.second_waited  # the second delivery reached the claim while the first held it
    assert sorted(runs) == [0, 1, 2]
    assert sorted(len(r["applied"]) + len(r["duplicates"]) for r in results) == [3, 3]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AppliedEvent)) == 3


def test_an_older_schedule_applied_beside_a_newer_one_never_overwrites_it(voting):
    sessions, race = voting.extensions["rv"].sessions, Race(voting)
    consume(sessions, scheduled("ed-order", 1), HANDLERS)

    def newer_held_open(session, payload: dict) -> None:
        HANDLERS[SCHEDULED](session, payload)
        session.flush()  # revision 3 written, not committed, while revision 2 comes
        race.hold_until_the_second_waits()

    race.run(
        lambda: consume(sessions, scheduled("ed-order", 3), {SCHEDULED: newer_held_open}),
        lambda: consume(sessions, scheduled("ed-order", 2), HANDLERS),
    )
    assert race.second_waited  # revision 2 waited on the edition row revision 3 had locked
    with sessions() as session:
        assert session.scalar(select(Edition.revision).where(Edition.slug == "ed-order")) == 3
