"""rq jobs of the hub: events from voting and jury (tallies and rankings, with later issues)."""

from __future__ import annotations

from shared.backends import backends
from shared.events import Handler, apply_job

HANDLERS: dict[str, Handler] = {}


def apply_events(envelopes: list[dict]) -> dict:
    """rq job: apply a batch of events sent to the hub, each exactly once."""
    return apply_job(backends().sessions, envelopes, HANDLERS)
