"""Fraud signals: why a confirmed vote is held in quarantine for staff instead of counted.

`assess` runs inside the confirmation's transaction, on the hot path: the three counting
signals are one statement of three small indexed counts, each bounded by its threshold (it
never counts more rows than it needs), the rhythm one more, and a finalist's rate is
counters per minute and per window in Redis (one round trip), for it and for the edition.
Statements are built once. A signal never rejects a vote: staff release or reject held votes
(services/voting/review.py). Thresholds are the `fraud_*` fields of VotingSettings; honest
traffic (a few people from one home, a class voting from one school address below the flood
limit, a radio call that raises every finalist) trips none of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import logging
import statistics
from collections.abc import Callable
from typing import NamedTuple

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Connection, Select, bindparam, func, select

from services.voting.config import VotingSettings
from services.voting.models import Finalist, JurorPerson, Vote
from shared.backends import backends
from shared.schemas.review import REASONS

(
    HONEYPOT,
    TOO_FAST,
    NETWORK_FLOOD,
    FINALIST_BURST,
    SIMILAR_ADDRESSES,
    MACHINE_RHYTHM,
    JUROR,
    SHARED_DOMAIN,
) = REASONS

MINUTE = 60
log = logging.getLogger(__name__)


def assess(connection: Connection, vote, now: dt.datetime, opened: dt.datetime) -> list[str]:
    """The reason codes of the signals that fire for `vote` (a Vote, or a row of its columns,
    with `confirm_network` set) as it is confirmed at `now` in an edition whose voting opened
    at `opened` (empty: count it). A finalist's burst is judged last, on the votes no other
    signal holds: an attack caught by its addresses or networks does not also drag the
    honest votes cast for that finalist meanwhile into the quarantine."""
    b = backends()
    settings: VotingSettings = b.settings
    flood, similar, domain = _counts(connection, vote, settings)
    fired = {
        HONEYPOT: vote.honeypot,
        TOO_FAST: too_fast(vote, settings),
        NETWORK_FLOOD: flood,
        SIMILAR_ADDRESSES: similar,
        MACHINE_RHYTHM: machine_rhythm(connection, vote, now, settings),
        JUROR: is_juror(connection, vote),
        SHARED_DOMAIN: domain,
    }
    held = [reason for reason in REASONS if fired.get(reason)]
    if held:
        return held
    finalists = functools.partial(_finalist_count, connection, vote.edition_id)
    return (
        [FINALIST_BURST] if finalist_burst(b.redis, vote, opened, now, settings, finalists) else []
    )


def is_juror(connection: Connection, vote) -> bool:
    """The voter is a juror of this edition (jury told voting): jurors may not vote."""
    return (
        connection.execute(_JUROR, {"e": vote.edition_id, "p": vote.person_hash}).first()
        is not None
    )


_JUROR = select(JurorPerson.person_hash).where(
    JurorPerson.edition_id == bindparam("e"), JurorPerson.person_hash == bindparam("p")
)


def too_fast(vote, settings: VotingSettings) -> bool:
    """The form was sent faster than a person can fill it in (API votes carry no time)."""
    return vote.form_seconds is not None and vote.form_seconds < settings.fraud_min_form_seconds


def _counts(connection: Connection, vote, settings: VotingSettings) -> tuple[bool, bool, bool]:
    """Three signals in one statement. Network flood: this vote came after
    `fraud_flood_votes` others from its network within the window before it (the first ones
    count, the rest wait for staff: a school class is released). Similar addresses: at least
    `fraud_similar_addresses` votes of the edition (this one included) share the shape of
    their address: name1@, name2@, name3@ ... Shared domain: at least `fraud_domain_votes`
    votes of the edition (this one included) have addresses at one domain that is not a
    public mailbox provider: mailboxes made at will on a domain someone owns (or the staff
    of one organisation voting together, whom staff release)."""
    flood, similar = settings.fraud_flood_votes, settings.fraud_similar_addresses - 1
    domain = settings.fraud_domain_votes - 1
    params = {
        "id": vote.id,
        "edition_id": vote.edition_id,
        "network": vote.network,
        "since": vote.created_at - dt.timedelta(seconds=settings.fraud_flood_window),
        "created_at": vote.created_at,
        "shape_hash": vote.shape_hash,
        "domain_hash": vote.domain_hash,
    }
    statement = _counting(max(flood, 0), max(similar, 0), max(domain, 0))
    earlier, alike, same_domain = connection.execute(statement, params).one()
    own_domain = vote.domain_hash is not None and same_domain >= domain
    return vote.network is not None and earlier >= flood, alike >= similar, own_domain


@functools.cache
def _counting(flood: int, similar: int, domain: int) -> Select:
    same_edition = (Vote.edition_id == bindparam("edition_id"), Vote.id != bindparam("id"))
    earlier = select(Vote.id).where(
        Vote.network == bindparam("network"),
        Vote.created_at >= bindparam("since"),
        Vote.created_at < bindparam("created_at"),
        *same_edition,
    )
    alike = select(Vote.id).where(Vote.shape_hash == bindparam("shape_hash"), *same_edition)
    at_domain = select(Vote.id).where(Vote.domain_hash == bindparam("domain_hash"), *same_edition)
    return select(
        _bounded_count(earlier, flood),
        _bounded_count(alike, similar),
        _bounded_count(at_domain, domain),
    )


def _bounded_count(query: Select, threshold: int):
    """How many rows `query` has, reading no more than `threshold`."""
    return select(func.count()).select_from(query.limit(threshold).subquery()).scalar_subquery()


def machine_rhythm(
    connection: Connection, vote, now: dt.datetime, settings: VotingSettings
) -> bool:
    """The last `fraud_rhythm_confirmations` confirmations from the network where this link
    was clicked (this one included) came at near-constant intervals, as a script clicks."""
    if vote.confirm_network is None:
        return False
    wanted = settings.fraud_rhythm_confirmations - 1
    params = {"confirm_network": vote.confirm_network, "now": now, "id": vote.id}
    earlier = connection.execute(_rhythm(wanted), params).scalars().all()
    if len(earlier) < wanted:
        return False
    return regularity([*reversed(earlier), now]) < settings.fraud_rhythm_max_cv


@functools.cache
def _rhythm(wanted: int) -> Select:
    return (
        select(Vote.confirmed_at)
        .where(
            Vote.confirm_network == bindparam("confirm_network"),
            Vote.confirmed_at <= bindparam("now"),
            Vote.id != bindparam("id"),
        )
        .order_by(Vote.confirmed_at.desc())
        .limit(wanted)
    )


def regularity(moments: list[dt.datetime]) -> float:
    """The coefficient of variation of the intervals between ordered moments: 0 for a
    metronome (or for clicks all at once), about 1 for people acting independently."""
    intervals = [(b - a).total_seconds() for a, b in itertools.pairwise(moments)]
    mean = statistics.fmean(intervals)
    return statistics.pstdev(intervals) / mean if mean > 0 else 0.0


def finalist_burst(
    redis: Redis,
    vote,
    opened: dt.datetime,
    now: dt.datetime,
    settings: VotingSettings,
    finalists: Callable[[], int] = lambda: 1,
) -> bool:
    """Confirmations for this finalist in the last `fraud_burst_window` seconds (a sliding
    window of minutes) are above the floor and `fraud_burst_factor` times what it should
    have had: its mean per window over the history before (since voting opened, at most
    `fraud_burst_history`), grown as much as the other finalists' confirmations grew; with no
    history yet, the mean of the other finalists now (`finalists()` says how many there are).
    So a radio call, which raises every finalist, is no burst; one finalist's rise alone is.
    Counted in Redis per minute and per window; while Redis is away this signal is off."""
    key = f"rv:{settings.queue_prefix}fraud:voting:{vote.edition_id}"
    history = _history(opened, now, settings)
    try:
        mine, everyone = _rates(
            redis,
            (f"{key}:{vote.finalist_id}", f"{key}:all"),
            int(now.timestamp()),
            history,
            settings,
        )
    except RedisError as exc:
        log.warning("finalist_burst not assessed, Redis unavailable: %s", exc)
        return False
    if mine.recent <= settings.fraud_burst_floor:
        return False
    return mine.recent > settings.fraud_burst_factor * _expected(mine, everyone, finalists)


class Rate(NamedTuple):
    """Confirmations in the recent window, and the mean per window before it."""

    recent: int
    usual: float


def _expected(mine: Rate, everyone: Rate, finalists: Callable[[], int]) -> float:
    """What the finalist's recent confirmations would be if it moved with the others."""
    others = Rate(everyone.recent - mine.recent, everyone.usual - mine.usual)
    if everyone.usual == 0:
        return others.recent / max(finalists() - 1, 1)
    growth = others.recent / others.usual if others.usual > 0 else 1.0
    return mine.usual * max(growth, 1.0)


