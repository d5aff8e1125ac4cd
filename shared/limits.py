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

from flask import Flask, Response, request
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
def _parsed(limit: str):
    return parse(limit)


def mail_allowed(limit: str, recipient: str) -> bool:
    """Count one mail to `recipient` (the one spelling of the address); False past `limit`.
    The public sets off these mails to any address it types, so no mailbox gets more than
    `limit` of them, however the address is spelled and whoever asks."""
    settings = backends().settings
    mailbox = mailbox_key(settings, recipient)  # Redis holds no address, nor its hash
    return limiter.limiter.hit(_parsed(limit), "mail-to", settings.queue_prefix, mailbox)


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
