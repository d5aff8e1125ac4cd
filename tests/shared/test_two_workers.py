"""Two workers of one consumer applying events at the same moment, on PostgreSQL (where they
do not take turns on the database file as on SQLite): the same batch delivered to both (sent
again while its first delivery still runs) applies each event once, and an older schedule
applied beside a newer one never overwrites it."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from services import registry
from services.voting.jobs import HANDLERS
from services.voting.models import Edition
from shared.editions import SCHEDULED
from shared.events import consume, envelope
from shared.models import AppliedEvent
from tests.scale.client import at_once
from tests.services.voting.conftest import schedule


@pytest.fixture
def sessions(settings_for, ready, pg_database, make_env):
    """Sessions on a voting database of this test's own, on PostgreSQL."""
    env = make_env(VOTING_DATABASE_URL=pg_database("rv_voting"))
    return (
        ready(registry.create_app("voting", settings_for("voting", env))).extensions["rv"].sessions
    )


def scheduled(slug: str, revision: int) -> list[dict]:
    """A batch of one `edition.scheduled` event from the hub."""
    return [envelope(SCHEDULED, "nominations", schedule(slug, revision=revision))]


def test_one_batch_consumed_by_two_workers_at_once_runs_each_handler_once(sessions):
    runs, lock = [], threading.Lock()

    def slow_mail(session, payload: dict) -> None:  # as a mail would be: not undone by rollback
        with lock:
            runs.append(payload["n"])
        time.sleep(0.1)

    batch = [envelope("test.mail", "nominations", {"n": n}) for n in range(3)]
    handlers = {"test.mail": slow_mail}
    results = at_once(*(lambda: consume(sessions, batch, handlers) for _ in range(2)))
    assert sorted(runs) == [0, 1, 2]
    assert sorted(len(r["applied"]) + len(r["duplicates"]) for r in results) == [3, 3]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AppliedEvent)) == 3


def test_an_older_schedule_applied_beside_a_newer_one_never_overwrites_it(sessions):
    consume(sessions, scheduled("ed-order", 1), HANDLERS)

    def newer_held_open(session, payload: dict) -> None:
        HANDLERS[SCHEDULED](session, payload)
        session.flush()
        time.sleep(0.3)  # revision 3 is written, not yet committed, when revision 2 comes

    def older_a_moment_later() -> None:
        time.sleep(0.1)
        consume(sessions, scheduled("ed-order", 2), HANDLERS)

    newer = {SCHEDULED: newer_held_open}
    at_once(lambda: consume(sessions, scheduled("ed-order", 3), newer), older_a_moment_later)
    with sessions() as session:
        assert session.scalar(select(Edition.revision).where(Edition.slug == "ed-order")) == 3
