"""A public vote anyone can check, across the services: three people vote and confirm,
voting closes, and each receipt is in the bulletin under the finalist they chose; the counts
agree with the tally; the hash agrees with the document, the hub's results, the published
winners (API and page) and the integrity report. A staff decision after the publication
makes a new bulletin, whose hash the winners then show."""

from __future__ import annotations

import html

import pytest

from tests.factories import edition_body, iso
from tests.services.nominations.conftest import Hub
from tests.services.voting.conftest import Voting
from tests.services.voting.receipt_helpers import check, public_bulletin, rehash, voted
from tests.shared.bus_helpers import drain, relay

CHOICES = {"an.peeters@telenet.be": 0, "bo.claes@proximus.be": 2, "cas.wouters@gmail.com": 0}


def hub_to_voting(apps) -> None:
    """What the hub published reaches voting."""
    relay(apps["nominations"]).sweep()
    drain(apps["voting"])


@pytest.fixture
def campaign(apps, staff, tmp_path) -> tuple[Hub, Voting]:
    """An edition whose three finalists the hub chose and whose voting is open now."""
    body = edition_body(finalist_count=3)
    response = apps["nominations"].test_client().post("/api/v1/editions", json=body, headers=staff)
    assert response.status_code == 201
    hub = Hub(apps["nominations"], body["slug"], staff, tmp_path / "outbox")
    ids = hub.accepted(3)
    hub.close_nominations()
    assert hub.choose(ids).status_code == 200
    hub.patch_edition(voting_open=iso(-0.5))
    hub_to_voting(apps)
    return hub, Voting(apps["voting"], hub.slug, ids, tmp_path / "outbox")


def close_and_publish(apps, hub: Hub, voting: Voting) -> None:
    """Voting and jury close at the hub; voting's close sends the tally to the hub; staff
    publish the winners."""
    hub.patch_edition(voting_close=iso(-0.2), jury_close=iso(-0.1))
    hub_to_voting(apps)
    voting.tick()
    relay(apps["voting"]).sweep()
    drain(apps["nominations"])
    awards = [{"award": "public", "finalist_id": voting.finalist_ids[0]}]
    response = hub.client.post(
        f"/api/v1/editions/{hub.slug}/winners", json={"awards": awards}, headers=hub.staff
    )
    assert response.status_code == 201, response.get_json()


def test_three_voters_find_their_receipts_and_the_winners_carry_the_bulletin_s_hash(
    apps, campaign, staff
):
    hub, voting = campaign
    receipts = {address: voted(voting, address, n) for address, n in CHOICES.items()}
    close_and_publish(apps, hub, voting)

    bulletin = public_bulletin(voting.app, voting.slug)
    listed = {f["finalist_id"]: f["receipts"] for f in bulletin["finalists"]}
    for address, finalist in CHOICES.items():
        assert receipts[address] in listed[voting.finalist_ids[finalist]]
        answer = html.unescape(check(voting, receipts[address]))
        assert f"Je stem telt mee, voor Energiebib {finalist}." in answer
    tally = voting.tally(staff)["finalists"]
    assert [(f["finalist_id"], f["votes"]) for f in bulletin["finalists"]] == [
        (f["finalist_id"], f["votes"]) for f in tally
    ]
    assert [f["votes"] for f in bulletin["finalists"]] == [2, 0, 1]
    assert all(f["votes"] == len(f["receipts"]) for f in bulletin["finalists"])

    sha256 = bulletin["sha256"]
    assert rehash(bulletin) == sha256
    assert hub.get("/api/v1/editions/{slug}/results").get_json()["bulletin_sha256"] == sha256
    assert (
        hub.client.get(f"/api/v1/editions/{hub.slug}/winners").get_json()["bulletin_sha256"]
        == sha256
    )
    page = hub.client.get("/winnaars").get_data(as_text=True)
    assert sha256 in page and f"/stemmen/{hub.slug}/controle" in page
    report = voting.app.test_client().get(
        f"/api/v1/editions/{voting.slug}/integrity", headers=staff
    )
    assert report.get_json()["bulletin_sha256"] == sha256


def test_a_decision_after_the_publication_gives_the_winners_the_new_hash(apps, campaign, staff):
    hub, voting = campaign
    for address, finalist in CHOICES.items():
        voted(voting, address, finalist)
    close_and_publish(apps, hub, voting)
    first = public_bulletin(voting.app, voting.slug)["sha256"]
    decision = {"status": "rejected", "note": "twee keer dezelfde persoon"}
    path = f"/api/v1/votes/{voting.votes()[0].id}"
    assert voting.app.test_client().patch(path, json=decision, headers=staff).status_code == 200
    relay(apps["voting"]).sweep()
    drain(apps["nominations"])

    newest = public_bulletin(voting.app, voting.slug)
    assert newest["sha256"] != first and newest["rejected"] == 1
    assert (
        hub.get("/api/v1/editions/{slug}/results").get_json()["bulletin_sha256"] == newest["sha256"]
    )
    winners = hub.client.get(f"/api/v1/editions/{hub.slug}/winners").get_json()
    assert winners["bulletin_sha256"] == newest["sha256"]
    assert newest["sha256"] in hub.client.get("/winnaars").get_data(as_text=True)
