"""Waves for one finalist, counted in Redis per minute: a burst of confirmations
(finalist_burst) and a wave of links clicked sooner than people open mail (click_wave).

Both are cheap on the hot path (one pipeline each) and both are off while Redis is away:
the other signals still weigh the vote. A radio call raises every finalist and is no burst;
one finalist rising alone is. A fast click is counted only when the vote itself was clicked
fast, so honest voters for a finalist under attack never add to its click wave.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import NamedTuple

from redis import Redis
from redis.exceptions import RedisError

from services.voting.config import VotingSettings

MINUTE = 60
log = logging.getLogger(__name__)


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


def click_wave(
    redis: Redis, vote, now: dt.datetime, settings: VotingSettings, made: bool
) -> float | None:
    """This vote's link was clicked fast (the caller asks only then) while at least
    `fraud_click_wave` links of machine-made names (`made`: this one's is, and counts) for
    its finalist were, within `fraud_burst_window` seconds: a script confirming what
    reaches its mailboxes. People's names never add to a wave, however fast (or however
    late the platform noted the mail's moment). From 0 (at that count) to 1 (three times
    as many)."""
    key = f"rv:{settings.queue_prefix}fraud:clicks:{vote.edition_id}:{vote.finalist_id}"
    minute, window = int(now.timestamp()) // MINUTE, max(settings.fraud_burst_window // MINUTE, 1)
    recent = [f"{key}:m:{minute - back}" for back in range(window)]
    try:
        pipe = redis.pipeline(transaction=False)
        if made:
            pipe.incr(recent[0]).expire(recent[0], settings.fraud_burst_window + MINUTE)
        pipe.mget(recent)
        clicks = sum(int(n or 0) for n in pipe.execute()[-1])
    except RedisError as exc:
        log.warning("click_wave not assessed, Redis unavailable: %s", exc)
        return None
    least = settings.fraud_click_wave
    return None if clicks < least else min((clicks - least) / (2 * least), 1.0)
