"""Erasure of voters' personal data: on demand by the CLI once voting closed, and by itself
after the retention period; hashes, statuses and counts stay."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from services.cli import cli
from shared.models import utcnow
from tests.services.voting.conftest import HOUR, apply, schedule

PERSONAL = ("email", "network", "confirm_network", "form_seconds")


def voted(voting) -> None:
    """One confirmed vote and one unconfirmed, not yet mailed (its address still held)."""
    voting.vote("an.peeters@telenet.be")
    voting.deliver()
    voting.confirm(voting.token("an.peeters@telenet.be"))
    voting.vote("els.maes@skynet.be", finalist=1)


def close(voting, days_ago: float = 0, revision: int = 2) -> None:
    """Reschedule the edition: voting closed `days_ago` days ago."""
    closed = utcnow() - dt.timedelta(days=days_ago, seconds=1)
    payload = schedule(voting.slug, revision, voting_open=closed - HOUR, voting_close=closed)
    apply(voting.app, "edition.scheduled", payload)


def erase(make_env, slug: str):
    return CliRunner().invoke(cli, ["erase-voters", slug], env=make_env())


def test_the_command_erases_personal_data_and_keeps_the_counts(voting, make_env, staff):
    voted(voting)
    before = voting.votes()
    tally = voting.tally(staff)
    close(voting)
    result = erase(make_env, voting.slug)
    assert result.exit_code == 0, result.output
    assert "2 vote(s)" in result.output
    after = voting.votes()
    assert all(getattr(v, name) is None for v in after for name in PERSONAL)
    keep = ("id", "status", "reasons", "finalist_id")
    assert [[getattr(v, k) for k in keep] for v in after] == [
        [getattr(v, k) for k in keep] for v in before
    ]
    assert voting.tally(staff) == tally


def test_the_hashes_and_the_editions_key_go_with_the_personal_data(voting, make_env):
    voted(voting)
    assert voting.edition().hash_key is not None
    hashes = {h for v in voting.votes() for h in (v.person_hash, v.shape_hash, v.domain_hash)}
    close(voting)
    erase(make_env, voting.slug)
    after = voting.votes()
    assert [(v.person_hash, v.shape_hash, v.domain_hash) for v in after] == [
        (f"erased:{v.id}", "", None) for v in after
    ]
    assert len(hashes - {None}) >= 2
    assert voting.edition().hash_key is None


def test_the_command_refuses_while_voting_is_open(voting, make_env):
    voted(voting)
    result = erase(make_env, voting.slug)
    assert result.exit_code != 0
    assert "closes at" in result.output
    assert voting.votes()[0].network is not None


def test_the_command_names_an_unknown_edition(voting, make_env):
    result = erase(make_env, "nope")
    assert result.exit_code != 0
    assert "nope" in result.output


def test_personal_data_go_by_themselves_after_the_retention(make_voting):
    voting = make_voting(voter_retention_days=30)
    voted(voting)
    close(voting, days_ago=29)
    voting.tick()
    assert voting.votes()[0].network is not None
    close(voting, days_ago=31, revision=3)
    voting.tick()
    assert all(v.network is None and v.email is None for v in voting.votes())
    assert voting.edition().voters_erased_at is not None


def test_editions_keep_one_persons_votes_apart(make_voting):
    first, second = make_voting(), make_voting()
    for voting in (first, second):
        assert voting.vote("an.peeters@telenet.be").status_code == 202
    one, other = first.votes()  # both editions' votes, in one database
    assert one.edition_id != other.edition_id
    assert one.person_hash != other.person_hash and one.shape_hash != other.shape_hash
