"""Privacy requests at the hub: a person's data exported or erased in all three services.

Staff file a request with the person's address. The hub acts on its own data in the same
transaction and sends the request to voting and jury by event, carrying only the keyed hash
of the normalised address (shared/people.py), which both can match against what they keep.
Each answers by event; the request is done once all three have answered.

Erasing at the hub: the person's nominator records go (the innovation stays, without that
nominator, and keeps its count); where the person is a nominee, their name and address go,
the innovation is named "Anoniem" from then on (to jury too), and a finalist's replicas
are sent again. The findings of an earlier export for the person (kept for staff to send
on) go too: they hold the person's name and address.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.nominations.finalists import ANONYMOUS, is_finalist, republish_finalists
from services.nominations.models import Nomination, Nominator, PrivacyRequest, new_id
from shared.backends import backends
from shared.events import envelope, publish
from shared.models import OutboxEvent, utcnow
from shared.outbox_pruning import forget_mentions
from shared.people import identify, normalise
from shared.schemas.privacy import (
    PRIVACY_REQUESTED,
    SERVICES,
    PrivacyAnsweredEventSchema,
    PrivacyRequestedEventSchema,
)
from shared.scrubbing import erased

FOLLOWERS = ("voting", "jury")
ANSWER = PrivacyAnsweredEventSchema()
REQUESTED = PrivacyRequestedEventSchema()


def file_request(session: Session, email: str, kind: str, staff: str) -> PrivacyRequest:
    """Record a request, act on the hub's own data at once, and ask voting and jury."""
    request = PrivacyRequest(id=new_id(), kind=kind, requested_by=staff, answers={}, data={})
    person = normalise(email)
    nominated = _nominated_by(session, person)
    named = _naming(session, person)
    data = {"nominations_made": [_made(n) for n in nominated]}
    data["nominations_naming_you"] = [_naming_view(n) for n in named]
    if kind == "erase":
        needles = [email, person, *(n.name for n in nominated), *(n.email for n in nominated)]
        needles += [n.nominee_name for n in named] + [n.nominee_email for n in named]
        _erase(session, nominated, named)
        _forget_in_texts(session, person, named)
        _forget_exports(session, person)
        forget_mentions(session, needles)
        erased(session)
    summary = {"nominations_made": len(nominated), "nominations_naming_you": len(named)}
    record(request, "nominations", summary, data)
    payload = {"request_id": request.id, "kind": kind}
    payload["person_hash"] = identify(backends().settings, email).hash
    event = envelope(PRIVACY_REQUESTED, "nominations", REQUESTED.dump(payload))
    request.event_id = event["id"]
    session.add(request)
    publish(session, event, FOLLOWERS)
    return request


def record_answer(session: Session, payload: dict) -> None:
    """The `privacy.answered` handler: keep a service's answer on its request."""
    answer = ANSWER.load(payload)
    request = session.get(PrivacyRequest, answer["request_id"], with_for_update=True)
    if request is None:  # purged meanwhile: nothing left to complete
        return
    record(request, answer["service"], answer["summary"], answer["data"])
    if request.done_at is not None:
        _blank_event(session, request)


def record(request: PrivacyRequest, service: str, summary: dict, data: dict) -> None:
    """Store one service's answer; the request is done when every service has answered."""
    request.answers = {**request.answers, service: summary}
    if request.kind == "export":
        request.data = {**request.data, service: data}
    if request.done_at is None and set(request.answers) >= set(SERVICES):
        request.done_at = utcnow()


def _blank_event(session: Session, request: PrivacyRequest) -> None:
    """Once voting and jury have answered, the request's event no longer needs the person's
    hash: it is blanked in the outbox, where it would otherwise stay until pruned."""
    for row in session.scalars(select(OutboxEvent).where(OutboxEvent.event_id == request.event_id)):
        payload = {**row.envelope["payload"], "person_hash": ""}
        row.envelope = {**row.envelope, "payload": payload}
    erased(session)


def view(request: PrivacyRequest) -> dict:
    """The request as staff follow it (PrivacyRequestSchema)."""
    shown = {
        "id": request.id,
        "kind": request.kind,
        "status": "done" if request.done_at else "pending",
        "created_at": request.created_at,
        "done_at": request.done_at,
        "services": request.answers,
    }
    if request.kind == "export":
        shown["data"] = request.data
    return shown


def _nominated_by(session: Session, person: str) -> list[Nominator]:
    """The person's own nominations (every spelling of their address)."""
    return [n for n in session.scalars(select(Nominator)) if normalise(n.email) == person]


def _naming(session: Session, person: str) -> list[Nomination]:
    """The nominations that name the person as nominee."""
    return list(session.scalars(select(Nomination).where(Nomination.email_key == person)))


def _made(nominator: Nominator) -> dict:
    nomination = nominator.nomination
    return {
        "edition": nomination.edition.slug,
        "nomination_id": nomination.id,
        "your_name": nominator.name,
        "your_email": nominator.email,
        "your_texts": nominator.texts,
        "innovation": nomination.nominee_name,
        "organisation": nomination.organisation,
        "status": nomination.status,
        "submitted_at": nominator.created_at.isoformat(),
        "confirmed_at": nominator.confirmed_at.isoformat() if nominator.confirmed_at else None,
    }


def _naming_view(nomination: Nomination) -> dict:
    return {
        "edition": nomination.edition.slug,
        "nomination_id": nomination.id,
        "your_name": nomination.nominee_name,
        "your_email": nomination.nominee_email,
        "organisation": nomination.organisation,
        "website": nomination.website,
        "problem": nomination.problem,
        "solution": nomination.solution,
        "impact": nomination.impact,
        "status": nomination.status,
        "shown_in_public": nomination.public,
    }


def _forget_in_texts(session: Session, person: str, named: list[Nomination]) -> None:
    """Each nominator keeps the texts they sent: where those name the person as nominee
    (in a nomination naming them, or by their address), the name and address go."""
    ids = {nomination.id for nomination in named}
    for nominator in session.scalars(select(Nominator)):
        texts = nominator.texts or {}
        if nominator.nomination_id in ids or normalise(texts.get("nominee_email", "")) == person:
            kept = {k: v for k, v in texts.items() if k not in ("nominee_name", "nominee_email")}
            nominator.texts = kept


def _forget_exports(session: Session, person: str) -> None:
    """Earlier exports whose findings hold the person's address (under any spelling) keep
    their summary but lose their findings."""
    for request in session.scalars(select(PrivacyRequest).where(PrivacyRequest.kind == "export")):
        if person in _addresses_in(request.data):
            request.data = {}


def _addresses_in(found) -> set[str]:
    """The normalised addresses in an export's findings (the values of its `email` keys)."""
    if isinstance(found, list):
        return set().union(*map(_addresses_in, found))
    if not isinstance(found, dict):
        return set()
    own = {normalise(v) for k, v in found.items() if k.endswith("email") and isinstance(v, str)}
    return own.union(*map(_addresses_in, found.values()))


def _erase(session: Session, nominated: list[Nominator], named: list[Nomination]) -> None:
    """Forget the person: their nominator records, and their name and address as nominee."""
    for nominator in nominated:
        session.delete(nominator)
    for nomination in named:
        nomination.nominee_name, nomination.nominee_email = ANONYMOUS, ""
        nomination.name_key = nomination.email_key = f"erased:{nomination.id}"
        nomination.declined_public_at = nomination.declined_public_at or utcnow()
    session.flush()
    for edition in {n.edition for n in named if is_finalist(session, n.id)}:
        republish_finalists(session, edition)
