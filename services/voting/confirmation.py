"""Confirmation: the link in the mail turns an unconfirmed vote into a counted or a held one.

The link carries the vote's id, signed for the purpose "vote" and timed. Using it is single
use by the vote's own status: only an unconfirmed vote moves, in one transaction that also
runs the fraud signals and moves the counters, so the vote is in the tally when the page
answers and a second click (or a second tab) changes nothing.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.voting import fraud, tally
from services.voting.models import Edition, Vote
from services.voting.votes import write_transaction
from shared.backends import backends
from shared.limits import client_network
from shared.models import utcnow
from shared.tokens import make_token, read_token

PURPOSE = "vote"


class Outcome(enum.Enum):
    """What a click on a confirmation link did."""

    COUNTED = "counted"
    QUARANTINED = "quarantined"
    ALREADY = "already"  # confirmed before: nothing changed
    CLOSED = "closed"  # outside the voting window: nothing changed
    UNKNOWN = "unknown"  # no such vote (erased, or never stored)


def link_token(vote_id: str) -> str:
    """The token of a vote's confirmation link."""
    return make_token(PURPOSE, vote_id)


def confirm(token: str, now: dt.datetime | None = None) -> Outcome:
    """Confirm the vote a link token names. Raises LinkExpired or LinkInvalid."""
    b = backends()
    vote_id = read_token(PURPOSE, token, max_age=b.settings.vote_link_max_age)
    now = now or utcnow()
    with write_transaction() as session:
        return confirm_vote(session, vote_id, now)


def confirm_vote(session: Session, vote_id: str, now: dt.datetime) -> Outcome:
    """Count or hold an unconfirmed vote while its edition takes votes; else change nothing."""
    vote = session.scalar(select(Vote).where(Vote.id == vote_id).with_for_update())
    if vote is None:
        return Outcome.UNKNOWN
    if vote.status != "unconfirmed":
        return Outcome.ALREADY
    if session.get(Edition, vote.edition_id).phase(now) != "voting":
        return Outcome.CLOSED
    vote.confirmed_at = now
    vote.confirm_network = client_network()
    reasons = fraud.assess(session, vote, now)
    vote.reasons = reasons
    tally.move(session, vote, "quarantined" if reasons else "counted")
    return Outcome(vote.status)
