"""Jurors may not vote: jury tells voting who they are (keyed hashes), and a juror's
confirmed vote is held for staff with the reason `juror`."""

from __future__ import annotations

from sqlalchemy import func, select

from services.voting.models import JurorPerson
from shared.people import identify
from shared.schemas.contest import JUROR_LISTED
from tests.services.voting.conftest import apply


def list_juror(voting, address: str) -> None:
    """Apply jury's `juror.listed` for `address`, hashed as jury hashes it."""
    settings = voting.app.extensions["rv"].settings
    apply(
        voting.app,
        JUROR_LISTED,
        {"edition": voting.slug, "person_hash": identify(settings, address).hash},
    )


def test_a_jurors_vote_is_held_with_the_reason_juror(voting, staff):
    list_juror(voting, "jurylid.een@kuleuven.be")
    assert voting.vote("Jurylid.Een@KULeuven.be").status_code == 202
    voting.deliver()
    assert voting.confirm(voting.token("Jurylid.Een@KULeuven.be")).status_code == 200
    assert [(v.status, v.reasons) for v in voting.votes()] == [("quarantined", ["juror"])]
    assert voting.tally(staff)["finalists"][0]["votes"] == 0


def test_a_juror_spelling_their_address_otherwise_is_still_a_juror(voting):
    list_juror(voting, "jurylid.een@gmail.com")
    voting.vote("ｊｕｒｙｌｉｄ.een+x@ｇｍａｉｌ。com")
    voting.deliver()
    voting.confirm(voting.token("ｊｕｒｙｌｉｄ.een+x@ｇｍａｉｌ。com"))
    assert [(v.status, v.reasons) for v in voting.votes()] == [("quarantined", ["juror"])]


def test_a_juror_of_another_edition_votes_like_anyone(make_voting):
    other, voting = make_voting(), make_voting()
    list_juror(other, "jurylid.een@kuleuven.be")
    voting.vote("jurylid.een@kuleuven.be")
    voting.deliver()
    voting.confirm(voting.token("jurylid.een@kuleuven.be"))
    assert [v.status for v in voting.votes()] == ["counted"]


def test_listing_a_juror_twice_is_harmless(voting):
    list_juror(voting, "jurylid.een@kuleuven.be")
    list_juror(voting, "JURYLID.EEN@kuleuven.be")  # the same person: one row, no error
    with voting.app.extensions["rv"].sessions() as session:
        assert session.scalar(select(func.count()).select_from(JurorPerson)) == 1
    voting.vote("jurylid.een@kuleuven.be")
    voting.deliver()
    assert voting.confirm(voting.token("jurylid.een@kuleuven.be")).status_code == 200
    assert [(v.status, v.reasons) for v in voting.votes()] == [("quarantined", ["juror"])]
