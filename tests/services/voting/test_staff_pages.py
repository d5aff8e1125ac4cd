"""Voting's staff pages: sign in once with a staff token (CSRF protected), the chart of votes
per hour for each finalist (counted and quarantined apart), the integrity report page."""

from __future__ import annotations

import re

import pytest

from shared.auth import revoke_tokens
from tests.services.voting.receipt_helpers import public_bulletin, voted
from tests.services.voting.review_helpers import close, school_class

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HTML = {"Accept": "text/html"}


def csrf(client, path: str = "/staff/login") -> str:
    return CSRF.search(client.get(path, headers=HTML).get_data(as_text=True)).group(1)


def sign_in(voting, token: str, target: str = "/staff/"):
    """A browser-like client that signed in with `token`; and the sign-in's response."""
    client = voting.app.test_client()
    form = {"token": token, "next": target, "csrf_token": csrf(client)}
    return client, client.post("/staff/login", data=form, headers=HTML)


@pytest.fixture
def chart_path(voting):
    return f"/staff/editions/{voting.slug}/votes"


def test_a_staff_page_sends_a_visitor_to_sign_in_and_back(voting, chart_path):
    response = voting.app.test_client().get(chart_path, headers=HTML)
    assert response.status_code == 303
    assert response.location == f"/staff/login?next={chart_path}"


def test_signing_in_leads_to_the_page_asked_for(voting, token_for, chart_path):
    client, response = sign_in(voting, token_for("votes"), chart_path)
    assert (response.status_code, response.location) == (303, chart_path)
    assert client.get(chart_path, headers=HTML).status_code == 200


def test_a_wrong_token_gets_the_form_again_with_the_error(voting):
    _, response = sign_in(voting, "rvs_not-a-token")
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page and 'aria-invalid="true"' in page


def test_signing_in_needs_the_form_csrf_token(voting, token_for):
    form = {"token": token_for("votes"), "next": "/staff/"}
    response = voting.app.test_client().post("/staff/login", data=form, headers=HTML)
    assert response.status_code == 400


@pytest.mark.parametrize("target", ["https://elders.example/", "//elders.example/x", "staff"])
def test_after_signing_in_only_this_site_is_a_target(voting, token_for, target):
    _, response = sign_in(voting, token_for("votes"), target)
    assert response.location == "/staff/"


def test_a_token_without_the_votes_right_gets_403(voting, token_for, chart_path):
    client, _ = sign_in(voting, token_for("jury"))
    assert client.get(chart_path, headers=HTML).status_code == 403


def test_signing_out_ends_the_page_session(voting, token_for, chart_path):
    client, _ = sign_in(voting, token_for("votes"))
    form = {"csrf_token": csrf(client, "/staff/")}
    assert client.post("/staff/logout", data=form, headers=HTML).status_code == 303
    assert client.get(chart_path, headers=HTML).status_code == 303


def test_a_revoked_token_ends_its_page_session(voting, token_for, chart_path):
    client, _ = sign_in(voting, token_for("votes", name="weg"))
    with voting.app.extensions["rv"].sessions.begin() as session:
        revoke_tokens(session, "weg")
    assert client.get(chart_path, headers=HTML).status_code == 303


def test_the_chart_shows_each_finalist_counted_and_held_apart(make_voting, token_for):
    voting = make_voting(fraud_flood_votes=2, fraud_hold_score=0.5)
    school_class(voting, 5)
    client, _ = sign_in(voting, token_for("votes"))
    page = client.get(f"/staff/editions/{voting.slug}/votes", headers=HTML).get_data(as_text=True)
    assert page.count('<figure class="hourly">') == 3
    assert "2 geteld, 3 in quarantaine" in page
    assert "0 geteld, 0 in quarantaine" in page
    assert page.count('<rect class="bar-counted"') == 2  # the legend's and the hour's
    assert re.search(r"<td>2</td><td>3</td>", page)


def test_the_chart_refuses_a_bad_number_of_hours(voting, token_for, chart_path):
    client, _ = sign_in(voting, token_for("votes"))
    assert client.get(f"{chart_path}?hours=abc", headers=HTML).status_code == 400


def test_the_integrity_page_after_the_close(make_voting, token_for):
    voting = make_voting(fraud_flood_votes=2, fraud_hold_score=0.5)
    school_class(voting, 5)
    close(voting)
    client, _ = sign_in(voting, token_for("votes"))
    response = client.get(f"/staff/editions/{voting.slug}/integrity", headers=HTML)
    assert response.status_code == 200
    assert "Uitgebrachte stemmen: 5" in response.get_data(as_text=True)


def test_the_integrity_page_waits_for_the_close(voting, token_for):
    client, _ = sign_in(voting, token_for("votes"))
    response = client.get(f"/staff/editions/{voting.slug}/integrity", headers=HTML)
    assert response.status_code == 409


def test_the_integrity_page_shows_the_bulletin_s_fingerprint(voting, token_for):
    voted(voting, "an@telenet.be")
    close(voting)
    client, _ = sign_in(voting, token_for("votes"))
    page = client.get(f"/staff/editions/{voting.slug}/integrity", headers=HTML)
    assert public_bulletin(voting.app, voting.slug)["sha256"] in page.get_data(as_text=True)
