"""Reading JSON requests through a schema, with the contract's errors for bad input; text
that no database stores (a NUL character, a lone UTF-16 surrogate) is refused at the door."""

from __future__ import annotations

from flask import Flask, current_app, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import BadRequest, NotFound, UnsupportedMediaType

UNSTORABLE = "Contains a character that cannot be stored (NUL or a lone surrogate)."


def storable(text: str) -> bool:
    """Whether both databases keep `text` as it is: PostgreSQL refuses NUL characters, and a
    lone surrogate (JSON allows "\\ud800") is not UTF-8."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def _unstorable(value, path: str = "") -> list[str]:
    """The dotted paths of the strings in a JSON value that are not storable."""
    if isinstance(value, str):
        return [] if storable(value) else [path or "_body"]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    return [bad for key, item in items for bad in _unstorable(item, f"{path}{key}.")]


def _json():
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")
    try:
        body = request.get_json(silent=True)
    except RecursionError as exc:  # nested deeper than the parser goes: bad input, not a 500
        raise BadRequest("The body is nested too deeply.") from exc
    bad = _unstorable(body)
    if bad:
        raise ValidationError({path.rstrip("."): [UNSTORABLE] for path in bad})
    return body


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


def refuse_nul_characters() -> None:
    """A NUL character (sent as %00) names nothing in a path (404) and is bad input in the
    query or a form (400): nothing stores it, and PostgreSQL fails on it as a parameter."""
    if "\x00" in request.path:
        raise NotFound()
    texts = [*request.args.keys(), *request.args.values()]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        texts += [*request.form.keys(), *request.form.values()]
    if any("\x00" in text for text in texts):
        raise BadRequest("The request contains a NUL character.")


def body_limit(limit: int):
    """Let the decorated view's requests carry bodies of up to `limit` bytes instead of the
    app's MAX_CONTENT_LENGTH (a form that uploads a picture): set before anything reads the
    body, the CSRF check and the NUL check included."""

    def decorate(view):
        view.max_content_length = limit
        return view

    return decorate


def apply_body_limit() -> None:
    """Raise this request's body limit when its view asks for it (body_limit)."""
    view = current_app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "max_content_length", None)
    if limit is not None:
        request.max_content_length = limit


def init_app(app: Flask) -> None:
    """Apply views' own body limits, then refuse NUL characters, before any view or form
    handling sees the body."""
    app.before_request(apply_body_limit)
    app.before_request(refuse_nul_characters)
