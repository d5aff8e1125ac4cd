"""The signals a peak taught: many mailboxes at one domain of their own weigh, more when all
are for one finalist, and hold with generated names; a radio call that raises every finalist
is no burst while one finalist rising alone still is."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from services.voting import fraud
from services.voting.models import Edition
from shared.models import utcnow
from shared.people import identify
from tests.databases import unreachable
from tests.services.voting.conftest import vote_row

MINUTE = dt.timedelta(minutes=1)
BURST = {
    "fraud_burst_window": 300,
    "fraud_burst_history": 3600,
    "fraud_burst_factor": 3.0,
    "fraud_burst_floor": 5,
}


def test_an_own_domain_has_a_hash_and_a_public_provider_none(voting):
    settings = voting.app.extensions["rv"].settings
    one, two = identify(settings, "an@stemkracht.be"), identify(settings, "Bo@Stemkracht.be")
    assert one.domain_hash is not None and one.domain_hash == two.domain_hash
    assert identify(settings, "an@kiesmee.be").domain_hash != one.domain_hash
    assert identify(settings, "an.peeters@telenet.be").domain_hash is None
    assert identify(settings, "an.peeters@googlemail.com").domain_hash is None


@pytest.fixture
def confirm_all(make_voting):
    """Store votes (Vote fields; for the first finalist unless they say) and assess each, as
    if confirmed now."""

    def run(votes: list[dict], **overrides) -> list[fraud.Evidence]:
        voting = make_voting(**overrides)
        app = voting.app
        with app.app_context(), app.extensions["rv"].sessions.begin() as session:
            edition = session.scalar(select(Edition).where(Edition.slug == voting.slug))
            first = {"finalist_id": voting.finalist_ids[0]}
            rows = [vote_row(edition.id, **(first | fields)) for fields in votes]
            session.add_all(rows)
            session.flush()
            now = utcnow()
            return [fraud.assess(session, row, now, edition.voting_open) for row in rows]

    return run


def test_colleagues_at_one_domain_for_one_finalist_are_counted_with_their_score(confirm_all):
    results = confirm_all([{"domain_hash": "ugent"}] * 4, fraud_domain_votes=4)
    assert [evidence.scores for evidence in results] == [{"shared_domain": 0.325}] * 4
    assert not any(evidence.held for evidence in results)


def test_a_domain_voting_for_several_finalists_scores_less(confirm_all):
    results = confirm_all(
        [{"domain_hash": "kuleuven"}] * 3 + [{"domain_hash": "kuleuven", "finalist_id": "x"}],
        fraud_domain_votes=4,
    )
    assert {evidence.scores["shared_domain"] for evidence in results} == {0.2}


def test_many_generated_mailboxes_at_one_own_domain_are_held(confirm_all):
    votes = [{"domain_hash": "stemkracht", "machine_name": 0.8}] * 20
    results = confirm_all(votes, fraud_domain_votes=4)
    assert {evidence.scores["shared_domain"] for evidence in results} == {0.45}
    reasons = {tuple(evidence.reasons) for evidence in results}
    assert reasons == {("shared_domain", "machine_name", "generated_names")}


def test_a_few_colleagues_and_many_at_public_providers_are_counted(confirm_all):
    colleagues = [{"domain_hash": "vzw-warm-wonen"}] * 3
    public = [{"domain_hash": None}] * 5
    results = confirm_all(colleagues + public, fraud_domain_votes=4)
    assert [evidence.scores for evidence in results] == [{}] * 8


@pytest.fixture
def burst(make_voting):
    """confirm(finalist, moment) -> finalist_burst on an edition that opened an hour ago,
    where each of its three finalists had one confirmation a minute until 5 minutes ago."""
    voting = make_voting(**BURST)
    app, b = voting.app, voting.app.extensions["rv"]
    now = utcnow()

    def confirm(finalist: int, moment: dt.datetime) -> float | None:
        with app.app_context(), b.sessions() as session:
            edition = session.scalar(select(Edition).where(Edition.slug == voting.slug))
            vote = vote_row(edition.id, voting.finalist_ids[finalist])
            return fraud.finalist_burst(
                b.redis, vote, edition.voting_open, moment, b.settings, lambda: 3
            )

    for minute in range(65, 4, -1):
        assert not any(confirm(f, now - minute * MINUTE) for f in range(3))
    return confirm, now


def test_a_radio_call_raising_every_finalist_is_no_burst(burst):
    confirm, now = burst
    assert not any(confirm(f, now) for _ in range(30) for f in range(3))


def test_one_finalist_rising_alone_is_a_burst(burst):
    confirm, now = burst
    fired = [confirm(0, now) is not None for _ in range(16)]
    assert fired == [False] * 15 + [True]  # 16 > 3 x its usual 5, the others unchanged


def test_at_the_start_one_finalist_far_above_the_others_is_a_burst(make_voting):
    voting = make_voting(**BURST)
    app, b = voting.app, voting.app.extensions["rv"]
    with app.app_context(), b.sessions() as session:
        edition = session.scalar(select(Edition).where(Edition.slug == voting.slug))
        start = edition.voting_open + MINUTE

        def confirm(finalist: int) -> float | None:
            vote = vote_row(edition.id, voting.finalist_ids[finalist])
            return fraud.finalist_burst(
                b.redis, vote, edition.voting_open, start, b.settings, lambda: 3
            )

        together = [confirm(f) for _ in range(4) for f in range(3)]
        alone = [confirm(0) for _ in range(10)]
    assert not any(together)  # everyone at once: a call to vote, not a burst
    assert alone[-1] and not alone[0]  # 14 against the others' 4: past 3 times theirs


def test_votes_and_pages_answer_503_while_the_database_is_away(voting):
    with unreachable(voting.app):
        api = voting.vote("an.peeters@telenet.be")
        page = voting.app.test_client().get("/", headers={"Accept": "text/html"})
    assert api.status_code == 503 and api.headers["Retry-After"] == "5"
    assert api.get_json()["error"]["code"] == "service_unavailable"
    assert page.status_code == 503 and b"<html" in page.data
    assert voting.vote("an.peeters@telenet.be").status_code == 202  # back at once
