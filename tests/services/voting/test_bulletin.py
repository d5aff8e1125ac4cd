"""The public bulletin: 404 before the close; after it, per finalist the counted votes and
their sorted receipts, the held and rejected votes, and the SHA-256 of the canonical
document; a staff decision after the close makes a new one and lists the old as replaced;
its hash travels with the final tally."""

from __future__ import annotations

import pytest

from services.voting import bulletin
from services.voting.models import Edition
from tests.services.voting.receipt_helpers import public_bulletin, rehash, voted
from tests.services.voting.review_helpers import close, school_class
from tests.services.voting.test_close import tallies

BULLETIN = "/api/v1/editions/{slug}/bulletin"


def get(voting, path: str, **options):
    return voting.app.test_client().get(path.format(slug=voting.slug), **options)


@pytest.fixture
def flooded(make_voting):
    """Voting where a school's second vote is held for review (network_flood)."""
    return make_voting(fraud_flood_votes=1, fraud_hold_score=0.5)


def held_vote(voting) -> str:
    """Two pupils vote for the first finalist from the school: the id of the held one."""
    _counted, held = school_class(voting, 2)
    assert [v.status for v in voting.votes()] == ["counted", "quarantined"]
    return held


def test_there_is_no_bulletin_before_voting_has_closed(voting):
    response = get(voting, BULLETIN)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_the_bulletin_lists_each_counted_vote_s_receipt_under_its_finalist(voting):
    first = sorted([voted(voting, "an@telenet.be", 0), voted(voting, "bo@telenet.be", 0)])
    third = voted(voting, "cas@telenet.be", 2)
    close(voting)
    body = public_bulletin(voting.app, voting.slug)
    assert body["edition"] == voting.slug
    assert [(f["votes"], f["receipts"]) for f in body["finalists"]] == [
        (2, first),
        (0, []),
        (1, [third]),
    ]
    assert (body["held"], body["rejected"]) == (0, 0)


def test_the_receipts_are_sorted_whatever_the_order_of_the_votes(voting):
    # Receipts are random, so five votes come in sorted order only once in 120 runs.
    codes = [voted(voting, f"stemmer{i}@telenet.be", ip=f"81.{80 + i}.1.1") for i in range(5)]
    close(voting)
    first = public_bulletin(voting.app, voting.slug)["finalists"][0]
    assert first["receipts"] == sorted(codes)


def test_the_hash_is_the_sha256_of_the_canonical_document(voting):
    voted(voting, "an@telenet.be")
    close(voting)
    body = public_bulletin(voting.app, voting.slug)
    assert len(body["sha256"]) == 64
    assert rehash(body) == body["sha256"]
    assert rehash(body | {"held": body["held"] + 1}) != body["sha256"]


def test_the_bulletin_holds_no_address_hash_or_network(voting):
    voted(voting, "an@telenet.be", ip="81.82.83.84")
    close(voting)
    text = get(voting, BULLETIN).get_data(as_text=True)
    [vote] = voting.votes()
    assert vote.receipt in text  # positive control: the vote is in it
    for secret in (vote.person_hash, vote.shape_hash, "an@telenet.be", "81.82.83", vote.id):
        assert secret not in text


def test_the_final_tally_carries_the_bulletin_s_hash(voting):
    voted(voting, "an@telenet.be")
    close(voting)
    voting.tick()
    [event] = tallies(voting)
    assert event["payload"]["bulletin_sha256"] == public_bulletin(voting.app, voting.slug)["sha256"]


def test_a_held_vote_is_counted_as_held_without_its_receipt(flooded):
    held_vote(flooded)
    close(flooded)
    body = public_bulletin(flooded.app, flooded.slug)
    counted, held = flooded.votes()
    assert (body["held"], body["finalists"][0]["receipts"]) == (1, [counted.receipt])
    assert held.receipt and held.receipt not in str(body)


def test_a_decision_after_the_close_makes_a_new_bulletin_and_lists_the_old(flooded, staff):
    voting = flooded
    vote_id = held_vote(voting)
    close(voting)
    voting.tick()
    before = public_bulletin(voting.app, voting.slug)
    response = voting.app.test_client().patch(
        f"/api/v1/votes/{vote_id}", json={"status": "counted", "note": "een mens"}, headers=staff
    )
    assert response.status_code == 200
    after = public_bulletin(voting.app, voting.slug)
    assert (after["held"], after["finalists"][0]["votes"]) == (0, 2)
    assert after["sha256"] != before["sha256"] and rehash(after) == after["sha256"]
    listed = get(voting, "/api/v1/editions/{slug}/bulletins").get_json()["items"]
    assert [(b["sha256"], b["reason"]) for b in listed] == [
        (before["sha256"], "close"),
        (after["sha256"], "review"),
    ]
    assert listed[0]["replaced_at"] is not None and listed[1]["replaced_at"] is None
    old = get(voting, f"/api/v1/editions/{{slug}}/bulletins/{before['sha256']}").get_json()
    assert old == before
    assert tallies(voting)[-1]["payload"]["bulletin_sha256"] == after["sha256"]


def test_the_same_figures_keep_their_bulletin(voting):
    voted(voting, "an@telenet.be")
    close(voting)
    with voting.app.extensions["rv"].sessions.begin() as session:
        edition = session.get(Edition, voting.edition().id)
        first = bulletin.make(session, edition, bulletin.CLOSE)
        again = bulletin.make(session, edition, bulletin.REVIEW)
        assert (again.id, again.replaced_at) == (first.id, None)


def test_an_unknown_hash_is_404(voting):
    close(voting)
    assert get(voting, "/api/v1/editions/{slug}/bulletins/" + "0" * 64).status_code == 404


def test_a_reader_who_has_the_bulletin_gets_304_by_its_hash(voting):
    voted(voting, "an@telenet.be")
    close(voting)
    first = get(voting, BULLETIN)
    sha256 = first.get_json()["sha256"]
    assert first.headers["ETag"] == f'"{sha256}"'
    assert get(voting, BULLETIN, headers={"If-None-Match": f'"{sha256}"'}).status_code == 304
    assert get(voting, BULLETIN, headers={"If-None-Match": '"ander"'}).status_code == 200
