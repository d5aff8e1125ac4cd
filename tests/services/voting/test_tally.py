"""The tally: counted votes only, every finalist in the hub's order, read from the counters;
staff only unless the edition's tally is public."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from string import ascii_lowercase

import pytest
from sqlalchemy import text

from services.voting import tally
from services.voting.models import Vote
from tests.services.voting.conftest import apply, finalists


def cast_and_confirm(voting, address: str, finalist: int) -> None:
    voting.vote(address, finalist=finalist, ip=f"10.{finalist}.{len(address)}.1")
    voting.deliver()
    voting.confirm(voting.token(address))


def test_every_finalist_is_listed_in_order_with_zero_included(voting, staff):
    body = voting.tally(staff)
    assert body == {
        "finalists": [{"finalist_id": fid, "votes": 0} for fid in voting.finalist_ids],
        "quarantined": 0,
        "unconfirmed": 0,
        "rejected": 0,
    }


def test_only_counted_votes_count(voting, staff):
    cast_and_confirm(voting, "an.peeters@telenet.be", 1)
    cast_and_confirm(voting, "jan.janssens@gmail.com", 1)
    voting.vote("els.maes@skynet.be", finalist=2)
    body = voting.tally(staff)
    assert [f["votes"] for f in body["finalists"]] == [0, 2, 0]
    assert body["unconfirmed"] == 1


def test_a_new_set_of_finalists_shows_at_once(voting, staff):
    new = [str(uuid.uuid4()), voting.finalist_ids[0]]
    apply(voting.app, "finalists.selected", finalists(voting.slug, new, revision=2))
    assert [f["finalist_id"] for f in voting.tally(staff)["finalists"]] == new


def test_the_counters_follow_every_move(voting):
    voting.vote("an.peeters@telenet.be")
    sessions = voting.app.extensions["rv"].sessions
    with sessions.begin() as session:
        vote = session.get(Vote, voting.votes()[0].id)
        tally.move(session, vote, "quarantined")
        tally.move(session, vote, "rejected")
    with sessions() as session:
        counts = tally.tally(session, voting.edition())
    assert (counts["unconfirmed"], counts["quarantined"], counts["rejected"]) == (0, 0, 1)


def test_without_a_token_the_tally_is_401(voting):
    url = f"/api/v1/editions/{voting.slug}/tally"
    assert voting.app.test_client().get(url).status_code == 401


def test_without_the_votes_right_the_tally_is_403(voting, token_for):
    url = f"/api/v1/editions/{voting.slug}/tally"
    headers = {"Authorization": f"Bearer {token_for('jury')}"}
    assert voting.app.test_client().get(url, headers=headers).status_code == 403


def test_a_public_tally_needs_no_token(make_voting):
    voting = make_voting(public_tally=True)
    cast_and_confirm(voting, "an.peeters@telenet.be", 1)
    url = f"/api/v1/editions/{voting.slug}/tally"
    response = voting.app.test_client().get(url)
    assert response.status_code == 200
    counts = {f["finalist_id"]: f["votes"] for f in response.get_json()["finalists"]}
    assert counts == dict(zip(voting.finalist_ids, [0, 1, 0], strict=True))


def test_an_unknown_edition_has_no_tally(voting, staff):
    url = "/api/v1/editions/nope/tally"
    assert voting.app.test_client().get(url, headers=staff).status_code == 404


def test_votes_for_one_finalist_cast_at_once_are_each_counted(voting, staff):
    voters = 24
    start = threading.Barrier(voters)

    def vote(n: int) -> int:
        start.wait()
        return voting.vote(f"stemmer.{letters(n)}@telenet.be", ip=f"10.9.{n}.1").status_code

    with ThreadPoolExecutor(voters) as pool:
        assert list(pool.map(vote, range(voters))) == [202] * voters
    assert len(voting.votes()) == voters
    assert voting.tally(staff)["unconfirmed"] == voters


@pytest.mark.postgresql_only
def test_a_vote_for_a_finalist_waits_for_no_other_uncommitted_vote_for_it(voting):
    engine = voting.app.extensions["rv"].engine
    edition_id, finalist = voting.edition().id, voting.finalist_ids[0]
    first, second = ids_in_two_shards()
    with engine.begin() as pending:  # a vote counted, its transaction not yet committed
        tally.add(pending, edition_id, finalist, "unconfirmed", 1, tally.shard_of(first))
        with engine.begin() as other:
            other.execute(text("SET LOCAL lock_timeout = '1s'"))
            tally.add(other, edition_id, finalist, "unconfirmed", 1, tally.shard_of(second))
    with voting.app.extensions["rv"].sessions() as session:
        assert tally.tally(session, voting.edition())["unconfirmed"] == 2


def letters(n: int) -> str:
    """n in letters: addresses of one shape each (no digits), so no fraud signal joins them."""
    return "".join(ascii_lowercase[int(digit)] for digit in str(n))


def ids_in_two_shards() -> tuple[str, str]:
    """Two vote ids whose counters are in different shards."""
    first = str(uuid.uuid4())
    second = next(
        vote_id
        for vote_id in (str(uuid.uuid4()) for _ in range(1000))
        if tally.shard_of(vote_id) != tally.shard_of(first)
    )
    return first, second
