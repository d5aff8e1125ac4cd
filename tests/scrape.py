"""Reading an app's /metrics as Prometheus would."""

from __future__ import annotations

from flask import Flask
from prometheus_client.parser import text_string_to_metric_families


def samples(app: Flask, name: str) -> list[tuple[dict, float]]:
    """The samples called `name` in the app's /metrics: (labels, value) each."""
    response = app.test_client().get("/metrics")
    assert response.status_code == 200
    families = text_string_to_metric_families(response.get_data(as_text=True))
    return [(s.labels, s.value) for f in families for s in f.samples if s.name == name]


def value(app: Flask, name: str, **labels: str) -> float | None:
    """The value of the one sample `name` whose labels include `labels`; None without one."""
    found = [v for have, v in samples(app, name) if labels.items() <= have.items()]
    assert len(found) <= 1, found
    return found[0] if found else None
