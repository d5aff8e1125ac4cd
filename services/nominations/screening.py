"""Screening: staff find the confirmed nominations of an edition and accept or reject them.

Every decision, a change of mind included, goes into the audit log (`decisions`) with the
staff member's name, the moment, the status before and after, and the note.
"""

from __future__ import annotations

import datetime as dt

from flask import request
from marshmallow import ValidationError
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict, NotFound

from services.nominations.finalists import is_finalist
from services.nominations.models import Decision, Edition, Nomination
from shared.models import utcnow
from shared.schemas.nominations import REGIONS, SCREENED, THEMES

SEARCHED = ("nominee_name", "organisation", "problem", "solution", "impact")
MAX_QUERY = 200


def list_filters() -> dict:
    """The list's filters from the query string (?status, region, theme, q); 422 naming a
    value that cannot match (an unconfirmed nomination is never shown to staff)."""
    allowed = {"status": SCREENED, "region": REGIONS, "theme": THEMES}
    chosen = {name: request.args.get(name) for name in (*allowed, "q")}
    for name, values in allowed.items():
        if chosen[name] is not None and chosen[name] not in values:
            raise ValidationError(f"one of: {', '.join(values)}", name)
    if chosen["q"] is not None and len(chosen["q"]) > MAX_QUERY:
        raise ValidationError(f"at most {MAX_QUERY} characters", "q")
    return {name: value for name, value in chosen.items() if value}


def screened(edition: Edition, filters: dict) -> Select:
    """The confirmed nominations of an edition that match the filters (unordered)."""
    query = select(Nomination).where(
        Nomination.edition_id == edition.id, Nomination.status.in_(SCREENED)
    )
    for name in ("status", "region", "theme"):
        if name in filters:
            query = query.where(getattr(Nomination, name) == filters[name])
    if "q" in filters:
        words = [getattr(Nomination, c).icontains(filters["q"], autoescape=True) for c in SEARCHED]
        query = query.where(or_(*words))
    return query


def get_nomination(session: Session, nomination_id: str) -> Nomination:
    """A nomination by its public id, or 404."""
    nomination = session.scalar(select(Nomination).where(Nomination.id == nomination_id))
    if nomination is None:
        raise NotFound("No nomination with this id.")
    return nomination


def decide(
    session: Session, nomination: Nomination, data: dict, staff: str, now: dt.datetime | None = None
) -> Nomination:
    """Accept or reject a confirmed nomination, with a note, and log the decision.

    409 for a nomination nobody confirmed yet, and for rejecting a finalist (change the
    finalists first)."""
    if nomination.status == "unconfirmed":
        raise Conflict("This nomination is not confirmed yet.")
    if data["status"] == "rejected" and is_finalist(session, nomination.id):
        raise Conflict("This nomination is a finalist; choose the finalists again first.")
    now = now or utcnow()
    session.add(
        Decision(
            nomination_id=nomination.id,
            from_status=nomination.status,
            status=data["status"],
            note=data["note"],
            staff=staff,
            decided_at=now,
        )
    )
    nomination.status, nomination.note, nomination.decided_at = data["status"], data["note"], now
    session.flush()
    session.expire(nomination, ["decisions"])  # read again with this one
    return nomination
