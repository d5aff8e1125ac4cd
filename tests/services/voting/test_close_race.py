"""The close is exact: every vote confirmed before voting_close is in the final tally and
none after it, also when a confirmation and the close meet in the same moment on two
instances (the closer's clock at voting_close, the confirmer's a millisecond behind)."""

from __future__ import annotations

import datetime as dt
import threading

from services.voting import closing, confirmation, fraud
from services.voting.confirmation import Outcome
from shared.models import utcnow
from tests.services.voting.test_close import tallies

MILLISECOND = dt.timedelta(milliseconds=1)


def unconfirmed_vote(voting) -> str:
    """The id of a fresh unconfirmed vote."""
    voting.vote("an.peeters@telenet.be")
    [vote] = voting.votes()
    return vote.id


def close(voting, moment: dt.datetime) -> None:
    """Run the close duty as a relay whose clock reads `moment`."""
    with voting.app.app_context(), voting.app.extensions["rv"].sessions.begin() as session:
        closing.close_due(session, moment)


def counted(voting) -> tuple[int, int]:
    """Counted votes in the final tally sent, and in the database."""
    [sent] = tallies(voting)
    in_tally = sum(f["votes"] for f in sent["payload"]["finalists"])
    return in_tally, sum(v.status == "counted" for v in voting.votes())


def test_a_confirmation_just_behind_the_closers_clock_changes_nothing(voting):
    vote_id, voting_close = unconfirmed_vote(voting), voting.edition().voting_close
    close(voting, voting_close)
    with (
        voting.app.test_request_context(),
        voting.app.extensions["rv"].engine.begin() as connection,
    ):
        outcome = confirmation.confirm_vote(connection, vote_id, voting_close - MILLISECOND)
    assert outcome is Outcome.CLOSED
    assert counted(voting) == (0, 0)


def race(voting, confirm) -> bool:
    """Run `confirm(connection, close_starts)` in one thread and the close in another, as
    two instances whose clocks read the same moment. The confirmation calls `close_starts()`
    with its transaction open: the close starts then and has a second to finish before the
    confirmation goes on. Whether the close finished meanwhile (it did not wait)."""
    met, closed, finished_early = threading.Barrier(2, timeout=30), threading.Event(), []

    def close_starts() -> None:
        met.wait()
        finished_early.append(closed.wait(timeout=1))

    def confirm_in_a_transaction() -> None:
        with (
            voting.app.test_request_context(),
            voting.app.extensions["rv"].engine.begin() as connection,
        ):
            confirm(connection, close_starts)

    def close_at_once() -> None:
        met.wait()
        close(voting, voting.edition().voting_close)
        closed.set()

    threads = [threading.Thread(target=f) for f in (confirm_in_a_transaction, close_at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(finished_early) == 1, "the two never met"
    return finished_early[0]


def test_the_close_waits_for_a_confirmation_in_flight(voting):
    vote_id, outcomes = unconfirmed_vote(voting), []

    def confirm(connection, close_starts) -> None:
        outcomes.append(confirmation.confirm_vote(connection, vote_id, utcnow()))
        close_starts()  # confirmed, not yet committed

    assert not race(voting, confirm)
    assert outcomes == [Outcome.COUNTED]
    assert counted(voting) == (1, 1)


def test_the_close_waits_for_a_confirmation_that_has_written_nothing_yet(voting, monkeypatch):
    """The vote and its edition read, the moment taken, nothing written: on PostgreSQL only
    the edition's lock makes the close wait here (a write of the counters would too, by
    their key to the edition, but it comes later)."""
    vote_id, outcomes, weigh = unconfirmed_vote(voting), [], fraud.assess

    def confirm(connection, close_starts) -> None:
        def weigh_once_the_close_started(*args):
            close_starts()
            return weigh(*args)

        monkeypatch.setattr(fraud, "assess", weigh_once_the_close_started)
        outcomes.append(confirmation.confirm_vote(connection, vote_id))

    assert not race(voting, confirm)
    assert outcomes == [Outcome.COUNTED]
    assert counted(voting) == (1, 1)
