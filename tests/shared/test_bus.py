"""The event bus with real Redis, real SQLite and rq workers run in-process."""

from __future__ import annotations

import pytest
from rq.job import Job
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from services.nominations.editions import create_edition
from services.nominations.models import Edition
from shared.events import consume, envelope, publish
from shared.models import OutboxEvent
from shared.queues import queue
from shared.schemas.editions import EditionSchema
from tests.factories import edition_body, issue_token
from tests.shared.bus_helpers import applied_count, drain, outbox_states, relay, replica


def create(app, client, staff, **changes) -> str:
    body = edition_body(**changes)
    response = client.post("/api/v1/editions", json=body, headers=staff)
    assert response.status_code == 201, response.get_json()
    return body["slug"]


def test_no_event_without_the_change_that_causes_it(app):
    sessions = app.extensions["rv"].sessions
    with pytest.raises(RuntimeError), sessions.begin() as session:
        create_edition(session, EditionSchema().load(edition_body()))
        raise RuntimeError("the change fails after the event was written")
    with sessions() as session:
        assert session.scalars(select(Edition)).all() == []
    assert outbox_states(app) == {}


def test_committed_event_reaches_each_consumer_queue(apps, client, staff):
    create(apps["nominations"], client, staff)
    assert outbox_states(apps["nominations"]) == {"pending": 2}
    assert relay(apps["nominations"]).sweep()["dispatched"] == 2
    for service in ("voting", "jury"):
        b = apps[service].extensions["rv"]
        assert queue(b.redis, b.settings.queue_name()).count == 1


def test_consumers_apply_and_the_relay_acknowledges(apps, client, staff):
    slug = create(apps["nominations"], client, staff)
    relay(apps["nominations"]).sweep()
    drain(apps["voting"])
    drain(apps["jury"])
    assert replica(apps["voting"], slug).title == "Radicale Vernieuwers test"
    assert replica(apps["jury"], slug) is not None
    relay(apps["nominations"]).sweep()
    assert outbox_states(apps["nominations"]) == {"acked": 2}


def test_a_redelivered_event_is_applied_once(apps):
    sessions = apps["voting"].extensions["rv"].sessions
    calls = []
    handlers = {"test.counted": lambda session, payload: calls.append(payload)}
    event = envelope("test.counted", "nominations", {"n": 1})
    first = consume(sessions, [event, event], handlers)
    second = consume(sessions, [event], handlers)
    assert calls == [{"n": 1}]
    assert first == {"applied": [event["id"]], "duplicates": []}
    assert second == {"applied": [], "duplicates": [event["id"]]}
    assert applied_count(apps["voting"]) == 1


def test_a_resent_event_is_applied_once_and_acknowledged(apps, client, staff):
    create(apps["nominations"], client, staff)
    r = relay(apps["nominations"])
    r.sweep()
    with apps["nominations"].extensions["rv"].sessions.begin() as session:
        for row in session.scalars(select(OutboxEvent)):  # as after a lost acknowledgement
            row.state, row.job_id = "pending", None
    r.sweep()
    drain(apps["voting"])
    drain(apps["jury"])
    r.sweep()
    assert applied_count(apps["voting"]) == 1
    assert applied_count(apps["jury"]) == 1
    assert outbox_states(apps["nominations"]) == {"acked": 2}


def test_an_older_schedule_arriving_late_changes_nothing(apps, client, staff):
    slug = create(apps["nominations"], client, staff)
    client.patch(f"/api/v1/editions/{slug}", json={"title": "Nieuwe titel"}, headers=staff)
    r = relay(apps["nominations"])
    r.sweep()
    drain(apps["voting"])
    assert replica(apps["voting"], slug).revision == 2
    with apps["nominations"].extensions["rv"].sessions() as session:
        first = session.scalars(select(Edition)).one()
    sessions = apps["voting"].extensions["rv"].sessions
    from services.voting.jobs import HANDLERS
    from shared.editions import SCHEDULED, schedule_payload

    stale = schedule_payload(first) | {"revision": 1, "title": "Oude titel"}
    consume(sessions, [envelope(SCHEDULED, "nominations", stale)], HANDLERS)
    assert replica(apps["voting"], slug).title == "Nieuwe titel"


