"""/openapi.json: the OpenAPI 3 document, built from the views' docstrings and the same
marshmallow schemas that validate requests."""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import Blueprint, Flask, current_app, jsonify

from shared.schemas.errors import ErrorSchema

bp = Blueprint("openapi", __name__)
STAFF_AUTH = {"staffToken": {"type": "http", "scheme": "bearer"}}
ERROR_STATUSES = {
    "400": "malformed request",
    "401": "no valid staff token",
    "403": "the token lacks the right",
    "404": "not found",
    "409": "conflict or wrong phase",
    "413": "body too large",
    "415": "not JSON",
    "422": "invalid fields",
    "429": "rate limited",
}


def build_spec(app: Flask, service: str) -> dict:
    """The OpenAPI document of every documented view of `app`."""
    spec = APISpec(
        title=f"Radicale Vernieuwers {service}",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
    )
    spec.components.security_scheme("staffToken", STAFF_AUTH["staffToken"])
    spec.components.schema("Error", schema=ErrorSchema)
    for status, description in ERROR_STATUSES.items():
        spec.components.response(
            status,
            {"description": description, "content": {"application/json": {"schema": "Error"}}},
        )
    with app.test_request_context():
        for _endpoint, view in sorted(app.view_functions.items()):
            if view.__doc__ and "---" in view.__doc__:
                spec.path(view=view, app=app)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi_json():
    """This service's OpenAPI 3 document.
    ---
    get:
      tags: [ops]
      responses:
        200: {description: the OpenAPI document}
    """
    app = current_app._get_current_object()
    if "rv_openapi" not in app.extensions:
        app.extensions["rv_openapi"] = build_spec(app, app.extensions["rv"].settings.service)
    return jsonify(app.extensions["rv_openapi"])


def init_app(app: Flask) -> None:
    """Serve the document of `app` at /openapi.json."""
    app.register_blueprint(bp)
