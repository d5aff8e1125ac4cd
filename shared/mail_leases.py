"""Leases on mail events in Redis: two deliveries of one event never both send its mail.

A mail is sent with no transaction open (shared/mail_events.py), so the applied-events row
can no longer make a second delivery of the same event wait while the first one sends. A
lease does: before reading whether an event was applied, a delivery takes the event's lease
(SET NX with an expiry, one pipeline for a batch); a delivery that finds it taken waits
until it is dropped, by which time the first has recorded the event as applied. The
lease is dropped once the record is committed (or the send failed), and expires by itself
after twice the job timeout, after which rq has stopped a delivery that hung, so an event
whose worker died is sent again on redelivery (a mail is sent at least once, and twice only
when a worker dies between the send and its record). Since no delivery outlives its lease,
the one that took a lease drops it without checking that it is still its own.
"""

from __future__ import annotations

import time

from flask import current_app
from redis import Redis

POLL_SECONDS = 0.05


class MailLeases:
    """The leases of one service's mail events."""

    def __init__(self, redis: Redis, prefix: str, seconds: int):
        self.redis = redis
        self.prefix = prefix
        self.seconds = seconds

    def _key(self, event_id: str) -> str:
        return f"{self.prefix}mail-lease:{event_id}"

    def take(self, event_ids: list[str]) -> list[str]:
        """Take the leases of these events; the ids whose lease is now ours, in order."""
        pipe = self.redis.pipeline(transaction=False)
        for event_id in event_ids:
            pipe.set(self._key(event_id), 1, nx=True, ex=self.seconds)
        return [i for i, taken in zip(event_ids, pipe.execute(), strict=True) if taken]

    def wait(self, event_ids: list[str]) -> None:
        """Wait until one of these events' leases is dropped or expires."""
        keys = [self._key(event_id) for event_id in event_ids]
        while self.redis.exists(*keys) == len(keys):
            time.sleep(POLL_SECONDS)

    def drop(self, event_ids: list[str]) -> None:
        """Drop leases taken with `take` (the events are recorded, or failed to send)."""
        if event_ids:
            self.redis.delete(*(self._key(event_id) for event_id in event_ids))


def app_leases() -> MailLeases:
    """The current app's leases: under its queue's name, for twice its job timeout."""
    b = current_app.extensions["rv"]
    return MailLeases(b.redis, f"{b.settings.queue_name()}:", 2 * b.settings.job_timeout)
