"""Rate limits: flask-limiter on Redis, keyed by the real client address or its network.

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

import ipaddress
import math
import time

from flask import Flask, Response, request
from flask.logging import default_handler
from flask_limiter import Limiter
from redis.exceptions import RedisError

from shared.config import Settings

IPV4_NETWORK = 24
IPV6_NETWORK = 64


def client_address() -> str:
    """The client's IP address as the trusted proxies (or the socket) report it."""
    return request.remote_addr or "unknown"


def client_network() -> str:
    """The client's network: its /24 for IPv4, its /64 for IPv6 (one home, school or office)."""
    try:
        address = ipaddress.ip_address(client_address())
    except ValueError:
        return "unknown"
    prefix = IPV4_NETWORK if address.version == 4 else IPV6_NETWORK
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


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
