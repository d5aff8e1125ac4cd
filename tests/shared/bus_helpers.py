"""Helpers for event-bus tests: run workers in-process, sweep the relay, read replicas."""

from __future__ import annotations

import importlib
import time

from flask import Flask
from rq import SimpleWorker
from sqlalchemy import func, select

from services import registry
from shared.models import AppliedEvent, OutboxEvent
from shared.queues import SERIALIZER, queue
from shared.relay import Relay


def drain(app: Flask) -> None:
    """Run the service's rq worker in burst mode, in this process, until its queue is empty
    (no worker at all for an empty queue: starting one costs a third of a second)."""
    b = app.extensions["rv"]
    jobs = queue(b.redis, b.settings.queue_name())
    if not jobs.count:
        return
    with app.app_context():
        worker = SimpleWorker([jobs], connection=b.redis, serializer=SERIALIZER)
        worker.work(burst=True, logging_level="ERROR")


def relay(app: Flask) -> Relay:
    """The relay of a producer app, with its service's periodic duties, each run inside the
    app's context as `services.cli relay` runs them."""
    b = app.extensions["rv"]
    duties = [in_context(app, duty) for duty in registry.periodic(b.settings.service)]
    return Relay(b.settings, b.sessions, b.redis, duties)


def in_context(app: Flask, duty):
    """A periodic duty that runs inside the app's context."""

    def run(session):
        with app.app_context():
            return duty(session)

    return run


def pump(apps: dict, rounds: int = 6) -> None:
    """Let every app's relay (its periodic duties, then a sweep) and worker move what is due,
    round after round until nothing moves: events that cause events travel all the way."""
    for _ in range(rounds):
        moved = 0
        for app in apps.values():
            with app.app_context():
                relay(app).tick()
            swept = relay(app).sweep()
            moved += swept["dispatched"] + swept.get("acked", 0)
        for app in apps.values():
            drain(app)
        if not moved:
            return


def outbox_states(app: Flask) -> dict[str, int]:
    """How many outbox rows of the app are in each state."""
    with app.extensions["rv"].sessions() as session:
        rows = session.execute(
            select(OutboxEvent.state, func.count()).group_by(OutboxEvent.state)
        ).all()
    return dict(rows)


def applied_count(app: Flask) -> int:
    """How many events the app has applied."""
    with app.extensions["rv"].sessions() as session:
        return session.scalar(select(func.count()).select_from(AppliedEvent))


def replica(app: Flask, slug: str):
    """The app's replica of an edition, or None."""
    service = app.extensions["rv"].settings.service
    model = importlib.import_module(f"services.{service}.models").Edition
    with app.extensions["rv"].sessions() as session:
        return session.scalar(select(model).where(model.slug == slug))


# The longest wait for what needs processes started first (a worker, a relay): an upper
# bound, never a pause, and generous, since a start takes seconds on a loaded machine.
STARTS = 60


def wait_for(predicate, timeout: float, interval: float = 0.05):
    """Poll until predicate() is truthy; returns its value and the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        value = predicate()
        if value:
            return value, time.monotonic() - start
        time.sleep(interval)
    raise AssertionError(f"not true within {timeout} s")


def run_the_bus(apps: dict[str, Flask]) -> None:
    """Do once what the relays (their periodic duties, then the sweep) and the workers of
    the three services in this process do."""
    for app in apps.values():
        with app.app_context():
            relay(app).tick()
        relay(app).sweep()
    for app in apps.values():
        if waiting(app):
            drain(app)


def waiting(app: Flask) -> int:
    """How many jobs wait in the service's queue (a worker started for none costs time)."""
    b = app.extensions["rv"]
    return queue(b.redis, b.settings.queue_name()).count
