"""Privacy requests from the command line: the same rule as the API, then a wait for the
other services' answers."""

from __future__ import annotations

import time

import click
from marshmallow import ValidationError

from services.nominations.models import PrivacyRequest
from services.nominations.privacy import file_request, view
from shared.backends import backends
from shared.schemas.privacy import PrivacyRequestInSchema, PrivacyRequestSchema

POLL_SECONDS = 0.2


def file_and_wait(email: str, kind: str, wait: float) -> tuple[dict, bool]:
    """File the request as staff member "cli", then poll until it is done or `wait` seconds
    have passed; returns the request as the API shows it and whether it is done."""
    try:
        data = PrivacyRequestInSchema().load({"email": email, "kind": kind})
    except ValidationError as exc:
        why = "; ".join(exc.messages_dict.get("email", []))
        raise click.BadParameter(why, param_hint="EMAIL") from exc
    with backends().sessions.begin() as session:
        request_id = file_request(session, data["email"], kind, "cli").id
    deadline = time.monotonic() + wait
    while True:
        with backends().sessions() as session:
            shown = view(session.get(PrivacyRequest, request_id))
        if shown["status"] == "done" or time.monotonic() >= deadline:
            return PrivacyRequestSchema().dump(shown), shown["status"] == "done"
        time.sleep(POLL_SECONDS)
