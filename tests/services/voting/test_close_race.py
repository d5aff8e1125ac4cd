"""The close is exact: every vote confirmed before voting_close is in the final tally and
none after it, also when a confirmation and the close meet in the same moment on two
instances (the closer's clock at voting_close, the confirmer's a millisecond behind)."""

from __future__ import annotations

import datetime as dt
import threading

from services.voting import closing, confirmation
from services.voting.confirmation import Outcome
from services.voting.votes import write_transaction
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
    with voting.app.test_request_context(), write_transaction() as connection:
        outcome = confirmation.confirm_vote(connection, vote_id, voting_close - MILLISECOND)
    assert outcome is Outcome.CLOSED
    assert counted(voting) == (0, 0)


def test_the_close_waits_for_a_confirmation_in_flight(voting):
    vote_id, voting_close = unconfirmed_vote(voting), voting.edition().voting_close
    met, closed, outcomes = threading.Barrier(2, timeout=30), threading.Event(), []

    def confirm() -> None:
        with voting.app.test_request_context(), write_transaction() as connection:
            outcomes.append(confirmation.confirm_vote(connection, vote_id, utcnow()))
            met.wait()  # confirmed, not yet committed: the close starts now
            closed.wait(timeout=1)  # a close that does not wait for it finishes meanwhile

    def close_at_once() -> None:
        met.wait()
        close(voting, voting_close)
        closed.set()

    threads = [threading.Thread(target=confirm), threading.Thread(target=close_at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == [Outcome.COUNTED]
    assert counted(voting) == (1, 1)
