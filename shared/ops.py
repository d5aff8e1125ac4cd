"""Operations endpoints every service has: /healthz and /metrics.

Both are for the monitoring inside, which asks each service directly. A request that came
through the public proxy (it carries X-Forwarded-For, which nginx and ingress-nginx add)
gets only ok or not from /healthz, unless it holds a live staff token, and a 404 from
/metrics: the gauges show the vote counts of a tally that may be private.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import NotFound

from shared.auth import hash_token, live_token
from shared.backends import backends
from shared.limits import in_fallback
from shared.metrics import exposition

bp = Blueprint("ops", __name__)


def _database_ok() -> bool:
    try:
        with backends().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


def _redis_ok() -> bool:
    try:
        return bool(backends().redis.ping())
    except RedisError:
        return False


def from_inside() -> bool:
    """Whether the request came straight to the service, not through a proxy."""
    return "X-Forwarded-For" not in request.headers


def _staff() -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    try:
        with backends().sessions() as db:
            return live_token(db, hash_token(token.strip())) is not None
    except SQLAlchemyError:
        return False


@bp.get("/healthz")
def healthz():
    """200 when this service's database and Redis both answer, else 503. From inside, or with
    a staff token, it names what is down and says `limiter: fallback` while rate limits are
    kept in this process's memory for want of Redis; through the proxy, only ok or not.
    ---
    get:
      tags: [ops]
      responses:
        200: {description: database and Redis answer}
        503: {description: the database or Redis does not answer}
    """
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    healthy = all(checks.values())
    answer = {"status": "ok" if healthy else "unavailable"}
    if from_inside() or _staff():
        answer |= {"limiter": "fallback"} if in_fallback() else {}
        answer |= {} if healthy else {"down": sorted(n for n, ok in checks.items() if not ok)}
    return jsonify(answer), 200 if healthy else 503


@bp.get("/metrics")
def metrics():
    """Prometheus text format: requests, latencies and the event bus's outbox; for the
    monitoring inside only (404 through the proxy).
    ---
    get:
      tags: [ops]
      responses:
        200: {description: Prometheus text format}
        404: {description: asked through the public proxy}
    """
    if not from_inside():
        raise NotFound()
    body, content_type = exposition()
    return Response(body, content_type=content_type)
