"""Structured logs: one JSON line per record, with the service and the ids of what is going on.

Every process logs through the root logger: web apps under gunicorn (deploy/gunicorn.conf.py
installs `json_handler`), workers and relays (`configure`). The ids come from a context
variable: a web request binds its request id (from a sane incoming X-Request-ID, else a new
one, echoed in the response), and a consumer's job binds its job id and, per event, the
event's id and the request id the producer's envelope carries. So grepping one request id
finds the producer's request and the consumer's handling of the events it caused.
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

from flask import Flask, current_app, g, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is kept only when it is a plain token of at most 128 characters; anything
# else (spaces, quotes, line breaks, a kilobyte) is replaced, so ids stay easy to grep.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
ADDRESS = re.compile(r"[^\s<>()\[\]{},;:'\"]+@[^\s<>()\[\]{},;:'\"]+")
TOKEN_LIKE = re.compile(r"[A-Za-z0-9_.-]{32,}")
_CONTEXT: ContextVar[dict | None] = ContextVar("rv_log_context", default=None)
access_log = logging.getLogger("rv.requests")


def level() -> str:
    """The level of the root logger: RV_LOG_LEVEL, INFO by default (WARNING drops the
    line per request and per applied event)."""
    return os.environ.get("RV_LOG_LEVEL", "INFO").upper()


def current(name: str) -> str | None:
    """A field of the current context (request_id, job_id ...), or None."""
    return (_CONTEXT.get() or {}).get(name)


@contextmanager
def bound(**fields: str | None) -> Iterator[None]:
    """Add `fields` to every log record made inside the block (in this thread or task)."""
    token = _CONTEXT.set((_CONTEXT.get() or {}) | fields)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


class ContextFilter(logging.Filter):
    """Stamps each record with the service and the current context's fields; a field the
    caller passed in `extra` wins, a field without a value is left out."""

    def __init__(self, service: str | None = None):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        """Add the fields to `record`; never drops one."""
        for name, value in ({"service": self.service} | (_CONTEXT.get() or {})).items():
            if value is not None:
                record.__dict__.setdefault(name, value)
        return True


class JsonLines(JsonFormatter):
    """time (UTC, ISO 8601 with milliseconds), level, logger and message, then the fields
    the context or the call added."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(self):
        super().__init__(
            "{asctime}{levelname}{name}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )


def json_handler(service: str | None = None, stream: TextIO | None = None) -> logging.Handler:
    """A handler writing JSON lines to `stream` (standard error by default)."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    handler.addFilter(ContextFilter(service))
    return handler


def configure(service: str, stream: TextIO | None = None) -> logging.Handler:
    """Send every log record of this process (a worker or a relay of `service`) to one JSON
    handler on the root logger; returns the handler."""
    handler = json_handler(service, stream)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level())
    return handler


def safe_error(error: BaseException) -> str:
    """An error as logs and rq's failed registry may keep it: its class and its message
    with every e-mail address and token-like string (link tokens, staff tokens) replaced."""
    message = ADDRESS.sub("<address>", str(error))
    return f"{type(error).__name__}: {TOKEN_LIKE.sub('<token>', message)}"


def route() -> str:
    """The URL rule the current request matched (/votes/confirm/<token>), never its path:
    few distinct values, and no link token in a log line or a metric label."""
    return request.url_rule.rule if request.url_rule else "unmatched"


def _begin_request() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    service = current_app.extensions["rv"].settings.service
    g.rv_log_context = _CONTEXT.set({"service": service, "request_id": request_id})
    g.rv_log_started = time.perf_counter()


def _finish_request(response):
    response.headers[REQUEST_ID_HEADER] = current("request_id")
    if access_log.isEnabledFor(logging.INFO):
        took = round((time.perf_counter() - g.rv_log_started) * 1000, 2)
        fields = {"method": request.method, "route": route(), "status": response.status_code}
        access_log.info("%s %s %s", *fields.values(), extra=fields | {"duration_ms": took})
    return response


def _end_request(_exc) -> None:
    token = g.pop("rv_log_context", None)
    if token is not None:
        _CONTEXT.reset(token)


def init_app(app: Flask) -> None:
    """Give every request of `app` a request id and log it once answered, by its route.
    Init first, so that a request that an earlier hook refuses (a rate limit) has its id too."""
    app.before_request(_begin_request)
    app.after_request(_finish_request)
    app.teardown_request(_end_request)
