"""The close: at voting_close the final tally goes to the hub once per close, and again
after staff reopen and it closes anew."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from services.voting import closing
from shared.models import OutboxEvent, utcnow
from tests.services.voting.conftest import HOUR, apply, schedule


def tallies(voting) -> list[dict]:
    with voting.app.extensions["rv"].sessions() as session:
        rows = session.scalars(
            select(OutboxEvent).where(OutboxEvent.destination == "nominations")
        ).all()
    return [row.envelope for row in rows if row.envelope["type"] == "tally.final"]


def close_now(voting, revision: int = 2, ago: int = 1) -> dt.datetime:
    """Reschedule the edition so that voting closed `ago` seconds ago; returns voting_close."""
    close = utcnow().replace(microsecond=0) - dt.timedelta(seconds=ago)
    apply(
        voting.app,
        "edition.scheduled",
        schedule(voting.slug, revision, voting_open=close - HOUR, voting_close=close),
    )
    return close


def test_nothing_is_sent_before_voting_close(voting):
    voting.tick()
    assert tallies(voting) == []


def test_the_final_tally_goes_to_the_hub_at_close(voting):
    voting.vote("an.peeters@telenet.be")
    voting.deliver()
    voting.confirm(voting.token("an.peeters@telenet.be"))
    close = close_now(voting)
    voting.tick()
    [event] = tallies(voting)
    payload = event["payload"]
    assert payload["edition"] == voting.slug
    assert dt.datetime.fromisoformat(payload["closed_at"]) == close
    assert [f["votes"] for f in payload["finalists"]] == [1, 0, 0]
    assert event["source"] == "voting"


def test_a_close_is_sent_once_whatever_the_number_of_relays(voting):
    close_now(voting)
    for _ in range(3):
        voting.tick()
    assert len(tallies(voting)) == 1


def test_a_claimed_close_is_not_claimed_again_by_a_relay_that_read_it_before(voting):
    close_now(voting)
    sessions = voting.app.extensions["rv"].sessions
    with sessions.begin() as first, sessions.begin() as second:
        assert closing._claim(first, voting.edition()) is True
        first.commit()
        assert closing._claim(second, voting.edition()) is False


def test_reopened_voting_sends_a_new_tally_when_it_closes_again(voting):
    close_now(voting, ago=5)
    voting.tick()
    apply(voting.app, "edition.scheduled", schedule(voting.slug, 3))  # reopened for an hour
    voting.tick()
    assert len(tallies(voting)) == 1
    close_now(voting, revision=4)
    voting.tick()
    assert len(tallies(voting)) == 2


def test_votes_stop_by_themselves_at_close(voting):
    assert voting.vote("op.tijd@telenet.be").status_code == 202
    close_now(voting)
    assert voting.vote("laat@telenet.be").status_code == 409
    assert [v.status for v in voting.votes()] == ["unconfirmed"]  # the one in time, only
