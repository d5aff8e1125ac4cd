"""Operations endpoints every service has: /healthz and /metrics."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

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


@bp.get("/healthz")
def healthz():
    """200 when this service's database and Redis both answer, else 503 naming what is down;
    `limiter: fallback` while rate limits are kept in this process's memory for want of Redis.
    ---
    get:
      tags: [ops]
      responses:
        200: {description: database and Redis answer}
        503: {description: the database or Redis does not answer}
    """
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    limiter = {"limiter": "fallback"} if in_fallback() else {}
    if all(checks.values()):
        return jsonify(status="ok", **limiter)
    down = sorted(name for name, ok in checks.items() if not ok)
    return jsonify(status="unavailable", down=down, **limiter), 503


@bp.get("/metrics")
def metrics():
    """Prometheus text format: requests, latencies and the event bus's outbox.
    ---
    get:
      tags: [ops]
      responses:
        200: {description: Prometheus text format}
    """
    body, content_type = exposition()
    return Response(body, content_type=content_type)
