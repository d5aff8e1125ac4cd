"""Finalists: staff choose them from accepted nominations in the screening phase; voting and
jury receive the whole set by event, through the real relay and workers."""

from __future__ import annotations

import importlib
import json

import pytest
from sqlalchemy import select

from services.nominations.finalists import SUMMARY_LENGTH
from shared.finalists import finalists_of
from shared.models import OutboxEvent
from shared.people import identify
from tests.factories import edition_body, iso
from tests.services.nominations.conftest import Hub, nomination_body
from tests.shared.bus_helpers import drain, relay, replica, wait_for


@pytest.fixture
def accepted(hub) -> list[str]:
    """Three accepted nominations; the edition is in its screening phase."""
    ids = hub.accepted(3)
    hub.close_nominations()
    return ids


def events(app, event_type: str = "finalists.selected") -> list[OutboxEvent]:
    with app.extensions["rv"].sessions() as session:
        rows = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
        return [row for row in rows if row.envelope["type"] == event_type]


def test_choosing_answers_the_finalists_with_their_ids(hub, accepted):
    response = hub.choose(accepted)
    assert response.status_code == 200
    finalists = response.get_json()["finalists"]
    assert [f["id"] for f in finalists] == accepted
    assert set(finalists[0]) == {"id", "name", "organisation", "summary", "picture"}
    assert (finalists[0]["name"], finalists[0]["organisation"]) == ("Energiebib 0", "Vzw Proef 0")


def test_before_voting_opens_only_staff_read_the_finalists(hub, accepted):
    hub.choose(accepted[:2])
    assert hub.client.get(f"/api/v1/editions/{hub.slug}/finalists").status_code == 401
    response = hub.get("/api/v1/editions/{slug}/finalists")
    assert [f["id"] for f in response.get_json()["finalists"]] == accepted[:2]


def test_the_public_reads_the_finalists_from_voting_open(hub, accepted):
    hub.choose(accepted[:2])
    hub.patch_edition(voting_open=iso(-1))
    response = hub.client.get(f"/api/v1/editions/{hub.slug}/finalists")
    assert response.status_code == 200
    assert [f["id"] for f in response.get_json()["finalists"]] == accepted[:2]


def test_choosing_sends_the_set_to_voting_and_jury_with_a_new_revision(hub, accepted):
    hub.choose(accepted[:2])
    hub.choose(accepted)
    rows = events(hub.app)
    assert sorted(r.destination for r in rows) == ["jury", "jury", "voting", "voting"]
    payloads = [r.envelope["payload"] for r in rows if r.destination == "voting"]
    assert [(p["revision"], len(p["finalists"])) for p in payloads] == [(1, 2), (2, 3)]


def test_choosing_during_nominations_is_409(hub):
    ids = hub.accepted(1)
    assert hub.choose(ids).status_code == 409
    assert events(hub.app) == []


def finalist_ids(hub) -> list[str]:
    """The ids of the finalists, as staff read them (the public only from voting_open)."""
    response = hub.get("/api/v1/editions/{slug}/finalists")
    return [f["id"] for f in response.get_json()["finalists"]]


def test_choosing_once_voting_opened_is_409(hub, accepted):
    assert hub.choose(accepted[:2]).status_code == 200  # chosen in time
    hub.patch_edition(voting_open=iso(-1))
    assert hub.choose(accepted).status_code == 409
    assert finalist_ids(hub) == accepted[:2]
    assert len(events(hub.app)) == 2  # the first choice's, to voting and jury; none since


def test_a_nomination_not_accepted_is_422_naming_it(hub, accepted):
    hub.decide(accepted[1], "rejected")
    unknown = "00000000-0000-4000-8000-000000000000"
    response = hub.choose([accepted[0], accepted[1], unknown])
    assert response.status_code == 422
    (message,) = response.get_json()["error"]["fields"]["nomination_ids"]
    assert accepted[1] in message and unknown in message and accepted[0] not in message


def test_more_than_finalist_count_is_422(hub, accepted):
    hub.patch_edition(finalist_count=2)
    response = hub.choose(accepted)
    assert response.status_code == 422
    assert "nomination_ids" in response.get_json()["error"]["fields"]


def test_a_nomination_twice_is_422(hub, accepted):
    assert hub.choose([accepted[0], accepted[0]]).status_code == 422


def test_rejecting_a_finalist_is_409(hub, accepted):
    hub.choose(accepted)
    assert hub.decide(accepted[0], "rejected").status_code == 409
    nomination = hub.get(f"/api/v1/nominations/{accepted[0]}").get_json()
    assert nomination["status"] == "accepted"
    assert finalist_ids(hub) == accepted


def test_the_summary_is_the_solution_cut_at_a_word(hub):
    long = "Een buurtwerking die " + "samen koken en delen " * 30
    nomination_id = hub.confirmed(solution=long)
    hub.decide(nomination_id)
    hub.close_nominations()
    (finalist,) = hub.choose([nomination_id]).get_json()["finalists"]
    assert len(finalist["summary"]) <= SUMMARY_LENGTH
    assert finalist["summary"].endswith(" …")
    assert long.startswith(finalist["summary"][:-2])


def test_a_nominee_who_declined_is_anonymous_in_public(hub, accepted):
    hub.decline()
    (finalist, *_) = hub.choose(accepted).get_json()["finalists"]
    assert (finalist["name"], finalist["organisation"]) == ("Anoniem", "Anoniem")