def _history(opened: dt.datetime, now: dt.datetime, settings: VotingSettings) -> int:
    """How many whole windows of voting (open since `opened`) the usual rate is measured over."""
    span = min(settings.fraud_burst_history, max((now - opened).total_seconds(), 0))
    return max(int(span) // settings.fraud_burst_window - 2, 0)


def _rates(
    redis: Redis, keys: tuple[str, ...], moment: int, history: int, settings: VotingSettings
) -> list[Rate]:
    """Count one confirmation at `moment` under each key, in its minute and in its window;
    per key, the confirmations of the last window (by minutes) and the mean per window of the
    `history` whole windows before the previous one (a burst may reach into that one)."""
    window = settings.fraud_burst_window
    minute, slot = moment // MINUTE, moment // window
    minutes, keep = max(window // MINUTE, 1), settings.fraud_burst_history + 3 * window
    pipe = redis.pipeline(transaction=False)
    for key in keys:
        recent = [f"{key}:m:{minute - back}" for back in range(minutes)]
        before = [f"{key}:w:{slot - 2 - back}" for back in range(history)]
        pipe.incr(recent[0]).expire(recent[0], window + MINUTE)
        pipe.incr(f"{key}:w:{slot}").expire(f"{key}:w:{slot}", keep)
        pipe.mget(recent + before)
    answers = pipe.execute()
    rates = []
    for counts in answers[4::5]:
        counts = [int(n or 0) for n in counts]
        usual = sum(counts[minutes:]) / history if history else 0.0
        rates.append(Rate(sum(counts[:minutes]), usual))
    return rates


def _finalist_count(connection: Connection, edition_id: int) -> int:
    """How many finalists the edition has."""
    return connection.execute(_FINALISTS, {"e": edition_id}).scalar_one()


_FINALISTS = select(func.count()).where(Finalist.edition_id == bindparam("e"))
