"""Structured logs: JSON lines, a request id per request, and that id followed from the
producer's request into the consumer's job (the real relay and worker run in-process)."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from sqlalchemy import select

from shared import logs
from shared.events import consume, envelope, publish
from shared.models import OutboxEvent
from tests.factories import edition_body, issue_token
from tests.shared.bus_helpers import drain, relay

ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_lines():
    """The log records of this test, as the parsed JSON lines a worker of `tests` writes."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = logs.configure("tests", stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "rv.requests"]


def outbox_rows(app) -> list[OutboxEvent]:
    with app.extensions["rv"].sessions() as session:
        return list(session.scalars(select(OutboxEvent)))


def create_edition(app, staff, request_id: str) -> None:
    headers = staff | {"X-Request-ID": request_id}
    response = app.test_client().post("/api/v1/editions", json=edition_body(), headers=headers)
    assert response.status_code == 201, response.get_json()


def test_a_line_has_time_level_logger_message_and_service(log_lines):
    logging.getLogger("shared.test").warning("%s votes held", 3)
    (line,) = log_lines()
    assert ISO_UTC.fullmatch(line.pop("time"))
    assert line == {
        "level": "WARNING",
        "logger": "shared.test",
        "message": "3 votes held",
        "service": "tests",
    }


def test_a_request_gets_an_id_that_is_echoed_and_logged(apps, log_lines):
    response = apps["jury"].test_client().get("/healthz")
    request_id = response.headers["X-Request-ID"]
    assert GENERATED.fullmatch(request_id)
    (line,) = request_lines(log_lines())
    assert line["request_id"] == request_id
    assert (line["service"], line["method"], line["route"], line["status"]) == (
        "jury",
        "GET",
        "/healthz",
        200,
    )


def test_a_sane_incoming_request_id_is_kept(apps, log_lines):
    headers = {"X-Request-ID": "lb-7f3a.2:9_x"}
    response = apps["voting"].test_client().get("/healthz", headers=headers)
    assert response.headers["X-Request-ID"] == "lb-7f3a.2:9_x"
    assert request_lines(log_lines())[0]["request_id"] == "lb-7f3a.2:9_x"


@pytest.mark.parametrize("incoming", ["", "two words", "x" * 129, 'a"b', "-x", "é"])
def test_an_odd_incoming_request_id_is_replaced(apps, incoming):
    response = apps["voting"].test_client().get("/healthz", headers={"X-Request-ID": incoming})
    assert GENERATED.fullmatch(response.headers["X-Request-ID"])


def test_a_request_is_logged_by_route_so_a_link_token_stays_out(apps, log_lines):
    apps["voting"].test_client().get("/votes/confirm/s3cr3t-t0ken")
    lines = log_lines()
    assert request_lines(lines)[0]["route"] == "/votes/confirm/<token>"
    assert "s3cr3t-t0ken" not in json.dumps(lines)


def test_an_unknown_path_has_a_request_id_too(apps, log_lines):
    response = apps["jury"].test_client().get("/nowhere")
    assert response.status_code == 404
    (line,) = request_lines(log_lines())
    assert (line["route"], line["request_id"]) == ("unmatched", response.headers["X-Request-ID"])


def test_the_events_a_request_writes_carry_its_id(app, staff):
    create_edition(app, staff, "req-edition-1")
    assert {row.envelope["request_id"] for row in outbox_rows(app)} == {"req-edition-1"}


def test_an_event_written_outside_a_request_has_no_request_id(app):
    with app.extensions["rv"].sessions.begin() as session:
        publish(session, envelope("test.ok", "nominations", {}), ["voting"])
    assert [row.envelope["request_id"] for row in outbox_rows(app)] == [None]


def test_the_consumers_job_logs_the_event_with_the_producers_request_id(apps, staff, log_lines):
    hub, voting = apps["nominations"], apps["voting"]
    create_edition(hub, staff, "req-edition-2")
    relay(hub).sweep()
    drain(voting)
    (row,) = [row for row in outbox_rows(hub) if row.destination == "voting"]
    applied = [line for line in log_lines() if line["message"] == "event applied"]
    assert [(line["request_id"], line["event_id"], line["job_id"]) for line in applied] == [
        ("req-edition-2", row.event_id, row.job_id)
    ]


def test_an_event_from_an_older_producer_without_request_id_is_applied(apps, log_lines):
    event = envelope("test.ok", "nominations", {})
    del event["request_id"]
    handlers = {"test.ok": lambda session, payload: None}
    result = consume(apps["voting"].extensions["rv"].sessions, [event], handlers)
    assert result["applied"] == [event["id"]]
    (line,) = [line for line in log_lines() if line["message"] == "event applied"]
    assert (line["event_id"], "request_id" in line) == (event["id"], False)


@pytest.fixture
def failed_request(stack, log_lines):
    """A stack where an event written under the request id req-poison failed for good in
    voting (after its batch, its own job and one retry): its apps."""
    apps = stack(retry_intervals=(0,))
    hub, voting = apps["nominations"], apps["voting"]
    with logs.bound(request_id="req-poison"), hub.extensions["rv"].sessions.begin() as session:
        publish(session, envelope("test.unknown", "nominations", {}), ["voting"])
    for _ in range(3):
        relay(hub).sweep()
        drain(voting)
    return apps


def test_a_failed_events_request_id_is_in_the_consumers_and_the_relays_warnings(
    failed_request, log_lines
):
    loggers = {line["logger"] for line in log_lines() if line.get("request_id") == "req-poison"}
    assert loggers == {"shared.events", "shared.relay"}


def test_staff_see_a_failed_events_request_id(failed_request):
    headers = {"Authorization": f"Bearer {issue_token(failed_request, 'events')}"}
    listed = failed_request["voting"].test_client().get("/api/v1/events/failed", headers=headers)
    assert [e["request_id"] for e in listed.get_json()["items"][0]["events"]] == ["req-poison"]
