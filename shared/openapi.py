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
    document = spec.to_dict()
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            _add_implied_errors(path, operation)
    return document


def _implied_errors(path: str, operation: dict) -> tuple[str, ...]:
    """The errors every operation of its kind can answer, so views document only their own:
    staff calls 401 and 403; a path parameter 404; a request body 400, 413, 415 and 422."""
    implied = ()
    if operation.get("security"):
        implied += ("401", "403")
    if "{" in path:
        implied += ("404",)
    if "requestBody" in operation:
        implied += ("400", "413", "415", "422")
    return implied


def _add_implied_errors(path: str, operation: dict) -> None:
    responses = operation.setdefault("responses", {})
    for status in _implied_errors(path, operation):
        responses.setdefault(status, {"$ref": f"#/components/responses/{status}"})


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
