"""The person's own choice wins: a vote cast again while the earlier one is unconfirmed
replaces it (the links mailed before stop working), with the same answer; an unconfirmed
vote expires with its link."""

from __future__ import annotations

import datetime as dt

import pytest

from services.voting import confirmation, expiry

HANNE = "hanne.claes@telenet.be"
MAX_AGE = dt.timedelta(hours=48)


def test_a_vote_typed_in_someones_name_gives_way_to_their_own(voting, staff):
    voting.vote(HANNE, finalist=1, ip="10.6.6.6")  # the attacker, for finalist 1
    voting.deliver()
    attackers_link = voting.token(HANNE)
    voting.vote(HANNE, finalist=0)  # Hanne herself
    voting.deliver()
    assert voting.confirm(attackers_link).status_code == 404
    assert voting.confirm(voting.token(HANNE)).status_code == 200
    tally = voting.tally(staff)
    assert [f["votes"] for f in tally["finalists"]] == [1, 0, 0]
    assert tally["unconfirmed"] == 0


def test_the_answer_to_a_vote_cast_again_is_the_same(voting):
    first, again = voting.vote(HANNE, finalist=1), voting.vote(HANNE, finalist=0)
    assert (again.status_code, again.get_data()) == (first.status_code, first.get_data())
    [vote] = voting.votes()
    assert vote.finalist_id == voting.finalist_ids[0]


def test_a_confirmed_vote_is_not_replaced(voting, staff):
    voting.vote(HANNE, finalist=0)
    voting.deliver()
    voting.confirm(voting.token(HANNE))
    voting.vote(HANNE, finalist=1)
    [vote] = voting.votes()
    assert (vote.finalist_id, vote.status) == (voting.finalist_ids[0], "counted")


def test_past_the_mails_limit_a_vote_cast_again_changes_nothing(make_voting):
    voting = make_voting(vote_limit_person="1/hour")
    voting.vote(HANNE, finalist=0)
    voting.vote(HANNE, finalist=1)  # mailed again: the choice follows
    voting.vote(HANNE, finalist=2)  # no mail may go: the link mailed last must keep working
    [vote] = voting.votes()
    assert vote.finalist_id == voting.finalist_ids[1]


def expire(voting, after: dt.timedelta) -> int:
    """Run the expiry duty as if `after` had passed since the (one) vote was cast."""
    [vote] = voting.votes()
    with voting.app.app_context(), voting.app.extensions["rv"].sessions.begin() as session:
        return expiry.expire_due(session, vote.created_at + after)


def test_an_unconfirmed_vote_expires_with_its_link(voting, staff):
    voting.vote(HANNE)
    assert expire(voting, MAX_AGE - dt.timedelta(seconds=1)) == 0
    assert expire(voting, MAX_AGE) == 1
    assert voting.votes() == []
    assert voting.tally(staff)["unconfirmed"] == 0
    voting.vote(HANNE, finalist=2)
    assert [v.finalist_id for v in voting.votes()] == [voting.finalist_ids[2]]


def test_a_link_used_after_its_vote_expired_changes_nothing(voting):
    voting.vote(HANNE)
    [vote] = voting.votes()
    moment = vote.created_at + MAX_AGE
    engine = voting.app.extensions["rv"].engine
    with (
        voting.app.test_request_context(),
        engine.begin() as db,
        pytest.raises(confirmation.LinkExpired),
    ):
        confirmation.confirm_vote(db, vote.id, moment)
    assert [v.status for v in voting.votes()] == ["unconfirmed"]


def test_the_same_choice_again_keeps_the_first_mails_link_good(voting, staff):
    voting.vote(HANNE, finalist=2)
    voting.deliver()
    first_link = voting.token(HANNE)
    voting.vote(HANNE, finalist=2)  # a double submit, or a retry after no answer
    voting.deliver()
    assert voting.confirm(first_link).status_code == 200
    assert [f["votes"] for f in voting.tally(staff)["finalists"]] == [0, 0, 1]
