"""The demo edition `make run` seeds: voting open now, ten finalists from confirmed,
accepted nominations, sent to voting and jury like a staff choice."""

from __future__ import annotations

import importlib

import pytest

from services.nominations.demo import DEMO_SLUG, seed_demo
from shared.finalists import finalists_of
from tests.factories import issue_token
from tests.shared.bus_helpers import drain, relay, replica


@pytest.fixture
def seeded(apps):
    hub = apps["nominations"]
    with hub.app_context(), hub.extensions["rv"].sessions.begin() as session:
        assert seed_demo(session)
    return apps


def test_the_demo_has_ten_public_finalists_and_voting_open(seeded):
    client = seeded["nominations"].test_client()
    finalists = client.get(f"/api/v1/editions/{DEMO_SLUG}/finalists").get_json()["finalists"]
    assert len(finalists) == 10
    assert all(f["name"] and f["organisation"] and f["summary"] for f in finalists)
    assert client.get(f"/api/v1/editions/{DEMO_SLUG}").get_json()["phase"] == "voting"


def test_the_demo_finalists_are_accepted_confirmed_nominations(seeded):
    token = issue_token({"nominations": seeded["nominations"]}, "screening")
    response = (
        seeded["nominations"]
        .test_client()
        .get(
            f"/api/v1/editions/{DEMO_SLUG}/nominations?status=accepted",
            headers={"Authorization": f"Bearer {token}"},
        )
    )
    items = response.get_json()["items"]
    assert len(items) == 10
    assert {(i["status"], i["nominations"], i["decisions"][0]["staff"]) for i in items} == {
        ("accepted", 1, "demo")
    }


def test_seeding_twice_adds_nothing(seeded):
    hub = seeded["nominations"]
    with hub.app_context(), hub.extensions["rv"].sessions.begin() as session:
        assert seed_demo(session) is False


@pytest.mark.parametrize("service", ["voting", "jury"])
def test_the_demo_finalists_reach_voting_and_jury(seeded, service):
    relay(seeded["nominations"]).sweep()
    drain(seeded[service])
    model = importlib.import_module(f"services.{service}.models").Finalist
    edition = replica(seeded[service], DEMO_SLUG)
    with seeded[service].extensions["rv"].sessions() as session:
        assert len(finalists_of(session, model, edition.id)) == 10
