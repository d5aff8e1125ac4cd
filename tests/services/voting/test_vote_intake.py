"""Vote intake over the API: one person one vote (address variants too), the same answer
for a repeat person, the window and the refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from werkzeug.exceptions import Conflict

from services.voting.votes import open_edition
from tests.services.voting.conftest import HOUR, apply, schedule
from tests.shared.bus_helpers import outbox_states

VARIANTS = [
    "marie.dubois@gmail.com",
    "MarieDubois@gmail.com",
    "marie.dubois+rv@gmail.com",
    "m.a.r.i.e.dubois@googlemail.com",
    "marie.dubois@ｇｍａｉｌ.com",
    "marie.dubois@gmail。com",
    "ｍａｒｉｅ.dubois@gmail.com",
]


def test_a_vote_is_taken_unconfirmed(voting):
    response = voting.vote("an.peeters@telenet.be")
    assert response.status_code == 202
    assert response.get_json() == {"status": "unconfirmed"}
    [vote] = voting.votes()
    assert (vote.status, vote.email, vote.network) == (
        "unconfirmed",
        "an.peeters@telenet.be",
        "127.0.0.0/24",
    )


def test_address_variants_are_one_person_with_one_vote(voting):
    answers = [voting.vote(address) for address in VARIANTS]
    assert {(a.status_code, a.get_data()) for a in answers} == {(202, answers[0].get_data())}
    [vote] = voting.votes()
    assert vote.finalist_id == voting.finalist_ids[0]


def test_the_clear_address_is_kept_only_until_the_mail_is_sent(voting):
    voting.vote("An.Peeters@telenet.be")
    voting.deliver()
    [mail] = voting.mails()
    assert mail["To"] == "An.Peeters@telenet.be"
    [vote] = voting.votes()
    assert vote.email is None and vote.mailed_at is not None
    assert "peeters" not in vote.person_hash


def test_intake_leaves_the_mail_to_the_relay_which_queues_it_once(voting):
    voting.vote("an.peeters@telenet.be")
    assert outbox_states(voting.app) == {}
    voting.tick()
    voting.tick()
    assert outbox_states(voting.app) == {"pending": 1}


def test_a_repeat_person_is_mailed_again_at_the_address_typed_then(voting):
    voting.vote("marie.dubois@gmail.com")
    voting.deliver()
    voting.vote("MarieDubois+x@gmail.com")
    voting.deliver()
    assert [m["To"] for m in voting.mails()] == [
        "marie.dubois@gmail.com",
        "MarieDubois+x@gmail.com",
    ]
    assert all(v.email is None for v in voting.votes())


def test_a_confirmed_person_voting_again_is_told_so_and_nothing_changes(voting, staff):
    voting.vote("jan.janssens@proximus.be")
    voting.deliver()
    voting.confirm(voting.token("jan.janssens@proximus.be"))
    assert voting.vote("jan.janssens@proximus.be", finalist=1).status_code == 202
    voting.deliver()
    assert "al gestemd" in voting.mails()[-1].get_body(("plain",)).get_content()
    assert voting.tally(staff)["finalists"][0]["votes"] == 1
    assert voting.tally(staff)["finalists"][1]["votes"] == 0


def test_mails_sent_again_stop_at_the_limit_and_the_answer_stays_the_same(make_voting):
    voting = make_voting(vote_limit_person="2/hour")
    for _ in range(5):
        assert voting.vote("els.maes@skynet.be").status_code == 202
        voting.deliver()
    assert len(voting.mails()) == 3  # the first mail, then two sent again


@pytest.mark.parametrize(
    "address", ["marie.dubois@gmаil.com", "marie.dubois@gmai1.com", "marie@ехample.org"]
)
def test_an_address_at_a_look_alike_domain_is_422(voting, address):
    response = voting.vote(address)
    assert response.status_code == 422
    assert "imitates" in response.get_json()["error"]["fields"]["email"][0]
    assert voting.votes() == []


def test_unknown_edition_is_404(voting):
    voting.slug = "no-such-edition"
    assert voting.vote("an.peeters@telenet.be").status_code == 404


def test_unknown_finalist_is_422_naming_the_field(voting):
    voting.finalist_ids[0] = "no-such-finalist"
    response = voting.vote("an.peeters@telenet.be")
    assert response.status_code == 422
    assert "finalist_id" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    "address", ["wegwerp123@mailinator.com", "not-an-address", "a@b", "", "x" * 400 + "@a.be"]
)
def test_an_unusable_address_is_422(voting, address):
    response = voting.vote(address)
    assert response.status_code == 422
    assert "email" in response.get_json()["error"]["fields"]
    assert voting.votes() == []


@pytest.mark.parametrize(
    ("opens", "closes", "status"),
    [
        (0, 1, 202),  # voting_open is inclusive
        (-1, 0, 409),  # voting_close is exclusive
        (1, 2, 409),  # not yet open
        (-2, -1, 409),  # closed
    ],
)
def test_the_window_is_checked_at_the_moment_of_the_vote(voting, opens, closes, status):
    from shared.models import utcnow

    now = utcnow()
    apply(
        voting.app,
        "edition.scheduled",
        schedule(voting.slug, 2, voting_open=now + opens * HOUR, voting_close=now + closes * HOUR),
    )
    assert voting.vote("an.peeters@telenet.be").status_code == status


def test_the_mail_speaks_the_voters_language(voting):
    voting.vote("john.smith@telenet.be", **{"Accept-Language": "en"})
    voting.deliver()
    [mail] = voting.mails()
    assert mail["Subject"] == "Confirm your vote"
    assert "/votes/confirm/" in mail.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    ("window", "offset", "takes"),
    [
        ("voting_open", -1, False),
        ("voting_open", 0, True),  # open is inclusive
        ("voting_close", -1, True),
        ("voting_close", 0, False),  # close is exclusive
    ],
)
def test_the_window_edges_to_the_microsecond(voting, window, offset, takes):
    edge = getattr(voting.edition(), window) + dt.timedelta(microseconds=offset)
    with voting.app.extensions["rv"].sessions() as session:
        if takes:
            assert open_edition(session, voting.slug, voting.finalist_ids[0], edge)
        else:
            with pytest.raises(Conflict):
                open_edition(session, voting.slug, voting.finalist_ids[0], edge)
