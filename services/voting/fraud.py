"""Fraud signals: why a confirmed vote is held in quarantine for staff instead of counted.

`assess` runs inside the confirmation's transaction, on the hot path: the three counting
signals are one statement of small indexed counts, each bounded by a few times its
threshold (it never counts more rows than its strongest score needs), the machine-made
names at the vote's domain and network one more each, the rhythm one more, and a
finalist's waves are counters per minute in Redis (bursts.py). Statements are built once.
Each signal says how far past its threshold a vote is; the scores add up, and only enough
evidence together holds a vote (WEIGHTS). A signal never rejects a vote: staff release or
reject held votes (services/voting/review.py). Thresholds are the `fraud_*` fields of
VotingSettings; honest traffic (a few people from one home, a class voting from one school
address, a radio call that raises every finalist, a campaign for one finalist with
colleagues at one domain) does not add up to a hold. Only keyed hashes of addresses and
domains are read here, never a clear address.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import statistics
from typing import NamedTuple

from sqlalchemy import Connection, Select, bindparam, func, select

from services.voting.bursts import click_wave, finalist_burst
from services.voting.config import VotingSettings
from services.voting.models import Finalist, JurorPerson, Vote
from shared.backends import backends
from shared.schemas.review import Reason

# What a signal weighs when it fires: its score at its threshold and at its strongest (each
# signal says how far past its threshold it is, from 0 to 1). A vote is held when the scores
# add up to `fraud_hold_score` (1.0): a honeypot or a juror alone; a network flood, a family
# of one address shape, a metronome's clicks alone only far past their limits (a school
# class stays below); what honest crowds show (a burst for one finalist, colleagues at one
# domain, a fast form or click, an odd name) never alone. A machine-made name with a click
# sooner than people open mail, or at a domain or network whose other names are machine-made
# too, is held; so is a fast click in a wave of fast-clicked machine-made names.
WEIGHTS = {
    Reason.HONEYPOT: (1.0, 1.0),
    Reason.JUROR: (1.0, 1.0),
    Reason.TOO_FAST: (0.3, 0.6),
    Reason.NETWORK_FLOOD: (0.5, 1.5),
    Reason.SIMILAR_ADDRESSES: (0.3, 1.2),
    Reason.MACHINE_RHYTHM: (0.6, 1.0),
    Reason.SHARED_DOMAIN: (0.2, 0.45),
    Reason.FINALIST_BURST: (0.3, 0.4),
    Reason.MACHINE_NAME: (0.5, 0.9),
    Reason.FAST_CLICK: (0.55, 0.65),
    Reason.GENERATED_NAMES: (0.5, 1.0),
    Reason.CLICK_WAVE: (0.45, 0.6),
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
    fast, name = fast_click(vote, now, settings), machine_name(vote)
    wave = None if fast is None else click_wave(b.redis, vote, now, settings, name is not None)
    strengths = {
        Reason.HONEYPOT: 1.0 if vote.honeypot else None,
        Reason.TOO_FAST: too_fast(vote, settings),
        Reason.NETWORK_FLOOD: flood,
        Reason.FINALIST_BURST: finalist_burst(b.redis, vote, opened, now, settings, finalists),
        Reason.SIMILAR_ADDRESSES: similar,
        Reason.MACHINE_RHYTHM: machine_rhythm(connection, vote, now, settings),
        Reason.JUROR: 1.0 if is_juror(connection, vote) else None,
        Reason.SHARED_DOMAIN: domain,
        Reason.MACHINE_NAME: name,
        Reason.FAST_CLICK: fast,
        Reason.GENERATED_NAMES: generated_names(connection, vote, settings),
        Reason.CLICK_WAVE: wave,
    }
    return weigh(strengths, settings.fraud_hold_score)


def weigh(strengths: dict[str, float | None], hold_score: float) -> Evidence:
    """The evidence of the signals that fired (a strength, None for those that did not),
    each scored between its WEIGHTS, in the order of Reason."""
    scores = {}
    for reason in Reason:
        if (strength := strengths.get(reason)) is not None:
            low, high = WEIGHTS[reason]
            scores[reason.value] = round(low + (high - low) * min(max(strength, 0.0), 1.0), 3)
    total = round(sum(scores.values()), 3)
    return Evidence(scores, total, total >= hold_score)


def machine_name(vote) -> float | None:
    """How far past NAME_FLOOR the mailbox name looked machine-made at intake."""
    made = getattr(vote, "machine_name", None)
    return None if made is None or made < NAME_FLOOR else (made - NAME_FLOOR) / (1 - NAME_FLOOR)


def generated_names(connection: Connection, vote, settings: VotingSettings) -> float | None:
    """The votes at this vote's own mail domain (not a public provider), or from its
    network, are all for its finalist and nearly all (two in three, this one included)
    have machine-made names, at least `fraud_generated_names` of them: mailboxes made at will
    by one generator. There from the first few votes, before any count threshold; from 0
    (at that many) to 1 (three times as many). People at one organisation or behind one
    school address have names of people."""
    least, params = settings.fraud_generated_names, {"edition_id": vote.edition_id, "id": vote.id}
    groups = {"domain_hash": vote.domain_hash, "network": vote.network}
    strengths = [
        _generated(
            connection.execute(_group(column, 5 * least), params | {"value": value}), vote, least
        )
        for column, value in groups.items()
        if value is not None
    ]
    return max((strength for strength in strengths if strength is not None), default=None)


def _generated(rows, vote, least: int) -> float | None:
    """How far a group of votes (`rows`, with `vote`) is past `least` machine-made names;
    None when one is for another finalist or fewer than two in three names are made."""
    rows = rows.all()
    if any(row.finalist_id != vote.finalist_id for row in rows):
        return None
    names = [row.machine_name for row in rows] + [getattr(vote, "machine_name", None)]
    made = sum(name is not None and name >= NAME_FLOOR for name in names)
    if made < least or made * 3 < 2 * len(names):
        return None
    return min((made - least) / (2 * least), 1.0)


@functools.cache
def _group(column: str, limit: int) -> Select:
    """Up to `limit` other votes of the edition at one domain hash or network."""
    return (
        select(Vote.finalist_id, Vote.machine_name)
        .where(
            getattr(Vote, column) == bindparam("value"),
            Vote.edition_id == bindparam("edition_id"),
            Vote.id != bindparam("id"),
        )
        .limit(limit)
    )


def fast_click(vote, now: dt.datetime, settings: VotingSettings) -> float | None:
    """The link was clicked sooner after its mail was sent than a person opens a mail (a
    script reading its own mailboxes): from 0 (just under `fraud_min_click_seconds`) to 1
    (at once). `mailed_at` is noted once the mail went: a click before it says only that it
    was noted late, nothing about the click."""
    mailed = getattr(vote, "mailed_at", None)
    if mailed is None or not 0 <= (now - mailed).total_seconds() < settings.fraud_min_click_seconds:
        return None
    return 1 - (now - mailed).total_seconds() / settings.fraud_min_click_seconds


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
    """The network where this link was clicked, not the one it was cast from, confirmed
    votes cast elsewhere at near-constant intervals, as a script clicks the links of many
    mailboxes: judged from three such confirmations (this one included) up to the last
    `fraud_rhythm_confirmations`, the fewer the stricter (`fraud_rhythm_max_cv` at the full
    count). From 0 (at that limit) to 1 (a metronome). People clicking at home or at the
    office where they voted never count here."""
    if vote.confirm_network is None or vote.confirm_network == vote.network:
        return None
    wanted = settings.fraud_rhythm_confirmations - 1
    params = {"confirm_network": vote.confirm_network, "now": now, "id": vote.id}
    earlier = connection.execute(_rhythm(wanted), params).scalars().all()
    if len(earlier) < 2:
        return None
    variation = regularity([*reversed(earlier), now])
    limit = settings.fraud_rhythm_max_cv * len(earlier) / wanted
    return None if variation >= limit else 1 - variation / limit


@functools.cache
def _rhythm(wanted: int) -> Select:
    return (
        select(Vote.confirmed_at)
        .where(
            Vote.confirm_network == bindparam("confirm_network"),
            Vote.confirmed_at <= bindparam("now"),
            Vote.id != bindparam("id"),
            (Vote.network != bindparam("confirm_network")) | Vote.network.is_(None),
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


def _finalist_count(connection: Connection, edition_id: int) -> int:
    """How many finalists the edition has."""
    return connection.execute(_FINALISTS, {"e": edition_id}).scalar_one()


_FINALISTS = select(func.count()).where(Finalist.edition_id == bindparam("e"))
