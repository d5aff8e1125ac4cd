"""Rate limits: flask-limiter on Redis, keyed by the real client or its network.

One Limiter, created here and bound to each service app with `init_app`; each service
declares its limits on its views with `limiter.limit(...)`, reading the limit strings from
its settings. The client address is `request.remote_addr`, which ProxyFix has already set
from X-Forwarded-For only as deep as TRUSTED_PROXIES allows (shared/app.py), so a header
forged by a client changes nothing.

While Redis is away, each process applies the same limits in its own memory (flask-limiter's
in-memory fallback, so a ceiling then holds per process), the switch is logged once as a
warning, and /healthz reports `"limiter": "fallback"` until the limiter finds Redis again.
"""

from __future__ import annotations

import functools
import ipaddress
import math
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from flask import Flask, Response, current_app, request
from flask.logging import default_handler
from flask_limiter import Limiter
from limits import parse
from redis.exceptions import RedisError

from shared.backends import backends
from shared.config import Settings
from shared.people import mailbox_key

IPV4_NETWORK = 24
# One IPv6 client holds a whole /64 (its privacy addresses change at will), and one site
# (a home, school or office) is given a /48 to number its /64s from: the /128 is no key.
IPV6_CLIENT = 64
IPV6_NETWORK = 48


def client_address() -> str:
    """The client as the trusted proxies (or the socket) report it: its IPv4 address, or
    the /64 of its IPv6 address."""
    address = request.remote_addr or "unknown"
    return _network(address, 32, IPV6_CLIENT) if ":" in address else address


def client_network() -> str:
    """The client's network: its /24 for IPv4, its /48 for IPv6 (one home, school or
    office), where limits on many clients and the fraud signals look."""
    return _network(request.remote_addr or "unknown", IPV4_NETWORK, IPV6_NETWORK)


def _network(address: str, ipv4: int, ipv6: int) -> str:
    """The network of `address` with the prefix for its version; "unknown" if no address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    prefix = ipv4 if ip.version == 4 else ipv6
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


# No X-RateLimit-* headers on every answer: reading the window back would cost a second Redis
# round trip per limited request. A 429 gets its Retry-After (_retry_after).
limiter = Limiter(
    client_address,
    strategy="sliding-window-counter",
    headers_enabled=False,
    in_memory_fallback_enabled=True,
)
# flask-limiter logs the switch to memory (and back) on its own logger, which has no handler
# of its own: send its warnings where the app's go, so that the switch shows in the logs.
limiter.logger.addHandler(default_handler)


@functools.cache
def parsed(limit: str):
    """A limit in limits' notation ("60 per hour"), parsed once."""
    return parse(limit)


def from_settings(name: str):
    """A limit read from the app's settings field `name` on each request (flask-limiter
    takes a callable), so that tests and deployments set it like any other setting."""
    return lambda: getattr(backends().settings, name)


def per_client_and_network(client: str, network: str, scope: str | None = None, **options):
    """A view's limits per client address (an IPv6 /64) and per network (a /24 or an IPv6
    /48, so that one site rotating through its /64s counts as one), read from the settings
    fields `client` and `network`. With a `scope`, both are shared by every view that has
    it (counted under `scope` and `scope-network`); `options` go to flask-limiter."""

    def limit(setting: str, key_func, shared_as: str | None):
        if scope is None:
            return limiter.limit(from_settings(setting), key_func=key_func, **options)
        return limiter.shared_limit(
            from_settings(setting), scope=shared_as, key_func=key_func, **options
        )

    def decorate(view):
        view = limit(network, client_network, f"{scope}-network")(view)
        return limit(client, client_address, scope)(view)

    return decorate


def hit_or_let_through(limit: str, *identifiers: str) -> bool:
    """Count one hit on `limit` under `identifiers`; whether it let the request through.
    For a limit counted beside a view's own ones: Redis failing in between lets the request
    through (the limiter's fallback in memory holds the view's limits meanwhile)."""
    try:
        return limiter.limiter.hit(parsed(limit), *identifiers)
    except RedisError:
        return True


def mail_allowed(limit: str, recipient: str) -> bool:
    """Count one mail to `recipient` (the one spelling of the address); False past `limit`.
    The public sets off these mails to any address it types, so no mailbox gets more than
    `limit` of them, however the address is spelled and whoever asks."""
    settings = backends().settings
    mailbox = mailbox_key(settings, recipient)  # Redis holds no address, nor its hash
    return limiter.limiter.hit(parsed(limit), "mail-to", settings.queue_prefix, mailbox)


