"""Staff review: the quarantine list (reasons, never an address), release and reject of one
vote or many, counters moved and every decision in the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.voting.closing import close_due
from services.voting.models import VoteDecision
from shared.models import OutboxEvent
from shared.schemas.contest import TALLY_FINAL
from tests.services.voting.review_helpers import close, school_class

FLOOD = "network_flood"


@pytest.fixture
def school(make_voting):
    """A class of 5 behind one address with a flood limit of 2: 2 counted, 3 held."""
    voting = make_voting(fraud_flood_votes=2, fraud_hold_score=0.5)
    ids = school_class(voting, 5)
    return voting, ids[:2], ids[2:]


def call(voting, method: str, path: str, headers: dict, **kwargs):
    return voting.app.test_client().open(path, method=method, headers=headers, **kwargs)


def decisions(voting) -> list[VoteDecision]:
    with voting.app.extensions["rv"].sessions() as session:
        return list(session.scalars(select(VoteDecision).order_by(VoteDecision.id)))


def test_the_quarantine_list_gives_reasons_and_no_address(school, staff):
    voting, _, held = school
    response = call(
        voting, "GET", f"/api/v1/editions/{voting.slug}/votes?status=quarantined", staff
    )
    assert response.status_code == 200
    page = response.get_json()
    assert sorted(item["id"] for item in page["items"]) == sorted(held)
    assert {"created_at", "finalist_id", "id", "reasons", "status"} <= set(page["items"][0])
    assert {tuple(item["reasons"]) for item in page["items"]} == {(FLOOD,)}
    assert "@" not in response.get_data(as_text=True)


def test_the_list_is_paginated(school, staff):
    voting, _, held = school
    path = f"/api/v1/editions/{voting.slug}/votes?status=quarantined&limit=2"
    first = call(voting, "GET", path, staff).get_json()
    second = call(voting, "GET", f"{path}&cursor={first['next']}", staff).get_json()
    assert len(first["items"]) == 2 and second["next"] is None
    assert sorted(i["id"] for i in first["items"] + second["items"]) == sorted(held)


def test_an_unknown_filter_value_is_422(school, staff):
    voting, _, _ = school
    response = call(voting, "GET", f"/api/v1/editions/{voting.slug}/votes?reason=nope", staff)
    assert response.status_code == 422
    assert "reason" in response.get_json()["error"]["fields"]


def test_releasing_a_held_vote_counts_it_and_logs_who_and_why(school, staff):
    voting, _, held = school
    body = {"status": "counted", "note": "klas 5B, gecontroleerd"}
    response = call(voting, "PATCH", f"/api/v1/votes/{held[0]}", staff, json=body)
    assert response.status_code == 200
    assert response.get_json()["status"] == "counted"
    tally = voting.tally(staff)
    assert (tally["finalists"][0]["votes"], tally["quarantined"]) == (3, 2)
    [decision] = decisions(voting)
    assert (decision.vote_id, decision.from_status, decision.to_status) == (
        held[0],
        "quarantined",
        "counted",
    )
    assert (decision.staff, decision.note) == ("tester", "klas 5B, gecontroleerd")


def test_rejecting_a_held_vote_keeps_it_out_of_the_count(school, staff):
    voting, _, held = school
    response = call(voting, "PATCH", f"/api/v1/votes/{held[0]}", staff, json={"status": "rejected"})
    assert response.status_code == 200
    tally = voting.tally(staff)
    assert (tally["finalists"][0]["votes"], tally["quarantined"], tally["rejected"]) == (2, 2, 1)
    assert [d.to_status for d in decisions(voting)] == ["rejected"]


def test_a_decision_repeated_changes_and_logs_nothing(school, staff):
    voting, counted, _ = school
    response = call(
        voting, "PATCH", f"/api/v1/votes/{counted[0]}", staff, json={"status": "counted"}
    )
    assert response.status_code == 200
    assert decisions(voting) == []


def test_an_unconfirmed_vote_cannot_be_decided(voting, staff):
    voting.vote("nog.niet.bevestigd@telenet.be")
    [vote] = voting.votes()
    response = call(voting, "PATCH", f"/api/v1/votes/{vote.id}", staff, json={"status": "counted"})
    assert response.status_code == 409
    assert voting.tally(staff)["unconfirmed"] == 1


@pytest.mark.parametrize(
    ("body", "status"), [({"status": "quarantined"}, 422), ({}, 422), ({"status": "counted"}, 404)]
)
def test_a_bad_decision_is_refused(voting, staff, body, status):
    response = call(voting, "PATCH", "/api/v1/votes/no-such-vote", staff, json=body)
    assert response.status_code == status


def test_bulk_release_by_ids(school, staff):
    voting, _, held = school
    body = {"ids": held, "status": "counted", "note": "schoolklas"}
    response = call(
        voting, "POST", f"/api/v1/editions/{voting.slug}/votes/decisions", staff, json=body
    )
    assert response.get_json() == {"changed": 3, "unchanged": 0, "remaining": 0}
    tally = voting.tally(staff)
    assert (tally["finalists"][0]["votes"], tally["quarantined"]) == (5, 0)
    assert sorted(d.vote_id for d in decisions(voting)) == sorted(held)


def test_bulk_reject_by_reason(school, staff):
    voting, _, held = school
    body = {"filter": {"reason": FLOOD}, "status": "rejected"}
    response = call(
        voting, "POST", f"/api/v1/editions/{voting.slug}/votes/decisions", staff, json=body
    )
    assert response.get_json() == {"changed": 3, "unchanged": 0, "remaining": 0}
    tally = voting.tally(staff)
    assert (tally["finalists"][0]["votes"], tally["quarantined"], tally["rejected"]) == (2, 0, 3)
    assert sorted(d.vote_id for d in decisions(voting)) == sorted(held)


def test_bulk_release_of_one_network_leaves_the_others_held(make_voting, staff):
    voting = make_voting(fraud_flood_votes=2, fraud_hold_score=0.5)
    held = school_class(voting, 5)[2:]
    for n in range(3):
        voting.vote(f"bot.{'abc'[n]}@telenet.be", ip="6.6.6.6")
    voting.deliver()
    for n in range(3):
        voting.confirm(voting.token(f"bot.{'abc'[n]}@telenet.be"), ip=f"10.5.{n}.1")
    school = {"reason": FLOOD, "network": "81.82.83.0/24"}
    body = {"filter": school, "status": "counted", "note": "klas 5B"}
    response = call(
        voting, "POST", f"/api/v1/editions/{voting.slug}/votes/decisions", staff, json=body
    )
    assert response.get_json() == {"changed": 3, "unchanged": 0, "remaining": 0}
    assert sorted(d.vote_id for d in decisions(voting)) == sorted(held)
    assert voting.tally(staff)["quarantined"] == 1  # the third bot vote: past the limit


def test_bulk_with_an_id_not_of_the_edition_changes_nothing(school, staff):
    voting, _, held = school
    body = {"ids": [*held, "no-such-vote"], "status": "counted"}
    response = call(
        voting, "POST", f"/api/v1/editions/{voting.slug}/votes/decisions", staff, json=body
    )
    assert response.status_code == 422
    assert voting.tally(staff)["quarantined"] == 3
    assert decisions(voting) == []


@pytest.mark.parametrize(
    "body",
    [
        {"status": "counted"},
        {"ids": ["x"], "filter": {"reason": FLOOD}, "status": "counted"},
        {"filter": {"reason": "bad"}, "status": "counted"},
        {"ids": [], "status": "counted"},
    ],
)
def test_bulk_needs_either_ids_or_a_valid_filter(voting, staff, body):
    response = call(
        voting, "POST", f"/api/v1/editions/{voting.slug}/votes/decisions", staff, json=body
    )
    assert response.status_code == 422


def test_the_audit_log_lists_every_decision(school, staff):
    voting, counted, held = school
    call(voting, "PATCH", f"/api/v1/votes/{held[0]}", staff, json={"status": "counted"})
    call(voting, "PATCH", f"/api/v1/votes/{counted[0]}", staff, json={"status": "rejected"})
    page = call(voting, "GET", f"/api/v1/editions/{voting.slug}/decisions", staff).get_json()
    assert [(d["vote_id"], d["to_status"], d["staff"]) for d in page["items"]] == [
        (held[0], "counted", "tester"),
        (counted[0], "rejected", "tester"),
    ]


def test_a_decision_after_the_close_sends_the_final_tally_again(school, staff):
    voting, _, held = school
    close(voting)
    with voting.app.extensions["rv"].sessions.begin() as session:
        close_due(session)
    call(voting, "PATCH", f"/api/v1/votes/{held[0]}", staff, json={"status": "counted"})
    with voting.app.extensions["rv"].sessions() as session:
        rows = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
        tallies = [r.envelope["payload"] for r in rows if r.envelope["type"] == TALLY_FINAL]
    assert [t["finalists"][0]["votes"] for t in tallies] == [2, 3]
    assert len({t["closed_at"] for t in tallies}) == 1


CALLS = [
    ("GET", "/api/v1/editions/{slug}/votes"),
    ("GET", "/api/v1/editions/{slug}/decisions"),
    ("PATCH", "/api/v1/votes/some-id"),
    ("POST", "/api/v1/editions/{slug}/votes/decisions"),
]


@pytest.mark.parametrize(("method", "path"), CALLS)
def test_review_calls_need_a_staff_token(voting, method, path):
    response = call(voting, method, path.format(slug=voting.slug), {}, json={})
    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path"), CALLS)
def test_review_calls_need_the_votes_right(voting, token_for, method, path):
    headers = {"Authorization": f"Bearer {token_for('jury')}"}
    response = call(voting, method, path.format(slug=voting.slug), headers, json={})
    assert response.status_code == 403
