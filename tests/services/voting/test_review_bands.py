"""Staff review by score band: the held votes whose evidence added up to a total within a
band (from `min_score`, up to but without `max_score`) are listed, released or rejected
together, through the API and on the review page, alone or with a reason."""

from __future__ import annotations

import pytest

from tests.factories import issue_token
from tests.services.nominations.staff_helpers import HTML, post_form, signed_in
from tests.services.voting.review_helpers import school_class
from tests.services.voting.test_review import call, decisions


@pytest.fixture
def school(make_voting):
    """A class of 5 behind one address with a flood limit of 2: 2 counted; 3 held, scored
    0.5, 1.0 and 1.5 as the flood grows."""
    voting = make_voting(fraud_flood_votes=2, fraud_hold_score=0.5)
    ids = school_class(voting, 5)
    return voting, ids[2:]


def decide(voting, staff, rules: dict, status: str = "counted"):
    body = {"filter": rules, "status": status, "note": "band"}
    path = f"/api/v1/editions/{voting.slug}/votes/decisions"
    return call(voting, "POST", path, staff, json=body)


def test_held_votes_are_listed_with_their_evidence_by_score_band(school, staff):
    voting, held = school
    path = f"/api/v1/editions/{voting.slug}/votes?status=quarantined&min_score=1"
    items = call(voting, "GET", path, staff).get_json()["items"]
    assert sorted(item["id"] for item in items) == sorted(held[1:])
    assert sorted(item["score"] for item in items) == [1.0, 1.5]
    assert {tuple(item["evidence"]) for item in items} == {("network_flood",)}


def test_the_held_votes_of_a_low_band_are_released_at_once(school, staff):
    voting, held = school
    response = decide(voting, staff, {"min_score": 0, "max_score": 1.0})
    assert response.get_json() == {"changed": 1, "unchanged": 0, "remaining": 0}
    assert [d.vote_id for d in decisions(voting)] == [held[0]]
    assert voting.tally(staff)["quarantined"] == 2


def test_a_reason_and_a_band_together_take_the_votes_matching_both(school, staff):
    voting, held = school
    rules = {"reason": "network_flood", "min_score": 1.0}
    response = decide(voting, staff, rules, "rejected")
    assert response.get_json() == {"changed": 2, "unchanged": 0, "remaining": 0}
    assert sorted(d.vote_id for d in decisions(voting)) == sorted(held[1:])
    assert voting.tally(staff)["rejected"] == 2


@pytest.mark.parametrize(
    "rules",
    [
        {},
        {"network": "81.82.83.0/24"},
        {"min_score": 1.5, "max_score": 1.0},
        {"min_score": 1.0, "max_score": 1.0},
        {"min_score": -1},
        {"max_score": "many"},
        {"min_score": 1e309},
    ],
)
def test_a_filter_without_a_reason_or_a_sound_band_is_refused(school, staff, rules):
    voting, _ = school
    assert decide(voting, staff, rules).status_code == 422
    assert decisions(voting) == []


def test_a_band_upside_down_in_the_list_is_refused(school, staff):
    voting, _ = school
    path = f"/api/v1/editions/{voting.slug}/votes?min_score=2&max_score=1"
    assert call(voting, "GET", path, staff).status_code == 422


@pytest.fixture
def client(school):
    voting, _ = school
    return signed_in(voting.app, issue_token({"voting": voting.app}, "votes", name="Secretariaat"))


def page(voting) -> str:
    return f"/staff/editions/{voting.slug}/review"


def test_the_page_filters_by_band_and_shows_each_score(school, client):
    voting, held = school
    shown = client.get(page(voting) + "?min_score=1&max_score=2", headers=HTML)
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert [f'value="{vote_id}"' in text for vote_id in held] == [False, True, True]
    assert "Score 1.5." in text
    assert 'name="scope" value="filter"' in text  # a band may decide on all it matches


def test_an_empty_filter_as_a_browser_sends_it_shows_every_held_vote(school, client):
    voting, held = school
    query = "?reason=&min_score=&max_score=&network=&finalist_id="
    shown = client.get(page(voting) + query, headers=HTML)
    assert shown.status_code == 200
    assert all(f'value="{vote_id}"' in shown.get_data(as_text=True) for vote_id in held)


def test_every_held_vote_of_a_band_is_released_from_the_page(school, client):
    voting, held = school
    form = {"min_score": "1", "status": "counted", "note": "klas 5B", "scope": "filter"}
    filtered = page(voting) + "?min_score=1"
    response = post_form(client, page(voting), form, page=filtered)
    assert response.status_code == 303
    logged = sorted((d.vote_id, d.staff) for d in decisions(voting))
    assert logged == sorted((vote_id, "Secretariaat") for vote_id in held[1:])
