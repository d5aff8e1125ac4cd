"""Each fraud signal scores its kind of abuse by how far past its threshold it is and stays
quiet for honest voting; only enough evidence together holds a vote. Votes are stored rows,
assessed at a given moment as the confirmation does."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from services.voting import fraud
from services.voting.models import Edition
from shared.models import utcnow
from tests.services.voting.conftest import vote_row

SECOND = dt.timedelta(seconds=1)


def held(results: list[fraud.Evidence]) -> list[list[str]]:
    """The reasons each vote was held for (empty: counted)."""
    return [evidence.reasons for evidence in results]


def test_three_people_on_three_networks_are_counted(assess):
    now = utcnow()
    votes = [
        {"created_at": now + i * 1.5 * SECOND, "confirmed_at": now + (i * 1.5 + 1.5) * SECOND}
        for i in range(3)
    ]
    results = assess()(votes, now)
    assert held(results) == [[], [], []]
    assert [evidence.total for evidence in results] == [0, 0, 0]


def test_a_filled_honeypot_is_held_on_its_own(assess):
    [evidence] = assess()([{"honeypot": True}], utcnow())
    assert evidence.reasons == ["honeypot"] and evidence.scores == {"honeypot": 1.0}


def test_a_fast_form_alone_is_counted_with_its_score(assess):
    run = assess(fraud_min_form_seconds=3.0)
    [fast, instant] = run([{"form_seconds": 1.5}, {"form_seconds": 0.0}], utcnow())
    assert fast.scores == {"too_fast": 0.45} and not fast.held
    assert instant.scores == {"too_fast": 0.6} and not instant.held
    assert held(run([{"form_seconds": 8.0}, {"form_seconds": None}], utcnow())) == [[], []]


def test_a_fast_form_with_a_generated_name_is_held(assess):
    [evidence] = assess(fraud_min_form_seconds=3.0)(
        [{"form_seconds": 0.0, "machine_name": 1.0}], utcnow()
    )
    assert evidence.scores == {"too_fast": 0.6, "machine_name": 0.9}
    assert evidence.reasons == ["too_fast", "machine_name"] and evidence.total == 1.5


def test_a_human_name_is_no_evidence_and_a_generated_one_not_enough_alone(assess):
    names = [{"machine_name": 0.3}, {"machine_name": 0.75}, {"machine_name": 1.0}]
    results = assess()(names, utcnow())
    assert [evidence.scores for evidence in results] == [
        {},
        {"machine_name": 0.7},
        {"machine_name": 0.9},
    ]
    assert held(results) == [[], [], []]


def test_a_click_sooner_after_the_mail_than_a_person_scores_alone_below_a_hold(assess):
    now = utcnow()
    clicks = [
        {"mailed_at": now - seconds * SECOND, "confirmed_at": now}
        for seconds in (0, 1.5, 3, 40, -2)  # the last: clicked before the mail was noted
    ]
    results = assess(fraud_min_click_seconds=3.0)(clicks, now)
    assert [evidence.scores for evidence in results] == [
        {"fast_click": 0.65},
        {"fast_click": 0.6},
        {},
        {},
        {},
    ]
    assert held(results) == [[]] * 5


def test_votes_far_past_the_flood_limit_of_one_network_are_held(assess):
    now = utcnow()
    school = [
        {"network": "81.82.83.0/24", "created_at": now + i * SECOND, "confirm_network": f"n{i}"}
        for i in range(12)
    ]
    results = assess(fraud_flood_votes=5, fraud_flood_window=600)(school, now + 60 * SECOND)
    scores = [evidence.scores.get("network_flood") for evidence in results]
    assert scores == [None] * 5 + [0.5, 0.7, 0.9, 1.1, 1.3, 1.5, 1.5]  # graded, then capped
    assert held(results) == [[]] * 8 + [["network_flood"]] * 4


def test_votes_from_one_network_spread_over_time_are_counted(assess):
    now = utcnow()
    family = [{"network": "81.82.83.0/24", "created_at": now + i * 700 * SECOND} for i in range(8)]
    results = assess(fraud_flood_votes=5, fraud_flood_window=600)(family, now)
    assert [evidence.scores for evidence in results] == [{}] * 8


@pytest.mark.parametrize(
    ("family", "score", "holds"),
    [(2, None, False), (3, 0.3, False), (6, 0.975, False), (7, 1.2, True), (9, 1.2, True)],
)
def test_a_family_of_one_address_shape_scores_by_its_size(assess, family, score, holds):
    shape = {"shape_hash": "same-shape"}
    results = assess(fraud_similar_addresses=3)([shape] * family, utcnow())
    # the whole family, the first one too: each vote sees the others
    assert {evidence.scores.get("similar_addresses") for evidence in results} == {score}
    assert {evidence.held for evidence in results} == {holds}


def test_clicks_at_human_intervals_from_one_network_are_counted(assess):
    now = utcnow()
    gaps = [0, 4, 31, 38, 95, 99, 260]  # seconds: people opening their mail when they do
    clicks = [{"confirm_network": "5.6.7.0/24", "confirmed_at": now + g * SECOND} for g in gaps]
    assert held(assess(fraud_rhythm_confirmations=6)(clicks, now)) == [[]] * 7


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

    def confirm_at(moment: dt.datetime) -> float | None:
        with app.app_context(), b.sessions() as session:
            edition = session.scalar(select(Edition).where(Edition.slug == voting.slug))
            vote = vote_row(edition.id, voting.finalist_ids[0])
            return fraud.finalist_burst(b.redis, vote, edition.voting_open, moment, b.settings)

    for minute in range(65, 4, -1):
        assert confirm_at(now - minute * 60 * SECOND) is None
    return confirm_at, now


def test_a_burst_for_one_finalist_grows_with_its_height(burst):
    confirm_at, now = burst
    strengths = [confirm_at(now) for _ in range(31)]
    assert strengths[:15] == [None] * 15  # 16 > 3 x 5 and above the floor
    assert strengths[15] == pytest.approx((16 / 15 - 1) / 2)
    assert strengths[30] == pytest.approx((31 / 15 - 1) / 2)


def test_a_finalist_at_its_usual_rate_is_no_burst(burst):
    confirm_at, now = burst
    assert all(confirm_at(now - m * 60 * SECOND) is None for m in range(4, -1, -1))


def test_a_quiet_start_is_not_a_burst(make_voting):
    voting = make_voting(**BURST)
    app, b = voting.app, voting.app.extensions["rv"]
    with app.app_context(), b.sessions() as session:
        edition = session.scalar(select(Edition).where(Edition.slug == voting.slug))
        vote = vote_row(edition.id, voting.finalist_ids[1])
        start = edition.voting_open + SECOND
        assert all(
            fraud.finalist_burst(b.redis, vote, edition.voting_open, start, b.settings) is None
            for _ in range(5)
        )
