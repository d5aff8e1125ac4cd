"""Fraud signals: why a confirmed vote is held in quarantine for staff instead of counted.

`assess` runs inside the confirmation's transaction, on the hot path: the three counting
signals are one statement of small indexed counts, each bounded by a few times its
threshold (it never counts more rows than its strongest score needs), the rhythm one more,
and a finalist's rate is counters per minute and per window in Redis (one round trip), for
it and for the edition. Statements are built once. Each signal says how far past its
threshold a vote is; the scores add up, and only enough evidence together holds a vote
(WEIGHTS). A signal never rejects a vote: staff release or reject held votes
(services/voting/review.py). Thresholds are the `fraud_*` fields of VotingSettings; honest
traffic (a few people from one home, a class voting from one school address, a radio call
that raises every finalist, a campaign for one finalist with colleagues at one domain) does
not add up to a hold.
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
    MACHINE_NAME,
    FAST_CLICK,
) = REASONS

MINUTE = 60
log = logging.getLogger(__name__)

# What a signal weighs when it fires: its score at its threshold and at its strongest (each
# signal says how far past its threshold it is, from 0 to 1). A vote is held when the scores
# add up to `fraud_hold_score` (1.0): a honeypot or a juror alone; a network flood, a family
# of one address shape or a metronome's clicks alone only far past their limits (a school
# class stays below); what honest crowds show (a burst for one finalist, colleagues at one
# domain, a fast form or click, an odd name) never alone.
WEIGHTS = {
    HONEYPOT: (1.0, 1.0),
    JUROR: (1.0, 1.0),
    TOO_FAST: (0.3, 0.6),
    NETWORK_FLOOD: (0.5, 1.5),
    SIMILAR_ADDRESSES: (0.3, 1.2),
    MACHINE_RHYTHM: (0.6, 1.0),
    SHARED_DOMAIN: (0.25, 0.6),
    FINALIST_BURST: (0.4, 0.5),
    MACHINE_NAME: (0.4, 0.8),
    FAST_CLICK: (0.3, 0.5),
}
NAME_FLOOR = 0.5  # a name less machine-made than this (machine_names.py) is no evidence


class Evidence(NamedTuple):
    """What the signals found on one vote: the score of each that fired, their total, and
    whether that total holds the vote."""

    scores: dict[str, float]
    total: float
    held: bool

    @property
    def reasons(self) -> list[str]:
        """The signals that hold the vote (empty when it is counted)."""
        return list(self.scores) if self.held else []


def assess(connection: Connection, vote, now: dt.datetime, opened: dt.datetime) -> Evidence:
    """Weigh the evidence on `vote` (a Vote, or a row of its columns, with `confirm_network`
    set) as it is confirmed at `now` in an edition whose voting opened at `opened`: every
    signal says how far past its threshold it is, and the vote is held when their scores
    (WEIGHTS) add up to `fraud_hold_score`."""
    b = backends()
    settings: VotingSettings = b.settings
    flood, similar, domain = _counts(connection, vote, settings)
    finalists = functools.partial(_finalist_count, connection, vote.edition_id)
    strengths = {
        HONEYPOT: 1.0 if vote.honeypot else None,
        TOO_FAST: too_fast(vote, settings),
        NETWORK_FLOOD: flood,
        FINALIST_BURST: finalist_burst(b.redis, vote, opened, now, settings, finalists),
        SIMILAR_ADDRESSES: similar,
        MACHINE_RHYTHM: machine_rhythm(connection, vote, now, settings),
        JUROR: 1.0 if is_juror(connection, vote) else None,
        SHARED_DOMAIN: domain,
        MACHINE_NAME: machine_name(vote),
        FAST_CLICK: fast_click(vote, now, settings),
    }
    return weigh(strengths, settings.fraud_hold_score)


def weigh(strengths: dict[str, float | None], hold_score: float) -> Evidence:
    """The evidence of the signals that fired (a strength, None for those that did not),
    each scored between its WEIGHTS, in the order of REASONS."""
    scores = {}
    for reason in REASONS:
        if (strength := strengths.get(reason)) is not None:
            low, high = WEIGHTS[reason]
            scores[reason] = round(low + (high - low) * min(max(strength, 0.0), 1.0), 3)
    total = round(sum(scores.values()), 3)
    return Evidence(scores, total, total >= hold_score)


def machine_name(vote) -> float | None:
    """How far past NAME_FLOOR the mailbox name looked machine-made at intake."""
    made = getattr(vote, "machine_name", None)
    return None if made is None or made < NAME_FLOOR else (made - NAME_FLOOR) / (1 - NAME_FLOOR)


def fast_click(vote, now: dt.datetime, settings: VotingSettings) -> float | None:
    """The link was clicked sooner after its mail was sent than a person opens a mail (a
    script reading its own mailboxes): from 0 (just under `fraud_min_click_seconds`) to 1
    (at once)."""
    mailed = getattr(vote, "mailed_at", None)
    least = settings.fraud_min_click_seconds
    if mailed is None or (now - mailed).total_seconds() >= least:
        return None
    return 1 - max((now - mailed).total_seconds(), 0.0) / least


def is_juror(connection: Connection, vote) -> bool:
    """The voter is a juror of this edition (jury told voting): jurors may not vote."""
    return (
        connection.execute(_JUROR, {"e": vote.edition_id, "p": vote.person_hash}).first()
        is not None
    )


_JUROR = select(JurorPerson.person_hash).where(
    JurorPerson.edition_id == bindparam("e"), JurorPerson.person_hash == bindparam("p")
)


def too_fast(vote, settings: VotingSettings) -> float | None:
    """The form was sent faster than a person can fill it in (API votes carry no time): how
    much faster, from 0 (just under `fraud_min_form_seconds`) to 1 (at once)."""
    least = settings.fraud_min_form_seconds
    if vote.form_seconds is None or vote.form_seconds >= least:
        return None
    return 1 - vote.form_seconds / least


def _counts(connection: Connection, vote, settings: VotingSettings) -> tuple:
    """Three signals in one statement, each how far past its threshold (None below it).
    Network flood: this vote came after `fraud_flood_votes` others from its network within
    the window before it, up to twice as many (a school class stays below that). Similar
    addresses: at least `fraud_similar_addresses` votes of the edition (this one included)
    share the shape of their address (name1@, name2@, name3@ ...), up to three times as many.
    Shared domain: at least `fraud_domain_votes` votes of the edition have addresses at one
    domain that is not a public mailbox provider (up to five times as many), stronger when
    all of them are for this vote's finalist: mailboxes made at will on a domain someone
    owns, or the staff of one organisation voting for their own (whom other evidence must
    join). Each count reads no more rows than its strongest needs."""
    flood, similar = settings.fraud_flood_votes, settings.fraud_similar_addresses - 1
    domain = settings.fraud_domain_votes - 1
    params = {
        "id": vote.id,
        "edition_id": vote.edition_id,
        "finalist_id": vote.finalist_id,
        "network": vote.network,
        "since": vote.created_at - dt.timedelta(seconds=settings.fraud_flood_window),
        "created_at": vote.created_at,
        "shape_hash": vote.shape_hash,
        "domain_hash": vote.domain_hash,
    }
    flood, similar, domain = max(flood, 1), max(similar, 1), max(domain, 1)
    statement = _counting(2 * flood, 3 * similar, 5 * domain)
    earlier, alike, same_domain, elsewhere = connection.execute(statement, params).one()
    return (
        _past(earlier, flood, flood) if vote.network is not None else None,
        _past(alike, similar, 2 * similar),
        _domain(same_domain, elsewhere, domain) if vote.domain_hash is not None else None,
    )


def _past(count: int, threshold: int, span: int) -> float | None:
    """How far `count` is past `threshold`, in `span`s (None below it)."""
    return None if count < threshold else (count - threshold) / span


def _domain(count: int, elsewhere: int, threshold: int) -> float | None:
    """A shared domain's strength: half by how many votes it has, half when none of them is
    for another finalist."""
    if count < threshold:
        return None
    return 0.5 * min((count - threshold) / (4 * threshold), 1.0) + (0.5 if elsewhere == 0 else 0)


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
    at_domain = (
        select(Vote.finalist_id)
        .where(Vote.domain_hash == bindparam("domain_hash"), *same_edition)
        .limit(domain)
        .subquery()
    )
    elsewhere = (
        select(func.count())
        .select_from(at_domain)
        .where(at_domain.c.finalist_id != bindparam("finalist_id"))
        .scalar_subquery()
    )
    return select(
        _bounded_count(earlier, flood),
        _bounded_count(alike, similar),
        select(func.count()).select_from(at_domain).scalar_subquery(),
        elsewhere,
    )


def _bounded_count(query: Select, threshold: int):
    """How many rows `query` has, reading no more than `threshold`."""
    return select(func.count()).select_from(query.limit(threshold).subquery()).scalar_subquery()


def machine_rhythm(
    connection: Connection, vote, now: dt.datetime, settings: VotingSettings
) -> float | None:
    """The last `fraud_rhythm_confirmations` confirmations from the network where this link
    was clicked (this one included) came at near-constant intervals, as a script clicks:
    from 0 (at `fraud_rhythm_max_cv`) to 1 (a metronome)."""
    if vote.confirm_network is None:
        return None
    wanted = settings.fraud_rhythm_confirmations - 1
    params = {"confirm_network": vote.confirm_network, "now": now, "id": vote.id}
    earlier = connection.execute(_rhythm(wanted), params).scalars().all()
    if len(earlier) < wanted:
        return None
    variation = regularity([*reversed(earlier), now])
    limit = settings.fraud_rhythm_max_cv
    return None if variation >= limit else 1 - variation / limit


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
) -> float | None:
    """Confirmations for this finalist in the last `fraud_burst_window` seconds (a sliding
    window of minutes) are above the floor and `fraud_burst_factor` times what it should
    have had: its mean per window over the history before (since voting opened, at most
    `fraud_burst_history`), grown as much as the other finalists' confirmations grew; with no
    history yet, the mean of the other finalists now (`finalists()` says how many there are).
    So a radio call, which raises every finalist, is no burst; one finalist's rise alone is,
    from 0 (just past that) to 1 (three times as far). Counted in Redis per minute and per
    window; while Redis is away this signal is off."""
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
        return None
    if mine.recent <= settings.fraud_burst_floor:
        return None
    limit = settings.fraud_burst_factor * _expected(mine, everyone, finalists)
    if mine.recent <= limit:
        return None
    return (mine.recent / limit - 1) / 2 if limit > 0 else 1.0


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
