"""Vote intake's limits: per address, per network, and an overall ceiling that spares each
network within its share; the API and the page share their counters.

While Redis answers, a request's limits are counted in one round trip (`_checked_at_once`,
shared.limits.first_refused): the share first, then the ceiling (only past the share), the
address and the network, stopping at the first refused, with flask-limiter's own keys and
algorithm. Each is still declared to flask-limiter, exempt while that one trip counted it,
so that while Redis is away the limiter applies them all in each process's memory, with a
per-process cap on top (`vote_limit_fallback`), as for every other limit.
"""

from __future__ import annotations

import functools

from flask import g
from redis.exceptions import RedisError
from werkzeug.exceptions import TooManyRequests

from services.voting.config import VotingSettings
from shared.backends import backends
from shared.limits import (
    Check,
    client_address,
    client_network,
    first_refused,
    from_settings,
    hit_or_let_through,
    in_fallback,
    limiter,
    parsed,
    seconds_until_free,
)


def limited(view):
    """Apply vote intake's limits to a view. flask-limiter checks them before the view runs
    (the innermost of its decorators does), and the view answers 429 when the one trip
    found a limit refusing it."""

    @functools.wraps(view)
    def refused_when_past_a_limit(*args, **kwargs):
        refused = g.get("vote_refused")
        if refused is not None:
            wait = seconds_until_free(refused)
            raise TooManyRequests(str(parsed(refused.limit)), retry_after=wait)
        return view(*args, **kwargs)

    shared = (
        ("vote_limit_address", "vote-address", client_address, _checked_at_once),
        ("vote_limit_network", "vote-network", client_network, _checked_at_once),
        ("vote_limit_overall", "vote-all", lambda: "all", _overall_exempt),
        ("vote_limit_fallback", "vote-process", lambda: "process", _alive),
    )
    limited_view = refused_when_past_a_limit
    for setting, scope, key, exempt_when in shared:
        limit = from_settings(setting)
        decorate = limiter.shared_limit(limit, scope=scope, key_func=key, exempt_when=exempt_when)
        limited_view = decorate(limited_view)
    return limited_view


def _alive() -> bool:
    return not in_fallback()


def _checked_at_once() -> bool:
    """Count the request's limits in Redis in one round trip, once a request; whether that
    was done (the limit that refused it, if any, waits in `g` for the view). False while the
    limiter is in its fallback, or when Redis fails now: flask-limiter then counts them."""
    if "vote_checked" not in g:
        g.vote_checked, g.vote_refused = False, None
        if not in_fallback():
            try:
                g.vote_refused = first_refused(_checks())
                g.vote_checked = True
            except RedisError:
                pass
    return g.vote_checked


def _checks() -> list[Check]:
    s: VotingSettings = backends().settings
    return [
        _share_check(),
        Check(s.vote_limit_overall, "vote-all", "all"),
        Check(s.vote_limit_address, "vote-address", client_address()),
        Check(s.vote_limit_network, "vote-network", client_network()),
    ]


def _share_check() -> Check:
    """The network's share of intake: the gate in front of the overall ceiling."""
    return Check(backends().settings.vote_limit_share, "vote-share", client_network(), gate=True)


def _overall_exempt() -> bool:
    return _checked_at_once() or _within_share()


def _within_share() -> bool:
    """Whether the client's network is within its share of intake (`vote_limit_share`), and
    so not subject to the overall ceiling: a source that spends more than its share meets
    the ceiling, the others never do, so no flood can lock honest voters out. Counted once
    a request; Redis failing between the limiter's checks counts as within."""
    if "vote_within_share" not in g:
        share = _share_check()
        g.vote_within_share = hit_or_let_through(share.limit, *share.identifiers())
    return g.vote_within_share


def mail_allowed_again(person: str) -> bool:
    """Count a mail sent again to a person; False past `vote_limit_person` (a new person's
    first mail always goes, uncounted: the hot path of a peak makes no call for it). Redis
    failing between the view's own limit checks and this one lets the mail go."""
    s: VotingSettings = backends().settings
    return hit_or_let_through(s.vote_limit_person, "vote-person", s.queue_prefix, person)
