"""Each fraud signal fires for its kind of abuse and stays quiet for honest voting; votes are
stored rows, assessed at a given moment as the confirmation does."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from services.voting import fraud
from services.voting.models import Edition
from shared.models import utcnow
from tests.services.voting.conftest import vote_row

SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def assess(make_voting):
    """assess(vote_fields..., now) on a fresh edition, with signals' settings overridable."""

    def build(**overrides):
        voting = make_voting(**overrides)
        app = voting.app

        def run(votes: list[dict], now: dt.datetime) -> list[list[str]]:
            """Store `votes` (Vote fields) and assess each in turn, as if confirmed then."""
            with app.app_context(), app.extensions["rv"].sessions.begin() as session:
                edition = session.scalar(select(Edition).where(Edition.slug == voting.slug))
                rows = [vote_row(edition.id, voting.finalist_ids[0], **fields) for fields in votes]
                session.add_all(rows)
                session.flush()
                results = []
                for row in rows:
                    row.confirmed_at = row.confirmed_at or now
                    results.append(
                        fraud.assess(session, row, row.confirmed_at, edition.voting_open)
                    )
                    session.flush()
                return results

        return run

    return build


def test_three_people_on_three_networks_are_counted(assess):
    now = utcnow()
    votes = [
        {"created_at": now + i * 1.5 * SECOND, "confirmed_at": now + (i * 1.5 + 1.5) * SECOND}
        for i in range(3)
    ]
    assert assess()(votes, now) == [[], [], []]


def test_a_filled_honeypot_is_held(assess):
    [reasons] = assess()([{"honeypot": True}], utcnow())
    assert reasons == ["honeypot"]


def test_a_form_sent_faster_than_a_person_is_held(assess):
    run = assess(fraud_min_form_seconds=3.0)
    assert run([{"form_seconds": 1.2}], utcnow()) == [["too_fast"]]
    assert run([{"form_seconds": 8.0}, {"form_seconds": None}], utcnow()) == [[], []]


def test_votes_past_the_flood_limit_of_one_network_are_held(assess):
    now = utcnow()
    school = [
        {"network": "81.82.83.0/24", "created_at": now + i * SECOND, "confirm_network": f"n{i}"}
        for i in range(8)
    ]
    results = assess(fraud_flood_votes=5, fraud_flood_window=600)(school, now + 60 * SECOND)
    assert results == [[]] * 5 + [["network_flood"]] * 3


def test_votes_from_one_network_spread_over_time_are_counted(assess):
    now = utcnow()
    family = [{"network": "81.82.83.0/24", "created_at": now + i * 700 * SECOND} for i in range(8)]
    assert assess(fraud_flood_votes=5, fraud_flood_window=600)(family, now) == [[]] * 8


def test_many_addresses_of_one_shape_are_held(assess):
    shape = {"shape_hash": "same-shape"}
    results = assess(fraud_similar_addresses=3)([shape, shape, shape], utcnow())
    assert results == [["similar_addresses"]] * 3  # the whole family, the first one too


def test_two_addresses_of_one_shape_are_counted(assess):
    shape = {"shape_hash": "same-shape"}
    assert assess(fraud_similar_addresses=3)([shape, shape], utcnow()) == [[], []]


def test_clicks_in_a_machine_rhythm_are_held(assess):
    now = utcnow()
    clicks = [
        {"confirm_network": "5.6.7.0/24", "confirmed_at": now + i * 2 * SECOND} for i in range(7)
    ]
    results = assess(fraud_rhythm_confirmations=6)(clicks, now)
    assert results == [[]] * 5 + [["machine_rhythm"]] * 2


def test_clicks_at_human_intervals_from_one_network_are_counted(assess):
    now = utcnow()
    gaps = [0, 4, 31, 38, 95, 99, 260]  # seconds: people opening their mail when they do
    clicks = [{"confirm_network": "5.6.7.0/24", "confirmed_at": now + g * SECOND} for g in gaps]
    assert assess(fraud_rhythm_confirmations=6)(clicks, now) == [[]] * 7


def test_the_regularity_of_metronome_and_people():
    now = utcnow()
    assert fraud.regularity([now + i * SECOND for i in range(6)]) == 0.0
    assert fraud.regularity([now + g * SECOND for g in (0, 4, 31, 38, 95, 99)]) > 0.5


BURST = {
    "fraud_burst_window": 300,
    "fraud_burst_history": 3600,
    "fraud_burst_factor": 3.0,
    "fraud_burst_floor": 5,
}


@pytest.fixture
def burst(make_voting):
    """finalist_burst for the first finalist: voting opened an hour ago, one confirmation a
    minute until 5 minutes ago (its usual rate: 5 per 5 minutes)."""
    voting = make_voting(**BURST)
    app, b = voting.app, voting.app.extensions["rv"]
    now = utcnow()

    def confirm_at(moment: dt.datetime) -> bool:
        with app.app_context(), b.sessions() as session:
            edition = session.scalar(select(Edition).where(Edition.slug == voting.slug))
            vote = vote_row(edition.id, voting.finalist_ids[0])
            return fraud.finalist_burst(b.redis, vote, edition.voting_open, moment, b.settings)

    for minute in range(65, 4, -1):
        assert not confirm_at(now - minute * 60 * SECOND)
    return confirm_at, now


def test_a_burst_for_one_finalist_is_held(burst):
    confirm_at, now = burst
    fired = [confirm_at(now) for _ in range(16)]
    assert fired == [False] * 15 + [True]  # 16 > 3 x 5 and above the floor


def test_a_finalist_at_its_usual_rate_is_counted(burst):
    confirm_at, now = burst
    assert not any(confirm_at(now - m * 60 * SECOND) for m in range(4, -1, -1))


def test_a_quiet_start_is_not_a_burst(make_voting):
    voting = make_voting(**BURST)
    app, b = voting.app, voting.app.extensions["rv"]
    with app.app_context(), b.sessions() as session:
        edition = session.scalar(select(Edition).where(Edition.slug == voting.slug))
        vote = vote_row(edition.id, voting.finalist_ids[1])
        start = edition.voting_open + SECOND
        assert not any(
            fraud.finalist_burst(b.redis, vote, edition.voting_open, start, b.settings)
            for _ in range(5)
        )
