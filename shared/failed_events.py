"""Staff view of events this service could not apply: rq's failed registry of its queue."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry
from werkzeug.exceptions import NotFound

from shared.auth import staff_required
from shared.backends import backends
from shared.queues import SERIALIZER, queue
from shared.schemas.events import FailedEventListSchema

bp = Blueprint("failed_events", __name__, url_prefix="/api/v1/events")
PAGE = 50


def _registry() -> FailedJobRegistry:
    b = backends()
    return FailedJobRegistry(queue=queue(b.redis, b.settings.queue_name()))


def _describe(job: Job) -> dict:
    envelopes = job.args[0] if job.args else []
    result = job.latest_result()
    exc = (result.exc_string if result else "") or ""
    return {
        "job_id": job.id,
        "events": [{k: e.get(k) for k in ("id", "type", "source")} for e in envelopes],
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
      security: [{staffToken: []}]
      parameters:
        - {in: query, name: limit, schema: {type: integer, minimum: 1, maximum: 50}}
        - {in: query, name: cursor, schema: {type: string}}
      responses:
        200:
          content:
            application/json: {schema: FailedEventListSchema}
        401: {$ref: '#/components/responses/401'}
        403: {$ref: '#/components/responses/403'}
    """
    limit = min(max(request.args.get("limit", PAGE, type=int) or PAGE, 1), PAGE)
    start = request.args.get("cursor", 0, type=int) or 0
    ids = _registry().get_job_ids(start, start + limit, desc=True)
    jobs = Job.fetch_many(ids, connection=backends().redis, serializer=SERIALIZER)
    items = [_describe(job) for job in jobs if job is not None]
    following = str(start + limit) if len(ids) > limit else None
    return jsonify(FailedEventListSchema().dump({"items": items[:limit], "next": following}))


@bp.post("/failed/<job_id>/retry")
@staff_required("events")
def retry_failed(job_id: str):
    """Put a failed event job back in its queue, after its cause was fixed.
    ---
    post:
      tags: [events]
      security: [{staffToken: []}]
      parameters:
        - {in: path, name: job_id, required: true, schema: {type: string}}
      responses:
        202: {description: requeued}
        401: {$ref: '#/components/responses/401'}
        403: {$ref: '#/components/responses/403'}
        404: {$ref: '#/components/responses/404'}
    """
    registry = _registry()
    if job_id not in registry:
        raise NotFound("No failed event job with this id.")
    try:
        registry.requeue(job_id)
    except NoSuchJobError as exc:
        raise NotFound("No failed event job with this id.") from exc
    return jsonify(job_id=job_id, status="queued"), 202
