"""Staff view of the event bus in this service: the events it sent (its outbox, by state)
and the events it could not apply (rq's failed registry of its queue), with a retry."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry
from sqlalchemy import select
from werkzeug.exceptions import BadRequest, NotFound

from shared.auth import staff_required
from shared.backends import backends
from shared.models import OutboxEvent
from shared.pagination import cursor_after, keyset_page, page_limit
from shared.queues import SERIALIZER, queue
from shared.schemas.events import OUTBOX_STATES, FailedEventListSchema, OutboxListSchema

bp = Blueprint("bus_admin", __name__, url_prefix="/api/v1/events")


def _registry() -> FailedJobRegistry:
    b = backends()
    return FailedJobRegistry(queue=queue(b.redis, b.settings.queue_name()))


def _describe(job: Job) -> dict:
    envelopes = job.args[0] if job.args else []
    result = job.latest_result()
    exc = (result.exc_string if result else "") or ""
    return {
        "job_id": job.id,
        "events": [
            {k: e.get(k) for k in ("id", "type", "source", "request_id")} for e in envelopes
        ],
        "failed_at": job.ended_at,
        "error": exc.strip().splitlines()[-1] if exc.strip() else "",
    }


@bp.get("/failed")
@staff_required("events")
def list_failed():
    """Events that ended in the failed registry after their retries, newest first.
    ---
    get:
      tags: [events]
      parameters:
        - {in: query, name: limit, schema: {type: integer, minimum: 1}, description: at most 50}
        - {in: query, name: cursor, schema: {type: string}}
      responses:
        200:
          description: a page of failed event jobs
          content:
            application/json: {schema: FailedEventListSchema}
    """
    page = failed_jobs(cursor_after() or 0, page_limit())
    return jsonify(FailedEventListSchema().dump(page))


def failed_jobs(start: int, limit: int) -> dict:
    """A page of this service's failed event jobs, newest first, from position `start`:
    {"items": [...], "next": the next page's start or None}."""
    ids = _registry().get_job_ids(start, start + limit, desc=True)
    jobs = Job.fetch_many(ids, connection=backends().redis, serializer=SERIALIZER)
    items = [_describe(job) for job in jobs if job is not None]
    following = str(start + limit) if len(ids) > limit else None
    return {"items": items[:limit], "next": following}


@bp.post("/failed/<job_id>/retry")
@staff_required("events")
def retry_failed(job_id: str):
    """Put a failed event job back in its queue, after its cause was fixed.
    ---
    post:
      tags: [events]
      responses:
        202: {description: requeued}
    """
    requeue(job_id)
    return jsonify(job_id=job_id, status="queued"), 202


def requeue(job_id: str) -> None:
    """Put a failed event job back in its queue; 404 when there is no such failed job."""
    registry = _registry()
    if job_id not in registry:
        raise NotFound("No failed event job with this id.")
    try:
        registry.requeue(job_id)
    except NoSuchJobError as exc:
        raise NotFound("No failed event job with this id.") from exc


@bp.get("/outbox")
@staff_required("events")
def list_outbox():
    """Events this service sent, oldest first, by state (failed ones are the ones to look at).
    ---
    get:
      tags: [events]
      parameters:
        - {in: query, name: state, schema: {type: string, enum: [pending, sent, acked, failed]}}
        - {in: query, name: limit, schema: {type: integer, minimum: 1}, description: at most 50}
        - {in: query, name: cursor, schema: {type: string}}
      responses:
        200:
          description: a page of outbox events
          content:
            application/json: {schema: OutboxListSchema}
        400: {$ref: '#/components/responses/400'}
    """
    state = request.args.get("state", "failed")
    if state not in OUTBOX_STATES:
        raise BadRequest(f"state is one of {', '.join(OUTBOX_STATES)}.")
    query = select(OutboxEvent).where(OutboxEvent.state == state)
    with backends().sessions() as session:
        page = keyset_page(session, query, OutboxEvent.id, page_limit(), cursor_after())
        return jsonify(OutboxListSchema().dump(page))