@dataclass(frozen=True)
class Check:
    """One limit (limits' notation) on one key, as a view's shared limit counts it: its
    scope and key function's value. A gate is counted like a limit, but is never refused:
    within it, the next check is skipped; past it, the next check applies."""

    limit: str
    scope: str
    key: str
    gate: bool = False

    def identifiers(self) -> tuple[str, ...]:
        """The identifiers flask-limiter counts a shared limit under (prefix, key, scope)."""
        return (current_app.config["RATELIMIT_KEY_PREFIX"], self.key, self.scope)


# limits' sliding window counter (its acquire_sliding_window.lua), for several limits in one
# call: each limit's previous and current window keys, its amount, window and mode.
_ACQUIRE_EACH = """
local function acquire(previous, current, limit, expiry)
    local ttl = tonumber(redis.call('pttl', current))
    if ttl > 0 and ttl < expiry then
        redis.call('rename', current, previous)
        redis.call('set', current, 0, 'PX', ttl + expiry)
    end
    local previous_count = tonumber(redis.call('get', previous)) or 0
    local previous_ttl = math.max(tonumber(redis.call('pttl', previous)) or 0, 0)
    local current_count = tonumber(redis.call('get', current)) or 0
    if math.floor(previous_count * previous_ttl / expiry) + current_count + 1 > limit then
        return false
    end
    if redis.call('exists', current) == 1 then
        redis.call('incrby', current, 1)
    else
        redis.call('set', current, 1, 'PX', expiry * 2)
    end
    return true
end
local skip = false
for i = 1, #ARGV / 3 do
    local limit, mode = tonumber(ARGV[3 * i - 2]), ARGV[3 * i]
    local expiry = tonumber(ARGV[3 * i - 1]) * 1000
    if skip then
        skip = false
    else
        local acquired = acquire(KEYS[2 * i - 1], KEYS[2 * i], limit, expiry)
        if mode == 'gate' then
            skip = acquired
        elseif not acquired then
            return i
        end
    end
end
return 0
"""


def first_refused(checks: Sequence[Check]) -> Check | None:
    """Count one hit on each check in order, in one Redis round trip, and stop at the first
    refused: that one (the checks before it stay counted, as flask-limiter counts them), or
    None when every one lets it through. The keys and the algorithm are those of
    flask-limiter's sliding window counters on Redis, so a limit counted here and one
    counted by the limiter are the same counter. Raises RedisError when Redis fails."""
    storage = limiter.storage
    keys: list[str] = []
    args: list[int | str] = []
    for check in checks:
        item = parsed(check.limit)
        key = item.key_for(*check.identifiers())
        # The storage's own key layout: {key} for the current window, {key}/-1 the previous.
        keys += [storage.prefixed_key(storage._previous_window_key(key))]
        keys += [storage.prefixed_key(storage._current_window_key(key))]
        args += [item.amount, item.get_expiry(), "gate" if check.gate else "limit"]
    refused = _acquire_each(storage)(keys, args)
    return checks[refused - 1] if refused else None


_SCRIPTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _acquire_each(storage):
    """The script registered on a storage's Redis client (sent once, then run by its hash)."""
    if storage not in _SCRIPTS:
        _SCRIPTS[storage] = storage.get_connection().register_script(_ACQUIRE_EACH)
    return _SCRIPTS[storage]


def seconds_until_free(check: Check) -> int:
    """How many seconds until a refused check lets one through (Retry-After)."""
    item = parsed(check.limit)
    try:
        wait = limiter.limiter.get_window_stats(item, *check.identifiers()).reset_time - time.time()
    except RedisError:  # Redis went away just now: the whole window is a safe answer
        wait = item.get_expiry()
    return max(math.ceil(wait), 1)


def in_fallback() -> bool:
    """Whether this process limits in its own memory because Redis did not answer."""
    # flask-limiter keeps this state privately; it has no public accessor for it.
    return bool(limiter._storage_dead)


def _retry_after(response: Response) -> Response:
    """Say on every 429 how many seconds until the limit that refused it lets one through."""
    limit = limiter.current_limit if response.status_code == 429 else None
    if limit is not None:
        try:
            wait = limit.reset_at - time.time()
        except RedisError:  # Redis went away just now: the whole window is a safe answer
            wait = limit.limit.get_expiry()
        response.headers["Retry-After"] = str(max(math.ceil(wait), 1))
    return response


def init_app(app: Flask, settings: Settings) -> None:
    """Bind the limiter to `app`, its counters in Redis under this service's own prefix."""
    app.config.update(
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage_url,
        RATELIMIT_KEY_PREFIX=f"rv:{settings.queue_prefix}limits:{settings.service}",
        RATELIMIT_STORAGE_OPTIONS={"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
    )
    # One limiter serves every app of a process; under gunicorn that is one app, but a test
    # process builds many: each starts from its own storage, prefix and a live Redis.
    limiter._key_prefix = None
    limiter._storage_dead = False
    limiter.init_app(app)
    app.after_request(_retry_after)
