"""The event bus: a transactional outbox on the producer, idempotent apply on the consumer.

An event is written to the producer's `outbox` table in the transaction of the change that
causes it. After commit the relay (shared/relay.py) is woken and moves it into the consumer's
rq queue. The consumer applies each event at most once, recording its id in
`applied_events` in the same transaction; redelivery is therefore always safe.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Callable, Iterable

from redis import Redis
from redis.exceptions import RedisError
from rq import get_current_job
from sqlalchemy import event
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from shared import logs
from shared.applied import applied_ids, claim
from shared.mail_events import MailHandler, deliver
from shared.mail_leases import app_leases
from shared.models import OutboxEvent, utcnow
from shared.schemas.events import EnvelopeSchema

Handler = Callable[[Session, dict], None] | MailHandler
ENVELOPE = EnvelopeSchema()
_WAKE_FLAG = "rv_outbox_written"
# The consumer's database is away or locked: no event is at fault, the batch is tried again.
TRANSIENT = (OperationalError, InterfaceError)
log = logging.getLogger(__name__)


def wake_key(queue_prefix: str, producer: str) -> str:
    """The Redis list a producer pushes to after commit, so its relay sends at once."""
    return f"rv:{queue_prefix}relay:{producer}"


def envelope(event_type: str, source: str, payload: dict) -> dict:
    """A new event, serialised as it travels: JSON types only. It carries the current
    request id (of the request, or of the event being applied, that causes it), so that the
    consumer's logs of it can be found by the producer's request id."""
    return ENVELOPE.dump(
        {
            "id": uuid.uuid4(),
            "type": event_type,
            "source": source,
            "occurred_at": utcnow(),
            "payload": payload,
            "request_id": logs.current("request_id"),
        }
    )


def publish(session: Session, envelope_: dict, destinations: Iterable[str]) -> None:
    """Write the event to the outbox, once per consumer, inside the caller's transaction."""
    for destination in destinations:
        session.add(
            OutboxEvent(event_id=envelope_["id"], destination=destination, envelope=envelope_)
        )
    session.info[_WAKE_FLAG] = True


def wake_relay_after_commit(factory: sessionmaker, redis: Redis, key: str) -> None:
    """After a commit that wrote outbox rows, nudge the relay; its timer covers a lost nudge."""

    def after_commit(session: Session) -> None:
        if not session.info.pop(_WAKE_FLAG, False):
            return
        try:
            with redis.pipeline(transaction=False) as pipe:
                pipe.lpush(key, 1).ltrim(key, 0, 0).execute()
        except RedisError:
            pass  # the relay sweeps on a timer too: a missed nudge delays, never loses

    def after_rollback(session: Session) -> None:
        session.info.pop(_WAKE_FLAG, None)

    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_soft_rollback", lambda session, _tx: after_rollback(session))


class EventsNotApplied(Exception):
    """Some events of a batch failed; the others were applied and committed."""

    def __init__(self, failures: dict[str, str]):
        super().__init__("; ".join(f"{event_id}: {why}" for event_id, why in failures.items()))
        self.failures = failures


def consume(factory: sessionmaker, envelopes: list[dict], handlers: dict[str, Handler]) -> dict:
    """Apply a batch of events exactly once each, in one transaction with a savepoint each;
    the events that send a mail are applied after it, none of them inside a transaction
    (shared/mail_events.py).

    An event that fails is rolled back alone, so it cannot block the others; the batch is
    committed and then raises EventsNotApplied, which sends the failed ones to rq's failed
    registry through their own retried jobs (see shared/relay.py).
    """
    mails, others = [], []
    for ev in map(ENVELOPE.load, envelopes):
        sends = isinstance(handlers.get(ev["type"]), MailHandler)
        (mails if sends else others).append((str(ev["id"]), ev))
    applied, failures, duplicates = _apply_in_transaction(factory, others, handlers)
    mailed, mail_failures, mail_duplicates = (
        deliver(factory, mails, handlers, app_leases()) if mails else ([], {}, [])
    )
    failures |= mail_failures
    if failures:
        raise EventsNotApplied(failures)
    return {"applied": applied + mailed, "duplicates": sorted(duplicates + mail_duplicates)}


def _apply_in_transaction(factory: sessionmaker, events: list[tuple[str, dict]], handlers: dict):
    """Apply (event id, event) pairs in one transaction: the ids applied, the failures, the
    ids applied before."""
    applied, failures = [], {}
    if not events:
        return applied, failures, []
    with factory.begin() as session:
        seen = applied_ids(session, [event_id for event_id, _ in events])
        duplicates = sorted(seen)
        if duplicates:
            log.info("events applied before, skipped", extra={"event_ids": duplicates})
        for event_id, ev in events:
            if event_id in seen:
                continue
            seen.add(event_id)
            context = {"event_id": event_id, "event_type": ev["type"], "source": ev["source"]}
            with logs.bound(**context, request_id=ev["request_id"]):
                failure = _apply_logged(session, ev, event_id, handlers)
            if failure:
                failures[event_id] = failure
            else:
                applied.append(event_id)
    return applied, failures, duplicates


def apply_job(factory: sessionmaker, envelopes: list[dict], handlers: dict[str, Handler]) -> dict:
    """The body of every service's rq job `apply_events`: consume the batch. When the database
    is away, the job is marked transient before it fails, so that the relay sends it again
    (until it is applied) instead of taking its events for poison."""
    job = get_current_job()
    try:
        with logs.bound(job_id=job.id if job else None):
            return consume(factory, envelopes, handlers)
    except TRANSIENT:
        if job is not None:
            job.meta["transient"] = True
            job.save_meta()
        raise


def _apply_logged(session: Session, ev: dict, event_id: str, handlers: dict[str, Handler]):
    """Apply one event and log the outcome; returns why it failed, or None."""
    try:
        fresh = _apply_one(session, ev, event_id, handlers)
    except TRANSIENT:
        raise
    except Exception as exc:  # isolated in its savepoint, re-raised for the batch by consume
        # Its class, a redacted message and where it happened: never the raw message, which
        # may quote an address (it goes to the log and to rq's failed registry).
        reason = logs.safe_error(exc)
        log.warning("event not applied: %s", reason, extra={"trace": _frames(exc)})
        return reason
    log.info("event applied" if fresh else "event applied meanwhile by another worker")
    return None


def _frames(error: BaseException) -> str:
    """Where `error` was raised: the traceback's frames without the error's message."""
    return "".join(traceback.format_tb(error.__traceback__))


def _apply_one(session: Session, ev: dict, event_id: str, handlers: dict[str, Handler]) -> bool:
    """Apply one event in a savepoint of its own; False when another worker applied it first."""
    handler = handlers.get(ev["type"])
    if handler is None:
        raise LookupError(f"no handler for event type {ev['type']!r}")
    with session.begin_nested():
        # Recorded before the handler runs: a second delivery at the same moment waits on
        # this row, then finds it taken, so the handler runs once.
        if not claim(session, ev, event_id):
            return False
        handler(session, ev["payload"])
        session.flush()
    return True
