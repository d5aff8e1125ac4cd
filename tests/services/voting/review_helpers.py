"""Votes held for review, made the real way: cast through the API from one school address,
mailed by the relay and a worker, confirmed from the pupils' homes."""

from __future__ import annotations

import datetime as dt
from string import ascii_lowercase

from shared.models import utcnow
from tests.services.voting.conftest import HOUR, Voting, apply, schedule

SCHOOL = "81.82.83.10"


def pupil(n: int) -> str:
    """A pupil's address; no digits, so no two pupils' addresses share a shape."""
    return f"leerling.{ascii_lowercase[n // 26]}{ascii_lowercase[n % 26]}@school.be"


def school_class(voting: Voting, size: int, finalist: int = 0) -> list[str]:
    """A class of `size` voting from the school's address, each confirming from home; the
    votes' ids in the order cast (past the flood limit they are held)."""
    for n in range(size):
        assert voting.vote(pupil(n), finalist, ip=SCHOOL).status_code == 202
    voting.deliver()
    for n in range(size):
        assert voting.confirm(voting.token(pupil(n)), ip=f"10.0.{n}.1").status_code == 200
    return [vote.id for vote in voting.votes()]


def close(voting: Voting) -> None:
    """The hub moves voting_close to a moment ago."""
    now = utcnow()
    windows = {"voting_open": now - 2 * HOUR, "voting_close": now - dt.timedelta(seconds=1)}
    apply(voting.app, "edition.scheduled", schedule(voting.slug, 2, **windows))
