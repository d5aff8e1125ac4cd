"""Reading JSON requests through a schema, with the contract's errors for bad input."""

from __future__ import annotations

from flask import request
from marshmallow import Schema
from werkzeug.exceptions import BadRequest, UnsupportedMediaType


def _json():
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")
    try:
        return request.get_json(silent=True)
    except RecursionError as exc:  # nested deeper than the parser goes: bad input, not a 500
        raise BadRequest("The body is nested too deeply.") from exc


def json_body() -> dict:
    """The request's JSON object: 415 for another content type, 400 for malformed JSON."""
    body = _json()
    if not isinstance(body, dict):
        raise BadRequest("The body is not a JSON object.")
    return body


def json_list() -> list:
    """The request's JSON array (a whole set sent at once): 415 and 400 as json_body."""
    body = _json()
    if not isinstance(body, list):
        raise BadRequest("The body is not a JSON array.")
    return body


def load_json(schema: Schema, partial: bool = False) -> dict:
    """Validate the request's JSON object with `schema`; invalid fields give a 422."""
    return schema.load(json_body(), partial=partial)
