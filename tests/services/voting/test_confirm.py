"""The confirmation link: counts the vote once, in the tally by the time the page answers;
tampered, expired, replayed, unknown and late links change nothing."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from services.voting import confirmation
from services.voting.confirmation import Outcome
from shared.models import utcnow
from tests.links import button_form
from tests.services.voting.conftest import HOUR, apply, schedule

ADDRESS = "piet.pauwels@proximus.be"


class TwoMinutesAgo(TimestampSigner):
    """Signs as the service's signer would have two minutes ago."""

    def get_timestamp(self) -> int:
        return int(time.time()) - 120


@pytest.fixture
def token(voting):
    """The token mailed for a fresh vote for the first finalist."""
    voting.vote(ADDRESS)
    voting.deliver()
    return voting.token(ADDRESS)


def test_the_link_counts_the_vote_before_the_page_answers(voting, token, staff):
    response = voting.confirm(token, ip="10.1.2.3")
    assert response.status_code == 200
    assert "bevestigd" in response.get_data(as_text=True)
    tally = voting.tally(staff)
    assert tally["finalists"][0]["votes"] == 1
    assert tally["unconfirmed"] == 0
    [vote] = voting.votes()
    assert (vote.status, vote.confirm_network) == ("counted", "10.1.2.0/24")
    assert vote.confirmed_at is not None


def test_an_unconfirmed_vote_is_not_counted(voting, token, staff):
    tally = voting.tally(staff)
    assert tally["finalists"][0]["votes"] == 0
    assert tally["unconfirmed"] == 1


def test_a_replayed_link_is_410_on_its_get_and_changes_nothing(voting, token, staff):
    voting.confirm(token)
    again = voting.confirm(token)
    assert again.status_code == 410
    assert "al bevestigd" in again.get_data(as_text=True)
    assert voting.tally(staff)["finalists"][0]["votes"] == 1


def test_opening_the_link_shows_the_button_and_counts_nothing(voting, token, staff):
    path, scanner = f"/votes/confirm/{token}", voting.app.test_client()
    for _ in range(2):  # a mail scanner, then a link preview
        page = scanner.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert button_form(page.get_data(as_text=True))[0] == path
    tally = voting.tally(staff)
    assert (tally["finalists"][0]["votes"], tally["unconfirmed"]) == (0, 1)
    assert voting.confirm(token).status_code == 200


def test_the_links_page_speaks_the_visitors_language(voting, token, staff):
    path = f"/votes/confirm/{token}"
    dutch = voting.app.test_client().get(path).get_data(as_text=True)
    english = voting.app.test_client().get(path, headers={"Accept-Language": "en"})
    assert "Bevestig mijn stem" in dutch
    assert "Confirm my vote" in english.get_data(as_text=True)
    assert button_form(english.get_data(as_text=True))[0] == path
    assert voting.tally(staff)["unconfirmed"] == 1


def test_pressing_the_button_without_the_csrf_token_counts_nothing(voting, token, staff):
    assert voting.app.test_client().post(f"/votes/confirm/{token}").status_code == 400
    assert voting.tally(staff)["unconfirmed"] == 1


def test_pressing_the_button_twice_counts_once(voting, token, staff):
    path, client = f"/votes/confirm/{token}", voting.app.test_client()
    csrf = button_form(client.get(path).get_data(as_text=True))[1]
    answers = [client.post(path, data={"csrf_token": csrf}) for _ in range(2)]
    assert "al bevestigd" in answers[1].get_data(as_text=True)
    assert voting.tally(staff)["finalists"][0]["votes"] == 1


@pytest.mark.parametrize("change", [lambda t: t[:-3] + "AAA", lambda t: "x" + t, lambda t: "abc"])
def test_a_tampered_link_is_404_and_counts_nothing(voting, token, staff, change):
    bad = change(token)
    assert bad != token
    assert voting.confirm(bad).status_code == 404
    assert voting.tally(staff)["unconfirmed"] == 1


def test_a_link_for_another_purpose_is_refused(voting, token):
    with voting.app.app_context():
        from shared.tokens import make_token

        forged = make_token("nomination", voting.votes()[0].id)
    assert voting.confirm(forged).status_code == 404


def test_an_expired_link_is_410_and_counts_nothing(make_voting, staff):
    voting = make_voting(vote_link_max_age=60)
    voting.vote(ADDRESS)
    voting.deliver()
    vote_id = voting.votes()[0].id
    old = URLSafeTimedSerializer(voting.app.secret_key, salt="rv.vote", signer=TwoMinutesAgo).dumps(
        vote_id
    )
    assert voting.confirm(old).status_code == 410
    assert voting.tally(staff)["unconfirmed"] == 1


def test_a_link_after_voting_close_is_409_and_counts_nothing(voting, token, staff):
    now = utcnow()
    apply(
        voting.app,
        "edition.scheduled",
        schedule(
            voting.slug, 2, voting_open=now - 2 * HOUR, voting_close=now - dt.timedelta(seconds=1)
        ),
    )
    assert voting.confirm(token).status_code == 409
    assert voting.tally(staff)["unconfirmed"] == 1


@pytest.mark.parametrize(("offset", "outcome"), [(-1, Outcome.COUNTED), (0, Outcome.CLOSED)])
def test_confirmation_stops_exactly_at_voting_close(voting, token, offset, outcome):
    close, [vote] = voting.edition().voting_close, voting.votes()
    moment = close + dt.timedelta(microseconds=offset)
    with voting.app.test_request_context(), voting.app.extensions["rv"].engine.begin() as db:
        assert confirmation.confirm_vote(db, vote.id, moment) is outcome


def test_a_link_to_a_vote_that_is_gone_is_404(voting):
    with voting.app.app_context():
        token = confirmation.link_token("00000000-0000-0000-0000-000000000000")
    assert voting.confirm(token).status_code == 404
