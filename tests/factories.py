"""Test data: editions and events as clients and producers send them."""

from __future__ import annotations

import datetime as dt
import uuid

from shared.auth import new_token, store_token
from shared.models import utcnow


def iso(seconds: float) -> str:
    """An ISO 8601 moment `seconds` from now, with its offset."""
    return (utcnow() + dt.timedelta(seconds=seconds)).isoformat()


def edition_body(slug: str | None = None, **changes) -> dict:
    """The JSON body that creates an edition, nominations open now."""
    body = {
        "slug": slug or f"ed-{uuid.uuid4().hex[:8]}",
        "title": "Radicale Vernieuwers test",
        "timezone": "Europe/Brussels",
        "nominations_open": iso(-3600),
        "nominations_close": iso(3600),
        "voting_open": iso(7200),
        "voting_close": iso(10800),
        "jury_close": iso(14400),
    }
    return body | changes


def issue_token(apps: dict, *scopes: str, name: str = "tester") -> str:
    """A staff token with `scopes` (admin by default), stored in every app of the stack."""
    token = new_token()
    for app in apps.values():
        with app.extensions["rv"].sessions.begin() as session:
            store_token(session, token, name, scopes or ("admin",))
    return token
