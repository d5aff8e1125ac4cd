"""Privacy requests through the API: staff file a person's export or erasure and follow it."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, render_template
from flask import request as flask_request
from werkzeug.exceptions import BadRequest, Conflict, NotFound

from services.nominations.models import PrivacyRequest
from services.nominations.privacy import file_request, view
from shared.auth import staff_required
from shared.backends import backends
from shared.http import load_json
from shared.schemas.privacy import PrivacyRequestInSchema, PrivacyRequestSchema

bp = Blueprint("privacy_api", __name__, url_prefix="/api/v1/privacy")
REQUEST = PrivacyRequestSchema()


@bp.post("/requests")
@staff_required("privacy")
def post_request():
    """File a person's request: an export of their data, or its erasure, in every service.
    ---
    post:
      tags: [privacy]
      requestBody:
        required: true
        content:
          application/json: {schema: PrivacyRequestInSchema}
      responses:
        202:
          description: filed; done once every service has answered
          content:
            application/json: {schema: PrivacyRequestSchema}
        422: {$ref: '#/components/responses/422'}
    """
    data = load_json(PrivacyRequestInSchema())
    with backends().sessions.begin() as session:
        request = file_request(session, data["email"], data["kind"], g.staff)
        return jsonify(REQUEST.dump(view(request))), 202


@bp.get("/requests/<request_id>")
@staff_required("privacy")
def get_request(request_id: str):
    """A request: pending until every service has answered; an export then holds the data.
    `?format=text` gives a done export as a letter to the person (Dutch, English with
    `?lang=en`).
    ---
    get:
      tags: [privacy]
      parameters:
        - {in: query, name: format, schema: {type: string, enum: [json, text]}}
      responses:
        200:
          description: the request and each service's answer (or the export's text)
          content:
            application/json: {schema: PrivacyRequestSchema}
            text/plain: {schema: {type: string}}
        404: {$ref: '#/components/responses/404'}
        409: {$ref: '#/components/responses/409'}
    """
    wanted = flask_request.args.get("format", "json")
    if wanted not in ("json", "text"):
        raise BadRequest("format is json or text.")
    with backends().sessions() as session:
        request = session.get(PrivacyRequest, request_id)
        if request is None:
            raise NotFound("No privacy request with this id.")
        if wanted == "json":
            return jsonify(REQUEST.dump(view(request)))
        if request.kind != "export" or request.done_at is None:
            raise Conflict("Only a done export has a text.")
        text = render_template("privacy/export.txt", request=request, data=request.data)
        return Response(text, mimetype="text/plain")