def publish_to_voting(app, *types: str) -> list[str]:
    ids = []
    with app.extensions["rv"].sessions.begin() as session:
        for event_type in types:
            event = envelope(event_type, "nominations", {"slug": "x"})
            publish(session, event, ["voting"])
            ids.append(event["id"])
    return ids


@pytest.fixture
def test_handler():
    """A handler for `test.ok` events in voting, for the duration of a test."""
    from services.voting.jobs import HANDLERS

    HANDLERS["test.ok"] = lambda session, payload: None
    yield HANDLERS
    HANDLERS.pop("test.ok", None)
    HANDLERS.pop("test.poison", None)


@pytest.fixture
def poisoned(stack, test_handler):
    """A stack where voting got a poison event between good ones, and one more after it,
    with every worker and relay pass run: (apps, poison event id)."""
    apps = stack(retry_intervals=(0, 0))
    hub, voting = apps["nominations"], apps["voting"]
    _, poison, _ = publish_to_voting(hub, "test.ok", "test.poison", "test.ok")
    r = relay(hub)
    for _ in range(3):  # the batch fails, is split into solo jobs, poison retried then failed
        r.sweep()
        drain(voting)
    publish_to_voting(hub, "test.ok")
    for _ in range(2):
        r.sweep()
        drain(voting)
    return apps, poison


def staff_get(app, path: str, token: str):
    return app.test_client().get(path, headers={"Authorization": f"Bearer {token}"})


def test_a_poison_event_fails_alone_and_blocks_nothing(poisoned):
    apps, poison = poisoned
    b = apps["voting"].extensions["rv"]
    failed = FailedJobRegistry(queue=queue(b.redis, b.settings.queue_name()))
    assert failed.get_job_ids() == [f"{b.settings.queue_name()}-ev-{poison}"]
    assert applied_count(apps["voting"]) == 3
    assert outbox_states(apps["nominations"]) == {"acked": 3, "failed": 1}


def test_staff_see_the_poison_event_where_it_failed(poisoned):
    apps, poison = poisoned
    token = issue_token(apps, "events")
    items = staff_get(apps["voting"], "/api/v1/events/failed", token).get_json()["items"]
    assert [e["id"] for e in items[0]["events"]] == [poison]
    assert "no handler" in items[0]["error"]


def test_a_failed_event_keeps_no_address_where_it_failed(stack, test_handler):
    address = "lotte.janssens@telenet.be"

    def refused(session, payload):
        raise ValueError(f"550 5.1.1 <{address}>: Recipient address rejected")

    test_handler["test.refused"] = refused
    apps = stack(retry_intervals=(0, 0))
    publish_to_voting(apps["nominations"], "test.refused")
    for _ in range(3):
        relay(apps["nominations"]).sweep()
        drain(apps["voting"])
    b = apps["voting"].extensions["rv"]
    registry = FailedJobRegistry(queue=queue(b.redis, b.settings.queue_name()))
    jobs = Job.fetch_many(registry.get_job_ids(), connection=b.redis)
    kept = [job.latest_result().exc_string for job in jobs]  # the whole traceback rq keeps
    listed = staff_get(apps["voting"], "/api/v1/events/failed", issue_token(apps, "events"))
    assert listed.get_json()["items"] and kept
    assert address not in listed.get_data(as_text=True) + repr(kept)
    test_handler.pop("test.refused")


def test_staff_see_the_poison_event_in_the_producers_outbox(poisoned):
    apps, poison = poisoned
    token = issue_token(apps, "events")
    listed = staff_get(apps["nominations"], "/api/v1/events/outbox?state=failed", token)
    assert [(e["event_id"], e["destination"]) for e in listed.get_json()["items"]] == [
        (poison, "voting")
    ]


def test_a_retried_event_is_applied_and_acknowledged_once_its_cause_is_fixed(
    poisoned, test_handler
):
    apps, poison = poisoned
    test_handler["test.poison"] = lambda session, payload: None  # the fix is deployed
    job_id = f"{apps['voting'].extensions['rv'].settings.queue_name()}-ev-{poison}"
    token = issue_token(apps, "events")
    response = (
        apps["voting"]
        .test_client()
        .post(f"/api/v1/events/failed/{job_id}/retry", headers={"Authorization": f"Bearer {token}"})
    )
    assert response.status_code == 202
    drain(apps["voting"])
    relay(apps["nominations"]).sweep()
    assert applied_count(apps["voting"]) == 4
    assert outbox_states(apps["nominations"]) == {"acked": 4}