def sent_to(app, destination: str) -> dict:
    """The newest finalists event's payload for one follower."""
    return [r for r in events(app) if r.destination == destination][-1].envelope["payload"]


def test_declining_as_a_finalist_sends_the_anonymous_set_again(hub, accepted):
    hub.choose(accepted)
    hub.decline()
    latest = sent_to(hub.app, "voting")
    assert latest["revision"] == 2
    assert latest["finalists"][0]["name"] == "Anoniem"


def test_voting_and_jury_get_the_whole_dossier(hub, accepted):
    hub.choose(accepted)
    for destination in ("voting", "jury"):
        first = sent_to(hub.app, destination)["finalists"][0]
        assert first["problem"] == nomination_body(0)["problem"]
        assert (first["region"], first["theme"]) == ("Antwerpen", "armoede")
        assert first["website"] == "https://vzwproef.be/0"
        assert (first["nomination_count"], first["declined_publicity"]) == (1, False)


def test_no_address_leaves_the_hub_with_the_finalists(hub, accepted):
    hub.choose(accepted)
    for destination in ("voting", "jury"):
        assert "@" not in json.dumps(sent_to(hub.app, destination))


def test_only_jury_gets_the_keyed_hash_of_the_nominees_domain(hub, accepted):
    hub.choose(accepted)
    expected = identify(hub.app.extensions["rv"].settings, "x@vzwproef.be").domain_hash
    assert sent_to(hub.app, "jury")["finalists"][0]["nominee_domain_hash"] == expected
    assert "nominee_domain_hash" not in sent_to(hub.app, "voting")["finalists"][0]


def test_jury_knows_who_declined_publicity_and_voting_not(hub, accepted):
    hub.choose(accepted)
    hub.decline()
    jury, voting = (sent_to(hub.app, d)["finalists"][0] for d in ("jury", "voting"))
    assert (jury["name"], jury["declined_publicity"]) == ("Energiebib 0", True)
    assert (voting["organisation"], voting["website"]) == ("Anoniem", "")
    assert voting["declined_publicity"] and voting["problem"] == jury["problem"]


@pytest.fixture
def stack_hub(apps, staff, tmp_path) -> Hub:
    """The hub of a whole test stack (voting and jury beside it) with an edition."""
    body = edition_body(finalist_count=3)
    assert (
        apps["nominations"]
        .test_client()
        .post("/api/v1/editions", json=body, headers=staff)
        .status_code
        == 201
    )
    return Hub(apps["nominations"], body["slug"], staff, tmp_path / "outbox")


@pytest.mark.parametrize("service", ["voting", "jury"])
def test_the_finalists_reach_voting_and_jury(apps, stack_hub, service):
    ids = stack_hub.accepted(3)
    stack_hub.close_nominations()
    stack_hub.choose(ids)
    relay(apps["nominations"]).sweep()
    drain(apps[service])
    model = importlib.import_module(f"services.{service}.models").Finalist
    edition = replica(apps[service], stack_hub.slug)
    with apps[service].extensions["rv"].sessions() as session:
        held = finalists_of(session, model, edition.id)
        assert [(f.id, f.name) for f in held] == [(i, f"Energiebib {n}") for n, i in enumerate(ids)]
        assert held[0].impact == nomination_body(0)["impact"]
    assert edition.finalists_revision == 1


def held_finalists(app, slug: str) -> list[str]:
    """The finalist ids a service holds for the edition (none before its schedule)."""
    service = app.extensions["rv"].settings.service
    model = importlib.import_module(f"services.{service}.models").Finalist
    edition = replica(app, slug)
    if edition is None:
        return []
    with app.extensions["rv"].sessions() as session:
        return [f.id for f in finalists_of(session, model, edition.id)]


@pytest.mark.slow
def test_the_finalists_reach_real_workers(apps, stack_hub, spawn):
    """Through a real relay and real workers. How fast (within a second under `make run`) is
    measured by the contract's finalists-reach-voting check, not by a timed unit test on a
    machine shared with other tests."""
    ids = stack_hub.accepted(3)
    stack_hub.close_nominations()
    for command in (("relay", "nominations"), ("worker", "voting"), ("worker", "jury")):
        spawn(*command)
    wait_for(lambda: replica(apps["jury"], stack_hub.slug), 30)  # the workers are up
    wait_for(lambda: replica(apps["voting"], stack_hub.slug), 30)
    assert held_finalists(apps["voting"], stack_hub.slug) == []
    assert stack_hub.choose(ids).status_code == 200
    for service in ("voting", "jury"):
        wait_for(lambda s=service: held_finalists(apps[s], stack_hub.slug) == ids, 10)


def test_a_juror_at_the_nominees_domain_gets_hints_across_the_services(apps, stack_hub, staff):
    (finalist,) = stack_hub.accepted(1)
    stack_hub.close_nominations()
    stack_hub.choose([finalist])
    relay(apps["nominations"]).sweep()
    drain(apps["jury"])
    jury = apps["jury"].test_client()
    body = {"name": "Jef", "email": "jef@VZWproef.be"}
    path = f"/api/v1/editions/{stack_hub.slug}"
    assert jury.post(f"{path}/jurors", json=body, headers=staff).status_code == 201
    (row,) = jury.get(f"{path}/progress", headers=staff).get_json()
    reasons = ["website_domain", "nominee_domain"]
    assert row["hints"] == [{"finalist_id": finalist, "reasons": reasons}]
