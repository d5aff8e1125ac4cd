"""Prometheus metrics: requests counted and timed by route, and gauges read at scrape time.

Under gunicorn with several workers, PROMETHEUS_MULTIPROC_DIR makes each scrape add up all
workers (deploy/gunicorn.conf.py clears the folder at start and marks dead workers).

Gauges of state (the outbox, the rq queue, a service's votes or nominations) are not kept
in memory: each is a `ScrapeGauge` whose `read` asks its source (the database, Redis) when
/metrics is scraped, so every worker answers the same and nothing drifts. Every service has
SHARED_GAUGES; a service adds its own through `build_app(..., gauges=...)`. A source that
does not answer leaves its gauge out of that scrape; the rest still answers.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from shared.logs import route
from shared.models import OutboxEvent, utcnow
from shared.queues import queue
from shared.schemas.events import OUTBOX_STATES

if TYPE_CHECKING:
    from shared.backends import Backends

log = logging.getLogger(__name__)

REQUESTS = Counter(
    "rv_http_requests_total", "HTTP requests", ["service", "endpoint", "method", "status"]
)
LATENCY = Histogram(
    "rv_http_request_seconds",
    "HTTP request latency by route (the URL rule, not the path)",
    ["service", "endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
# Reading a source can fail for these reasons only; anything else is a bug and should show.
SOURCE_ERRORS = (SQLAlchemyError, RedisError)
WAITING = ("pending", "sent")
Sample = tuple[tuple[str, ...], float]


@dataclass(frozen=True)
class ScrapeGauge:
    """A gauge read from its source at scrape time: `read(backends)` yields (label values,
    value) pairs, one per series."""

    name: str
    documentation: str
    labels: tuple[str, ...]
    read: Callable[[Backends], Iterable[Sample]]


def outbox_events(b: Backends) -> Iterator[Sample]:
    """The outbox's events by state, every state listed (0 included)."""
    query = select(OutboxEvent.state, func.count()).group_by(OutboxEvent.state)
    with b.sessions() as session:
        counts = dict(session.execute(query).all())
    for state in OUTBOX_STATES:
        yield (state,), counts.get(state, 0)


def outbox_oldest(b: Backends) -> Iterator[Sample]:
    """Seconds since the oldest event still pending (not yet in a queue: is the relay
    running?) and still sent (queued but not applied: are the consumers?) was written;
    0 when there is none."""
    query = (
        select(OutboxEvent.state, func.min(OutboxEvent.created_at))
        .where(OutboxEvent.state.in_(WAITING))
        .group_by(OutboxEvent.state)
    )
    with b.sessions() as session:
        oldest = dict(session.execute(query).all())
    now = utcnow()
    for state in WAITING:
        yield (state,), (now - oldest[state]).total_seconds() if state in oldest else 0.0


def queue_jobs(b: Backends) -> Iterator[Sample]:
    """Jobs of this service's rq queue: waiting in it, running, scheduled for a retry, and
    failed (rq's failed registry, which staff see at /api/v1/events/failed)."""
    q = queue(b.redis, b.settings.queue_name())
    yield (q.name, "queued"), q.count
    registries = {
        "started": q.started_job_registry,
        "scheduled": q.scheduled_job_registry,
        "failed": q.failed_job_registry,
    }
    for state, registry in registries.items():
        # No cleanup: a scrape only reads; moving abandoned jobs is the worker's business.
        yield (q.name, state), registry.get_job_count(cleanup=False)


SHARED_GAUGES = (
    ScrapeGauge("rv_outbox_events", "Outbox events by state", ("state",), outbox_events),
    ScrapeGauge(
        "rv_outbox_oldest_seconds",
        "Age of the oldest outbox event still pending or sent (not yet applied)",
        ("state",),
        outbox_oldest,
    ),
    ScrapeGauge("rv_queue_jobs", "Jobs of the service's rq queue", ("queue", "state"), queue_jobs),
)


class ScrapeCollector:
    """Reads each gauge from its source when scraped; a source that fails leaves its gauge
    out of this scrape."""

    def __init__(self, backends: Backends, gauges: Sequence[ScrapeGauge]):
        self.backends = backends
        self.gauges = gauges

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """One family per gauge whose source answered."""
        for gauge in self.gauges:
            try:
                samples = list(gauge.read(self.backends))
            except SOURCE_ERRORS as exc:
                log.warning("metric %s left out: its source failed: %s", gauge.name, exc)
                continue
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=gauge.labels)
            for labels, value in samples:
                family.add_metric(labels, value)
            yield family


def exposition() -> tuple[bytes, str]:
    """The metrics of this process, or of all workers in multiprocess mode, plus the gauges
    read at scrape time."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        source = CollectorRegistry()
        multiprocess.MultiProcessCollector(source)
    else:
        source = REGISTRY
    scraped = CollectorRegistry()
    scraped.register(
        ScrapeCollector(current_app.extensions["rv"], current_app.extensions["rv_gauges"])
    )
    return generate_latest(source) + generate_latest(scraped), CONTENT_TYPE_LATEST


def _start() -> None:
    g.rv_started = time.perf_counter()


def _observe(response):
    started = g.pop("rv_started", None)
    if started is not None:
        service = current_app.extensions["rv"].settings.service
        endpoint = route()
        LATENCY.labels(service, endpoint).observe(time.perf_counter() - started)
        REQUESTS.labels(service, endpoint, request.method, response.status_code).inc()
    return response


def init_app(app: Flask, gauges: Sequence[ScrapeGauge] = ()) -> None:
    """Count and time every request of `app`; its /metrics reads SHARED_GAUGES and `gauges`."""
    app.extensions["rv_gauges"] = (*SHARED_GAUGES, *gauges)
    app.before_request(_start)
    app.after_request(_observe)
