"""/metrics: requests by route, and the gauges read at scrape time (outbox, rq queue), with
real SQLite, real Redis and the real relay and worker run in-process."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from services import registry
from shared.events import envelope, publish
from shared.models import OutboxEvent, utcnow
from tests.factories import edition_body
from tests.scrape import samples, value
from tests.shared.bus_helpers import drain, relay


def create_edition(app, staff) -> str:
    body = edition_body()
    response = app.test_client().post("/api/v1/editions", json=body, headers=staff)
    assert response.status_code == 201, response.get_json()
    return body["slug"]


def queued(app, state: str) -> float | None:
    return value(
        app, "rv_queue_jobs", queue=app.extensions["rv"].settings.queue_name(), state=state
    )


def test_latency_is_kept_by_route_not_by_path(app, staff):
    slug = create_edition(app, staff)
    app.test_client().get(f"/api/v1/editions/{slug}")
    routes = {labels["endpoint"] for labels, _ in samples(app, "rv_http_request_seconds_count")}
    assert "/api/v1/editions/<slug>" in routes
    assert not any(slug in route for route in routes)


def test_every_outbox_state_is_listed_from_zero(apps):
    counts = {labels["state"]: v for labels, v in samples(apps["jury"], "rv_outbox_events")}
    assert counts == {"pending": 0, "sent": 0, "acked": 0, "failed": 0}


def test_the_oldest_pending_event_has_its_age(app, staff):
    create_edition(app, staff)
    with app.extensions["rv"].sessions.begin() as session:
        session.execute(update(OutboxEvent).values(created_at=utcnow() - dt.timedelta(minutes=5)))
    assert 300 <= value(app, "rv_outbox_oldest_seconds", state="pending") < 330
    assert value(app, "rv_outbox_oldest_seconds", state="sent") == 0


def test_an_event_in_a_queue_ages_as_sent(app, staff):
    create_edition(app, staff)
    relay(app).sweep()
    assert value(app, "rv_outbox_oldest_seconds", state="pending") == 0
    assert 0 < value(app, "rv_outbox_oldest_seconds", state="sent") < 30


def test_the_queue_depth_counts_jobs_until_a_worker_takes_them(apps, staff):
    create_edition(apps["nominations"], staff)
    relay(apps["nominations"]).sweep()
    assert queued(apps["voting"], "queued") == 1
    drain(apps["voting"])
    assert queued(apps["voting"], "queued") == 0
    assert queued(apps["voting"], "failed") == 0


def test_a_job_in_the_failed_registry_is_counted(stack):
    apps = stack(retry_intervals=(0,))
    with apps["nominations"].extensions["rv"].sessions.begin() as session:
        publish(session, envelope("test.unknown", "nominations", {}), ["voting"])
    for _ in range(2):  # the batch fails, its event goes alone, is retried once, and fails
        relay(apps["nominations"]).sweep()
        drain(apps["voting"])
    assert queued(apps["voting"], "failed") == 1
    assert queued(apps["voting"], "queued") == 0


def test_a_redis_that_does_not_answer_leaves_out_the_queue_gauge_only(stack):
    app = stack(redis_url="redis://127.0.0.1:1/0")["jury"]
    assert samples(app, "rv_queue_jobs") == []
    assert value(app, "rv_outbox_events", state="pending") == 0


@pytest.mark.parametrize("service", ["nominations", "voting", "jury"])
def test_a_database_without_tables_leaves_out_its_gauges_only(settings_for, tmp_path, service):
    settings = settings_for(service, database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    app = registry.create_app(service, settings)
    assert samples(app, "rv_outbox_events") == []
    assert queued(app, "queued") == 0
