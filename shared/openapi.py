"""/openapi.json: the OpenAPI 3 document, built from the views' docstrings and the same
marshmallow schemas that validate requests."""

from __future__ import annotations

import re

from apispec import APISpec, BasePlugin
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
    "414": "request line (path and query) too long",
    "415": "not JSON",
    "422": "invalid fields",
    "429": "rate limited",
    "431": "request headers too large",
}
# Any request can be too long in its line or headers: the proxy in front answers these.
EVERY_OPERATION = ("414", "431")


def build_spec(app: Flask, service: str) -> dict:
    """The OpenAPI document of every documented view of `app`."""
    spec = APISpec(
        title=f"Radicale Vernieuwers {service}",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[FlaskPlugin(), ConventionsPlugin(), MarshmallowPlugin()],
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


class ConventionsPlugin(BasePlugin):
    """Fills in what every operation of its kind shares, so a view's docstring holds only what
    is its own: the staff token on staff views (`staff_required`), the path parameters, and
    the errors the kind implies (401/403 staff, 404 a path parameter, 400 a query,
    400/413/415/422 a body, 414/431 any request).
    """

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        view = kwargs.get("view")
        for operation in (operations or {}).values():
            if getattr(view, "staff_scope", None):
                operation.setdefault("security", [{"staffToken": []}])
            _add_path_parameters(path, operation)
            responses = operation.setdefault("responses", {})
            for status in _implied_errors(path, operation):
                responses.setdefault(status, {"$ref": f"#/components/responses/{status}"})


def _add_path_parameters(path: str, operation: dict) -> None:
    parameters = operation.setdefault("parameters", [])
    named = {p.get("name") for p in parameters if p.get("in") == "path"}
    for name in re.findall(r"{(\w+)}", path):
        if name not in named:
            parameters.append(
                {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
            )
    if not parameters:
        del operation["parameters"]


def _implied_errors(path: str, operation: dict) -> tuple[str, ...]:
    implied = EVERY_OPERATION
    if operation.get("security"):
        implied += ("401", "403")
    if "{" in path:
        implied += ("404",)
    if any(p.get("in") == "query" for p in operation.get("parameters", ())):
        implied += ("400",)
    if "requestBody" in operation:
        implied += ("400", "413", "415", "422")
    return implied


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
