"""The outbox relay: moves committed events into their consumers' rq queues until applied.

One sweep does two things:
- resolve: look at the rq job of every event in flight. Finished: the consumer applied it
  (acknowledged). Failed: a batch is split into solo jobs with retries, a solo job stays in
  rq's failed registry and its event is marked failed for staff. Missing (Redis flushed or
  restarted) or started longer ago than a job may run (its worker died): sent again under
  the same job id, so rq's own abandoned-job cleanup later finds nothing to fail.
- dispatch: put pending events into their queues, many per job, then mark them sent.
Redelivery is safe because consumers apply an event id at most once (shared/events.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections import defaultdict
from itertools import islice

from redis import Redis
from redis.exceptions import RedisError
from rq import Retry
from rq.job import Job, JobStatus
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from shared.config import Settings
from shared.events import wake_key
from shared.models import OutboxEvent, utcnow
from shared.queues import JOB_FUNCTION, SERIALIZER, queue

log = logging.getLogger(__name__)

DISPATCH_LIMIT = 2000
RESOLVE_LIMIT = 5000
RESULT_TTL = 24 * 3600
FAILURE_TTL = 30 * 24 * 3600


class Relay:
    """The relay of one producer service."""

    def __init__(self, settings: Settings, sessions: sessionmaker, redis: Redis):
        self.settings = settings
        self.sessions = sessions
        self.redis = redis
        self.stale_after = dt.timedelta(seconds=settings.job_timeout + 10)

    def run(self, stop: threading.Event) -> None:
        """Sweep whenever a producer commits (or every relay_interval) until `stop` is set."""
        key = wake_key(self.settings.queue_prefix, self.settings.service)
        while not stop.is_set():
            try:
                self.redis.blpop([key], timeout=self.settings.relay_interval)
                while self.sweep()["dispatched"] >= DISPATCH_LIMIT:
                    pass
            except (RedisError, OperationalError) as exc:
                # Redis or the database is away: nothing is lost, the outbox keeps the events.
                log.warning("relay %s: %s; trying again", self.settings.service, exc)
                stop.wait(1.0)

    def sweep(self) -> dict[str, int]:
        """One pass over the outbox: resolve events in flight, then dispatch pending ones."""
        with self.sessions.begin() as session:
            counts = self._resolve(session)
        with self.sessions.begin() as session:
            counts["dispatched"] = self._dispatch(session)
        return counts

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
        jobs = Job.fetch_many(list(by_job), connection=self.redis, serializer=SERIALIZER)
        with self.redis.pipeline() as pipe:
            for job, (job_id, group) in zip(jobs, by_job.items(), strict=True):
                counts[self._resolve_job(job, job_id, group, pipe)] += len(group)
            pipe.execute()
        return dict(counts)

    def _resolve_job(self, job: Job | None, job_id: str, rows: list[OutboxEvent], pipe) -> str:
        status = job.get_status(refresh=False) if job else None
        now = utcnow()
        if status == JobStatus.FINISHED:
            for row in rows:
                row.state, row.acked_at = "acked", now
            return "acked"
        if status == JobStatus.FAILED:
            return self._failed(job, rows, pipe)
        if status is None or self._abandoned(job, rows[0], now):
            self._enqueue(pipe, job_id, rows, solo=rows[0].solo)
            return "resent"
        return "waiting"

    def _failed(self, job: Job, rows: list[OutboxEvent], pipe) -> str:
        if len(rows) == 1 and rows[0].solo:
            rows[0].state = "failed"
            return "failed"
        # A batch failed: its failed events go on alone, with retries, so that one poison
        # event ends in the failed registry by itself and the rest are acknowledged.
        job.delete(pipeline=pipe)
        for row in rows:
            row.state, row.solo, row.job_id = "pending", True, None
        return "split"

    def _abandoned(self, job: Job, row: OutboxEvent, now: dt.datetime) -> bool:
        if job.get_status(refresh=False) != JobStatus.STARTED:
            return False
        started = job.started_at or row.sent_at
        return started is not None and now - started > self.stale_after

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
