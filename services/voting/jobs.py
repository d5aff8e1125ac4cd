"""rq jobs of the voting service: events from the hub."""

from __future__ import annotations

from services.voting.models import Edition
from shared.backends import backends
from shared.editions import SCHEDULED, schedule_handler
from shared.events import Handler, apply_job

HANDLERS: dict[str, Handler] = {SCHEDULED: schedule_handler(Edition)}


def apply_events(envelopes: list[dict]) -> dict:
    """rq job: apply a batch of events sent to voting, each exactly once."""
    return apply_job(backends().sessions, envelopes, HANDLERS)
