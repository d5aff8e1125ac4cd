"""/metrics of voting: the votes of each edition by status, after real votes and clicks."""

from __future__ import annotations

from tests.scrape import value


def votes(voting, status: str) -> float | None:
    return value(voting.app, "rv_votes", edition=voting.slug, status=status)


def test_a_new_vote_shows_as_unconfirmed(voting):
    assert voting.vote("an.peeters@telenet.be").status_code == 202
    assert votes(voting, "unconfirmed") == 1
    assert votes(voting, "counted") is None


def test_a_confirmed_vote_moves_to_counted(voting):
    for address in ("an.peeters@telenet.be", "jan.claes@proximus.be"):
        voting.vote(address)
    voting.deliver()
    assert voting.confirm(voting.token("an.peeters@telenet.be")).status_code == 200
    assert (votes(voting, "unconfirmed"), votes(voting, "counted")) == (1, 1)


def test_a_vote_refused_by_a_rate_limit_is_counted(make_voting):
    # The request counter is the process's: earlier tests raised it, so count the difference.
    voting = make_voting(vote_limit_address="1/minute")
    route = "/api/v1/editions/<slug>/votes"

    def refused() -> float:
        return value(voting.app, "rv_http_requests_total", endpoint=route, status="429") or 0

    assert voting.vote("an.peeters@telenet.be").status_code == 202
    before = refused()
    assert voting.vote("jan.claes@proximus.be").status_code == 429
    assert refused() - before == 1
