"""What voting and jury share in answering a privacy request from the hub: read the request,
act on the service's own records of the person, and send the answer back by event."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from shared.events import Handler, envelope, publish
from shared.schemas.privacy import (
    PRIVACY_ANSWERED,
    PrivacyAnsweredEventSchema,
    PrivacyRequestedEventSchema,
)
from shared.scrubbing import erased

# act(session, person_hash, erase) -> (summary: {what: how many}, data: what is held)
Act = Callable[[Session, str, bool], tuple[dict, dict]]
REQUESTED = PrivacyRequestedEventSchema()
ANSWERED = PrivacyAnsweredEventSchema()


def request_handler(service: str, act: Act) -> Handler:
    """The `privacy.requested` handler of `service`: act, then answer the hub (an erasure's
    answer holds counts only, never the data it erased)."""

    def handle(session: Session, payload: dict) -> None:
        request = REQUESTED.load(payload)
        erase = request["kind"] == "erase"
        summary, data = act(session, request["person_hash"], erase)
        if erase:
            erased(session)
        answer = {"request_id": request["request_id"], "service": service, "summary": summary}
        answer["data"] = {} if erase else data
        event = envelope(PRIVACY_ANSWERED, service, ANSWERED.dump(answer))
        publish(session, event, ["nominations"])

    return handle
