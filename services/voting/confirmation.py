"""Confirmation: the link in the mail turns an unconfirmed vote into a counted or a held one.

The link carries the vote's id, signed for the purpose "vote" and timed. Using it is single
use by the vote's own status: only an unconfirmed vote moves, in one transaction that also
runs the fraud signals and moves the counters, so the vote is in the tally when the page
answers and a second click (or a second tab) changes nothing.

The close is exact (closing.py): a confirmation reads its edition under a lock that the
close's claim waits for (FOR KEY SHARE against FOR UPDATE on PostgreSQL; SQLite has one
writer at a time), and takes its moment only once it holds it. So the final tally holds
every confirmation that came first, and one that comes after the claim finds the tally
sent for this close and changes nothing, even from an instance whose clock is a
millisecond behind the closer's.
"""

from __future__ import annotations

import datetime as dt
import enum
from types import SimpleNamespace

from sqlalchemy import JSON, Connection, Float, bindparam, select, update

from services.voting import fraud, receipts, tally
from services.voting.expiry import expired
from services.voting.models import Edition, Vote
from shared.backends import backends
from shared.db import UTCDateTime
from shared.limits import client_network
from shared.models import utcnow
from shared.tokens import LinkExpired, make_token, read_token

PURPOSE = "vote"
VOTES = Vote.__table__
# Built once (the hot path of a peak): the vote with its edition's voting window, and the
# move of an unconfirmed vote, conditional so that only one click ever moves it.
VOTE = select(
    *(VOTES.c[name] for name in ("id", "edition_id", "finalist_id", "status", "network")),
    *(VOTES.c[name] for name in ("person_hash", "shape_hash", "domain_hash", "created_at")),
    VOTES.c.form_seconds,
    VOTES.c.machine_name,
    VOTES.c.mailed_at,
    VOTES.c.honeypot,
    Edition.voting_open,
    Edition.voting_close,
    Edition.tally_sent_for,
).where(VOTES.c.id == bindparam("id"), Edition.id == VOTES.c.edition_id)
VOTE_LOCKED = VOTE.with_for_update(read=True, key_share=True, of=Edition)
MOVE = (
    update(VOTES)
    .where(VOTES.c.id == bindparam("vote_id"), VOTES.c.status == "unconfirmed")
    .values(
        status=bindparam("to_status"),
        reasons=bindparam("held_for", type_=JSON()),
        evidence=bindparam("evidence", type_=JSON()),
        score=bindparam("score", type_=Float()),
        confirmed_at=bindparam("moment", type_=UTCDateTime()),
        confirm_network=bindparam("clicked_from"),
        receipt=bindparam("receipt"),
    )
)


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


def check(token: str, now: dt.datetime | None = None) -> Outcome | None:
    """What pressing a link's button would meet, changing nothing (the page its GET shows):
    None when it would confirm the vote, else the outcome that stops it. Raises
    LinkExpired or LinkInvalid."""
    vote_id = read_token(PURPOSE, token, max_age=backends().settings.vote_link_max_age)
    with backends().reader.connect() as connection:
        vote = connection.execute(VOTE, {"id": vote_id}).first()
    return _refusal(vote, now or utcnow())


def confirm(token: str, now: dt.datetime | None = None) -> Outcome:
    """Confirm the vote a link token names. Raises LinkExpired or LinkInvalid."""
    b = backends()
    vote_id = read_token(PURPOSE, token, max_age=b.settings.vote_link_max_age)
    with b.engine.begin() as connection:
        return confirm_vote(connection, vote_id, now)


def _refusal(vote, now: dt.datetime) -> Outcome | None:
    """Why a vote cannot be confirmed at `now`, or None when it can; raises LinkExpired for
    an unconfirmed vote past its link's age."""
    if vote is None:
        return Outcome.UNKNOWN
    if vote.status != "unconfirmed":
        return Outcome.ALREADY
    if expired(vote.created_at, now):
        raise LinkExpired("This vote has expired with its link.")
    if not _open(vote, now):
        return Outcome.CLOSED
    return None


def confirm_vote(connection: Connection, vote_id: str, now: dt.datetime | None = None) -> Outcome:
    """Count or hold an unconfirmed vote while its edition takes votes; else change nothing.
    The moment is now once the edition is locked, unless given. Raises LinkExpired for an
    unconfirmed vote past its link's age."""
    vote = connection.execute(VOTE_LOCKED, {"id": vote_id}).first()
    now = now or utcnow()
    if refused := _refusal(vote, now):
        return refused
    facts = SimpleNamespace(**vote._asdict(), confirm_network=client_network())
    evidence = fraud.assess(connection, facts, now, vote.voting_open)
    status = "quarantined" if evidence.held else "counted"
    params = {"to_status": status, "held_for": evidence.reasons, "moment": now}
    params |= {"evidence": evidence.scores, "score": evidence.total}
    params |= {"vote_id": vote_id, "clicked_from": facts.confirm_network}
    params["receipt"] = receipts.new_receipt()
    if connection.execute(MOVE, params).rowcount == 0:
        return Outcome.ALREADY  # another click moved it meanwhile (PostgreSQL: no file lock)
    shard = tally.shard_of(vote_id)
    tally.shift(connection, vote.edition_id, vote.finalist_id, "unconfirmed", status, shard)
    return Outcome(status)


def _open(vote, now: dt.datetime) -> bool:
    """Whether the vote's edition takes confirmations at `now`: in the voting phase
    (Edition.phase), and its final tally not yet claimed for this close."""
    sent = vote.tally_sent_for is not None and vote.tally_sent_for == vote.voting_close
    return vote.voting_open <= now < vote.voting_close and not sent
