"""The outbox relay: moves committed events into their consumers' rq queues until applied.

Two duties:
- resolve (every relay_interval): look at the rq job of every event in flight.
  Finished: the consumer applied it (acknowledged). Failed: a batch is split into solo jobs
  with retries; a solo job stays in rq's failed registry and its event is marked failed for
  staff. Missing (Redis flushed or restarted) or started longer ago than a job may run (its
  worker died) or failed because the consumer's database was away (the job says so in its
  meta): sent again under the same job id, so rq's own abandoned-job cleanup later finds
  nothing to fail.
- dispatch (after each producer's nudge, lingering a moment so that commits made together
  travel together, and on the timer): put pending events into their queues, many per job,
  then mark them sent. Batching is what lets one worker apply thousands of events a second:
  rq's own bookkeeping costs a few milliseconds per job.
Redelivery is safe because consumers apply an event id at most once (shared/events.py).

The relay is also the service's clock: on the same timer it runs the service's periodic
duties (closing a round at its deadline), each in its own transaction, so that what they
publish goes out through the outbox like any other event.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import islice
from typing import NamedTuple

from redis import Redis
from redis.exceptions import RedisError
from rq import Retry
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry
from rq.results import Result
from rq.utils import str_to_date
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from shared import logs
from shared.config import Settings
from shared.events import wake_key
from shared.models import OutboxEvent, utcnow
from shared.queues import JOB_FUNCTION, SERIALIZER, queue

log = logging.getLogger(__name__)


class JobState(NamedTuple):
    status: str | None
    started_at: dt.datetime | None
    meta: dict


DISPATCH_LIMIT = 2000
RESOLVE_LIMIT = 5000
RESULT_TTL = 24 * 3600
FAILURE_TTL = 30 * 24 * 3600


class Relay:
    """The relay of one producer service."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker,
        redis: Redis,
        periodic: Sequence[Callable[[Session], object]] = (),
    ):
        self.settings = settings
        self.sessions = sessions
        self.redis = redis
        self.periodic = periodic
        self.stale_after = dt.timedelta(seconds=settings.job_timeout + 10)

    def run(self, stop: threading.Event) -> None:
        """Dispatch whenever a producer commits, resolve on a timer, until `stop` is set."""
        key = wake_key(self.settings.queue_prefix, self.settings.service)
        next_resolve = 0.0
        while not stop.is_set():
            try:
                if self.redis.blpop([key], timeout=self.settings.relay_interval):
                    stop.wait(self.settings.relay_linger)
                if time.monotonic() >= next_resolve:
                    self.tick()
                    self.resolve()
                    next_resolve = time.monotonic() + self.settings.relay_interval
                while self.dispatch() >= DISPATCH_LIMIT:
                    pass
            except (RedisError, OperationalError) as exc:
                # Redis or the database is away: nothing is lost, the outbox keeps the events.
                log.warning("relay %s: %s; trying again", self.settings.service, exc)
                stop.wait(1.0)

    def tick(self) -> None:
        """Run the service's periodic duties, each in a transaction of its own."""
        for duty in self.periodic:
            with self.sessions.begin() as session:
                duty(session)

    def sweep(self) -> dict[str, int]:
        """One pass over the outbox: resolve events in flight, then dispatch pending ones."""
        return self.resolve() | {"dispatched": self.dispatch()}

    def resolve(self) -> dict[str, int]:
        """Acknowledge, split, fail or resend the events in flight, by their jobs' state."""
        with self.sessions.begin() as session:
            return self._resolve(session)

    def dispatch(self) -> int:
        """Send pending events to their consumers' queues; returns how many were sent."""
        with self.sessions.begin() as session:
            return self._dispatch(session)

    def _resolve(self, session: Session) -> dict[str, int]:
        rows = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.state.in_(("sent", "failed")))
            .order_by(OutboxEvent.id)
            .limit(RESOLVE_LIMIT)
            .with_for_update(skip_locked=True)
        ).all()
        by_job: dict[str, list[OutboxEvent]] = defaultdict(list)
        for row in rows:
            by_job[row.job_id].append(row)
        counts = defaultdict(int)
        states = self._job_states(list(by_job))
        with self.redis.pipeline() as pipe:
            for state, (job_id, group) in zip(states, by_job.items(), strict=True):
                counts[self._resolve_job(state, job_id, group, pipe)] += len(group)
            pipe.execute()
        return dict(counts)

    def _job_states(self, job_ids: list[str]) -> list[JobState]:
        """Status, start and meta of each job, read alone (not the events the job carries)."""
        with self.redis.pipeline(transaction=False) as pipe:
            for job_id in job_ids:
                pipe.hmget(Job.key_for(job_id), "status", "started_at", "meta")
            replies = pipe.execute()
        return [
            JobState(
                status.decode() if status else None,
                str_to_date(started) if started else None,
                SERIALIZER.loads(meta) if meta else {},
            )
            for status, started, meta in replies
        ]

    def _resolve_job(self, state: JobState, job_id: str, rows: list[OutboxEvent], pipe) -> str:
        now = utcnow()
        status, started = state.status, state.started_at
        if status == JobStatus.FINISHED:
            for row in rows:
                row.state, row.acked_at = "acked", now
            # The job carried the events (names, keyed hashes): nothing needs it any more.
            pipe.delete(Job.key_for(job_id), Result.get_key(job_id))
            return "acked"
        if status == JobStatus.FAILED and state.meta.get("transient"):
            self._failed_registry(rows[0].destination).remove(job_id, pipeline=pipe)
            self._enqueue(pipe, job_id, rows, solo=rows[0].solo)
            return "resent"
        if status == JobStatus.FAILED:
            return self._failed(job_id, rows, pipe)
        abandoned = status == JobStatus.STARTED and now - (started or rows[0].sent_at) > (
            self.stale_after
        )
        if status is None or abandoned:
            self._enqueue(pipe, job_id, rows, solo=rows[0].solo)
            return "resent"
        return "waiting"

    def _failed_registry(self, destination: str) -> FailedJobRegistry:
        return FailedJobRegistry(queue=queue(self.redis, self.settings.queue_name(destination)))

    def _failed(self, job_id: str, rows: list[OutboxEvent], pipe) -> str:
        if len(rows) == 1 and rows[0].solo:
            rows[0].state = "failed"
            self._log_failed(job_id, rows[0])
            return "failed"
        # A batch failed: its failed events go on alone, with retries, so that one poison
        # event ends in the failed registry by itself and the rest are acknowledged.
        Job.fetch(job_id, connection=self.redis, serializer=SERIALIZER).delete(pipeline=pipe)
        for row in rows:
            row.state, row.solo, row.job_id = "pending", True, None
        return "split"

    def _log_failed(self, job_id: str, row: OutboxEvent) -> None:
        request_id = row.envelope.get("request_id")
        with logs.bound(job_id=job_id, event_id=row.event_id, request_id=request_id):
            log.warning("event failed; it waits in %s's failed registry", row.destination)

    def _dispatch(self, session: Session) -> int:
        rows = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.state == "pending")
            .order_by(OutboxEvent.id)
            .limit(DISPATCH_LIMIT)
            .with_for_update(skip_locked=True)
        ).all()
        if not rows:
            return 0
        with self.redis.pipeline() as pipe:
            for job_id, group, solo in self._plan(rows):
                self._enqueue(pipe, job_id, group, solo)
            pipe.execute()
        return len(rows)

    def _plan(self, rows: list[OutboxEvent]):
        """Group pending rows into jobs: solo rows alone, the others in batches per consumer."""
        batches: dict[str, list[OutboxEvent]] = defaultdict(list)
        for row in rows:
            name = self.settings.queue_name(row.destination)
            if row.solo:
                yield f"{name}-ev-{row.event_id}", [row], True
            else:
                batches[name].append(row)
        for name, group in batches.items():
            it = iter(group)
            while chunk := list(islice(it, self.settings.batch_size)):
                yield f"{name}-batch-{uuid.uuid4().hex}", chunk, False

    def _retry(self) -> Retry:
        intervals = list(self.settings.retry_intervals)
        return Retry(max=len(intervals), interval=intervals)

    def _enqueue(self, pipe, job_id: str, rows: list[OutboxEvent], solo: bool) -> None:
        destination = rows[0].destination
        q = queue(self.redis, self.settings.queue_name(destination))
        data = q.prepare_data(
            JOB_FUNCTION.format(service=destination),
            args=([row.envelope for row in rows],),
            job_id=job_id,
            timeout=self.settings.job_timeout,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
            retry=self._retry() if solo else None,
            description=f"{len(rows)} event(s) from {self.settings.service}",
        )
        q.enqueue_many([data], pipeline=pipe)
        now = utcnow()
        for row in rows:
            row.state, row.job_id, row.sent_at = "sent", job_id, now
            row.attempts += 1
