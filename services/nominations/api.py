"""The hub's staff JSON API: creating and rescheduling editions (reading is in
shared.editions, the same in every service)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from services.nominations.editions import create_edition, get_edition, reschedule
from shared.auth import staff_required
from shared.backends import backends
from shared.http import load_json
from shared.schemas.editions import EditionPatchSchema, EditionSchema

bp = Blueprint("api", __name__, url_prefix="/api/v1")
EDITION = EditionSchema()


@bp.post("/editions")
@staff_required("editions")
def post_edition():
    """Create an edition; voting and jury receive its schedule by event.
    ---
    post:
      tags: [editions]
      security: [{staffToken: []}]
      requestBody:
        required: true
        content:
          application/json: {schema: EditionSchema}
      responses:
        201:
          description: the created edition
          content:
            application/json: {schema: EditionSchema}
        400: {$ref: '#/components/responses/400'}
        401: {$ref: '#/components/responses/401'}
        403: {$ref: '#/components/responses/403'}
        409: {$ref: '#/components/responses/409'}
        415: {$ref: '#/components/responses/415'}
        422: {$ref: '#/components/responses/422'}
    """
    data = load_json(EDITION)
    with backends().sessions.begin() as session:
        edition = create_edition(session, data)
        return jsonify(EDITION.dump(edition.as_dict())), 201


@bp.patch("/editions/<slug>")
@staff_required("editions")
def patch_edition(slug: str):
    """Change the schedule; voting and jury follow by event.
    ---
    patch:
      tags: [editions]
      security: [{staffToken: []}]
      parameters:
        - {in: path, name: slug, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json: {schema: EditionPatchSchema}
      responses:
        200:
          description: the rescheduled edition
          content:
            application/json: {schema: EditionSchema}
        400: {$ref: '#/components/responses/400'}
        401: {$ref: '#/components/responses/401'}
        403: {$ref: '#/components/responses/403'}
        404: {$ref: '#/components/responses/404'}
        415: {$ref: '#/components/responses/415'}
        422: {$ref: '#/components/responses/422'}
    """
    changes = load_json(EditionPatchSchema(), partial=True)
    with backends().sessions.begin() as session:
        edition = reschedule(session, get_edition(session, slug), changes)
        return jsonify(EDITION.dump(edition.as_dict()))
