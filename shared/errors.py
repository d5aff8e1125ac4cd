"""Errors: JSON of the one shape in the API contract for the API, a page for pages."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template
from marshmallow import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
    TooManyRequests,
)

from shared.web import wants_json

log = logging.getLogger(__name__)
AWAY_RETRY = 5  # seconds a client is asked to wait while the database or Redis is away


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """A Flask response in the contract's error shape."""
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return jsonify(body), status


def _code(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_")


def _http_error(exc: HTTPException):
    status, message = exc.code or 500, exc.description or exc.name
    if wants_json():
        response, status = error_response(status, _code(exc), message)
    else:  # a page: the same status, with the message in the site's layout
        # Werkzeug's own descriptions are English, and a rate limit's names the limit: the
        # page says those in its language.
        generic = exc.description == type(exc).description or isinstance(exc, TooManyRequests)
        page = render_template("error.html", status=status, message=message, generic=generic)
        response = make_response(page)
    for name, value in exc.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response, status


def _validation_error(exc: ValidationError):
    # Raised outside a schema (a check against stored data), the error names its field itself.
    messages = exc.messages if isinstance(exc.messages, dict) else {exc.field_name: exc.messages}
    return error_response(422, "invalid", "Some fields are not valid.", _flatten(messages))


def _flatten(messages: dict, prefix: str = "") -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
    return flat


def _backend_away(exc: Exception):
    """The database or Redis did not answer (restarting, failing over): 503 with Retry-After,
    so that clients and proxies try again, rather than a 500 that says the request was wrong."""
    log.warning("backend unavailable: %s", exc)
    return _http_error(ServiceUnavailable(retry_after=AWAY_RETRY))


def _unexpected(exc: Exception):
    log.exception("unhandled error", exc_info=exc)
    return _http_error(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the handlers: HTTP errors, schema validation errors, and anything else."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(ValidationError, _validation_error)
    for away in (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError):
        app.register_error_handler(away, _backend_away)
    app.register_error_handler(Exception, _unexpected)
