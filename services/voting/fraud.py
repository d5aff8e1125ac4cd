"""Fraud signals: why a confirmed vote is held in quarantine for staff instead of counted.

`assess` runs inside the confirmation's transaction, on the hot path, so each signal is one
small indexed query bounded by its threshold (it never counts more rows than it needs), or
for a finalist's rate, per-minute counters in Redis. A signal never rejects a vote: staff
release or reject held votes (services/voting/review.py). Thresholds are the `fraud_*`
fields of VotingSettings; honest traffic (a few people from one home, a class voting from
one school address below the flood limit) trips none of them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import statistics

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from services.voting.config import VotingSettings
from services.voting.models import Edition, Vote
from shared.backends import backends
from shared.schemas.review import REASONS

HONEYPOT, TOO_FAST, NETWORK_FLOOD, FINALIST_BURST, SIMILAR_ADDRESSES, MACHINE_RHYTHM = REASONS

BUCKET_SECONDS = 60  # a finalist's confirmations are counted per minute
log = logging.getLogger(__name__)


def assess(session: Session, vote: Vote, now: dt.datetime) -> list[str]:
    """The reason codes of the signals that fire for `vote` as it is confirmed at `now`
    (empty: count it). Call it after setting vote.confirmed_at and vote.confirm_network."""
    b = backends()
    settings: VotingSettings = b.settings
    checks = (
        (HONEYPOT, lambda: vote.honeypot),
        (TOO_FAST, lambda: too_fast(vote, settings)),
        (NETWORK_FLOOD, lambda: network_flood(session, vote, settings)),
        (FINALIST_BURST, lambda: finalist_burst(session, b.redis, vote, now, settings)),
        (SIMILAR_ADDRESSES, lambda: similar_addresses(session, vote, settings)),
        (MACHINE_RHYTHM, lambda: machine_rhythm(session, vote, now, settings)),
    )
    return [reason for reason, fires in checks if fires()]


def too_fast(vote: Vote, settings: VotingSettings) -> bool:
    """The form was sent faster than a person can fill it in (API votes carry no time)."""
    return vote.form_seconds is not None and vote.form_seconds < settings.fraud_min_form_seconds


def network_flood(session: Session, vote: Vote, settings: VotingSettings) -> bool:
    """This vote came after `fraud_flood_votes` others from its network within the window
    before it: the first ones count, the rest wait for staff (a school class is released)."""
    if vote.network is None:
        return False
    since = vote.created_at - dt.timedelta(seconds=settings.fraud_flood_window)
    earlier = select(Vote.id).where(
        Vote.network == vote.network,
        Vote.created_at >= since,
        Vote.created_at < vote.created_at,
        Vote.edition_id == vote.edition_id,
        Vote.id != vote.id,
    )
    return _at_least(session, earlier, settings.fraud_flood_votes)


def similar_addresses(session: Session, vote: Vote, settings: VotingSettings) -> bool:
    """At least `fraud_similar_addresses` votes of the edition (this one included) share the
    shape of their address: name1@, name2@, name3@ ..."""
    alike = select(Vote.id).where(
        Vote.shape_hash == vote.shape_hash,
        Vote.edition_id == vote.edition_id,
        Vote.id != vote.id,
    )
    return _at_least(session, alike, settings.fraud_similar_addresses - 1)


def machine_rhythm(
    session: Session, vote: Vote, now: dt.datetime, settings: VotingSettings
) -> bool:
    """The last `fraud_rhythm_confirmations` confirmations from the network where this link
    was clicked (this one included) came at near-constant intervals, as a script clicks."""
    if vote.confirm_network is None:
        return False
    earlier = session.scalars(
        select(Vote.confirmed_at)
        .where(
            Vote.confirm_network == vote.confirm_network,
            Vote.confirmed_at <= now,
            Vote.id != vote.id,
        )
        .order_by(Vote.confirmed_at.desc())
        .limit(settings.fraud_rhythm_confirmations - 1)
    ).all()
    if len(earlier) < settings.fraud_rhythm_confirmations - 1:
        return False
    return regularity([*reversed(earlier), now]) < settings.fraud_rhythm_max_cv


def regularity(moments: list[dt.datetime]) -> float:
    """The coefficient of variation of the intervals between ordered moments: 0 for a
    metronome (or for clicks all at once), about 1 for people acting independently."""
    intervals = [(b - a).total_seconds() for a, b in itertools.pairwise(moments)]
    mean = statistics.fmean(intervals)
    return statistics.pstdev(intervals) / mean if mean > 0 else 0.0


def finalist_burst(
    session: Session, redis: Redis, vote: Vote, now: dt.datetime, settings: VotingSettings
) -> bool:
    """Confirmations for this finalist in the last `fraud_burst_window` seconds are above the
    floor and `fraud_burst_factor` times its mean rate over the history before them (since
    voting opened). Counted per minute in Redis; while Redis is away this signal is off."""
    minute = int(now.timestamp()) // BUCKET_SECONDS
    recent_minutes = max(settings.fraud_burst_window // BUCKET_SECONDS, 1)
    history_minutes = _history_minutes(session, vote, now, settings) - recent_minutes
    try:
        counts = _count_and_read(
            redis, _burst_key(vote, settings), minute, recent_minutes, history_minutes
        )
    except RedisError as exc:
        log.warning("finalist_burst not assessed, Redis unavailable: %s", exc)
        return False
    recent, history = sum(counts[:recent_minutes]), sum(counts[recent_minutes:])
    usual = history / history_minutes * recent_minutes if history_minutes > 0 else 0.0
    return recent > settings.fraud_burst_floor and recent > settings.fraud_burst_factor * usual


def _history_minutes(session: Session, vote: Vote, now: dt.datetime, settings) -> int:
    opened = session.get(Edition, vote.edition_id).voting_open
    span = min(settings.fraud_burst_history, max((now - opened).total_seconds(), 0))
    return int(span) // BUCKET_SECONDS


def _burst_key(vote: Vote, settings: VotingSettings) -> str:
    return f"rv:{settings.queue_prefix}fraud:voting:{vote.edition_id}:{vote.finalist_id}"


def _count_and_read(redis: Redis, key: str, minute: int, recent: int, history: int) -> list[int]:
    """Count one confirmation in this minute's bucket; the counts of the last `recent` and
    the `history` minutes before them, newest first."""
    keys = [f"{key}:{minute - back}" for back in range(recent + max(history, 0))]
    pipe = redis.pipeline(transaction=False)
    pipe.incr(keys[0])
    pipe.expire(keys[0], (len(keys) + 1) * BUCKET_SECONDS)
    pipe.mget(keys)
    return [int(n or 0) for n in pipe.execute()[-1]]


def _at_least(session: Session, query: Select, threshold: int) -> bool:
    """Whether `query` has at least `threshold` rows, reading no more than that many."""
    if threshold <= 0:
        return True
    bounded = select(func.count()).select_from(query.limit(threshold).subquery())
    return session.scalar(bounded) >= threshold
