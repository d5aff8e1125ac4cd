"""Voting's review page: the held votes with their reasons in words, released or rejected
from the page (the checked ones, or all a reason's held votes), with the decision in the
audit log under the staff token's name, and errors beside the fields."""

from __future__ import annotations

import pytest

from tests.factories import issue_token
from tests.services.nominations.staff_helpers import HTML, post_form, signed_in
from tests.services.voting.review_helpers import school_class
from tests.services.voting.test_review import decisions


@pytest.fixture
def school(make_voting):
    """A class of 4 behind one address with a flood limit of 1: 1 counted, 3 held."""
    voting = make_voting(fraud_flood_votes=1, fraud_hold_score=0.5)
    ids = school_class(voting, 4)
    return voting, ids[1:]


@pytest.fixture
def client(school):
    voting, _ = school
    token = issue_token({"voting": voting.app}, "votes", name="Secretariaat")
    return signed_in(voting.app, token)


def path(voting) -> str:
    return f"/staff/editions/{voting.slug}/review"


def test_the_page_lists_the_held_votes_with_their_reasons_in_words(school, client):
    voting, held = school
    shown = client.get(path(voting), headers=HTML).get_data(as_text=True)
    assert all(f'value="{vote_id}"' in shown for vote_id in held)
    assert "veel stemmen van één netwerk in korte tijd" in shown
    assert "school.be" not in shown  # never an address


def test_the_checked_votes_are_released_under_the_token_name(school, client):
    voting, held = school
    form = {"ids": held[:2], "status": "counted", "note": "Een klas", "scope": "ids"}
    response = post_form(client, path(voting), form)
    assert response.status_code == 303
    logged = [(d.vote_id, d.to_status, d.staff, d.note) for d in decisions(voting)]
    assert sorted(logged) == sorted((i, "counted", "Secretariaat", "Een klas") for i in held[:2])


@pytest.mark.parametrize(
    ("checked", "said"),
    [
        (1, "1 stem gewijzigd; nog 0 tegengehouden."),
        (2, "2 stemmen gewijzigd; nog 0 tegengehouden."),
    ],
)
def test_the_page_says_how_many_votes_changed_in_words_that_agree(school, client, checked, said):
    voting, held = school
    form = {"ids": held[:checked], "status": "counted", "note": "Een klas", "scope": "ids"}
    post_form(client, path(voting), form)
    assert said in client.get(path(voting), headers=HTML).get_data(as_text=True)


def test_all_votes_held_for_a_reason_are_rejected_at_once(school, client):
    voting, held = school
    form = {"reason": "network_flood", "status": "rejected", "note": "bot", "scope": "filter"}
    filtered = path(voting) + "?reason=network_flood"
    response = post_form(client, path(voting), form, page=filtered)
    assert (response.status_code, response.location) == (303, filtered)
    assert sorted(d.vote_id for d in decisions(voting)) == sorted(held)
    assert {vote.status for vote in voting.votes() if vote.id in held} == {"rejected"}


def test_nothing_checked_is_refused_beside_the_votes(school, client):
    voting, _ = school
    response = post_form(client, path(voting), {"status": "counted", "scope": "ids"})
    assert response.status_code == 422
    assert 'id="ids-error"' in response.get_data(as_text=True)
    assert decisions(voting) == []
