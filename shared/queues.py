"""rq queues and Redis connections, made explicitly (no implicit rq connection)."""

from __future__ import annotations

from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

# Events travel as JSON: readable in the failed registry, no pickles between services.
SERIALIZER = JSONSerializer
JOB_FUNCTION = "services.{service}.jobs.apply_events"


def connect(url: str) -> Redis:
    """A Redis client that fails fast when the server is away, instead of hanging a request."""
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30)


def queue(redis: Redis, name: str) -> Queue:
    """The rq queue `name` on this connection, with the bus's serializer."""
    return Queue(name, connection=redis, serializer=SERIALIZER)
