"""The jury's close is exact: every scorecard submitted before jury_close is in the final
ranking and none after it, also when a submission and the close meet in the same moment on
two instances (the closer's clock at jury_close, the juror's a millisecond behind)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Conflict

from services.jury import closing, scoring
from services.jury.criteria import criteria_of
from services.jury.models import SUBMITTED, Edition, Finalist, Juror, Scorecard
from shared.models import utcnow
from tests.services.jury.conftest import invite
from tests.services.jury.test_closing import rankings_sent

MILLISECOND = dt.timedelta(milliseconds=1)


@pytest.fixture
def juror_id(jury, staff, contest) -> str:
    return invite(jury, staff, contest.slug, "an@example.be")


def submit(jury, session, juror_id: str, finalist_id: str, now: dt.datetime) -> None:
    """Submit the juror's scorecard of a finalist, all eights, at `now` (not committed)."""
    juror = session.get(Juror, juror_id)
    criteria = criteria_of(session, juror.edition_id)
    entry = scoring.Entry(scores={c.key: "8" for c in criteria})
    finalist = session.scalar(select(Finalist).where(Finalist.id == finalist_id))
    scoring.save(session, juror, finalist, criteria, entry, submit=True, now=now)


def close(jury, moment: dt.datetime) -> None:
    """Run the close duty as a relay whose clock reads `moment`."""
    with jury.app_context(), jury.extensions["rv"].sessions.begin() as session:
        closing.close_due(session, moment)


def jury_close(jury, slug: str) -> dt.datetime:
    with jury.extensions["rv"].sessions() as session:
        return session.scalar(select(Edition.jury_close).where(Edition.slug == slug))


def ranked_and_submitted(jury) -> tuple[int, int]:
    """Finalists with a score in the ranking sent, and scorecards submitted."""
    [sent] = rankings_sent(jury)
    with jury.extensions["rv"].sessions() as session:
        submitted = session.scalars(select(Scorecard).where(Scorecard.status == SUBMITTED))
        return sum(r["score"] is not None for r in sent["payload"]["ranking"]), len(submitted.all())


def test_a_submission_just_behind_the_closers_clock_is_refused(jury, contest, juror_id):
    moment = jury_close(jury, contest.slug)
    close(jury, moment)
    with jury.app_context(), jury.extensions["rv"].sessions() as session, pytest.raises(Conflict):
        submit(jury, session, juror_id, contest.finalists[0], moment - MILLISECOND)
    assert ranked_and_submitted(jury) == (0, 0)


def test_the_close_waits_for_a_submission_in_flight(jury, contest, juror_id):
    moment = jury_close(jury, contest.slug)
    met, closed, finished_early = threading.Barrier(2, timeout=30), threading.Event(), []

    def submit_now() -> None:
        with jury.app_context(), jury.extensions["rv"].sessions.begin() as session:
            submit(jury, session, juror_id, contest.finalists[0], utcnow())
            met.wait()  # submitted, not yet committed: the close starts now
            finished_early.append(closed.wait(timeout=1))  # as a close not waiting would

    def close_at_once() -> None:
        met.wait()
        close(jury, moment)
        closed.set()

    threads = [threading.Thread(target=submit_now), threading.Thread(target=close_at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert finished_early == [False]  # they met, and the close waited for the submission
    assert ranked_and_submitted(jury) == (1, 1)
