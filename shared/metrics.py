"""Prometheus metrics: request counts and latencies, and the outbox's state by collector.

Under gunicorn with several workers, PROMETHEUS_MULTIPROC_DIR makes each scrape add up all
workers (deploy/gunicorn.conf.py clears the folder at start and marks dead workers).
"""

from __future__ import annotations

import os
import time

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
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from shared.models import OutboxEvent

REQUESTS = Counter(
    "rv_http_requests_total", "HTTP requests", ["service", "endpoint", "method", "status"]
)
LATENCY = Histogram(
    "rv_http_request_seconds",
    "HTTP request latency",
    ["service", "endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


class OutboxCollector:
    """Reads the outbox at scrape time: events pending, sent, acked and failed."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        gauge = GaugeMetricFamily("rv_outbox_events", "Outbox events by state", labels=["state"])
        backends = self.app.extensions["rv"]
        try:
            with backends.sessions() as session:
                rows = session.execute(
                    select(OutboxEvent.state, func.count()).group_by(OutboxEvent.state)
                ).all()
        except SQLAlchemyError:
            rows = []
        for state, count in rows:
            gauge.add_metric([state], count)
        yield gauge


def exposition() -> tuple[bytes, str]:
    """The metrics of this process, or of all workers in multiprocess mode, plus the outbox."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
        source = registry
    else:
        source = REGISTRY
    outbox = CollectorRegistry()
    outbox.register(OutboxCollector(current_app))
    return generate_latest(source) + generate_latest(outbox), CONTENT_TYPE_LATEST


def _start() -> None:
    g.rv_started = time.perf_counter()


def _observe(response):
    started = g.pop("rv_started", None)
    if started is not None:
        service = current_app.extensions["rv"].settings.service
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        LATENCY.labels(service, endpoint).observe(time.perf_counter() - started)
        REQUESTS.labels(service, endpoint, request.method, response.status_code).inc()
    return response


def init_app(app: Flask) -> None:
    """Count and time every request of `app`."""
    app.before_request(_start)
    app.after_request(_observe)
