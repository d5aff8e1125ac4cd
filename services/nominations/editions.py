"""Creating and rescheduling editions; every change of schedule goes out as an event."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict

from services.nominations.models import Edition
from services.nominations.rules import check_rules, record
from shared.editions import SCHEDULED, edition_or_404, schedule_payload
from shared.events import envelope, publish
from shared.schemas.editions import check_window_order

FOLLOWERS = ("voting", "jury")


def get_edition(session: Session, slug: str) -> Edition:
    """The edition with this slug, or 404."""
    return edition_or_404(session, Edition, slug)


def create_edition(session: Session, data: dict) -> Edition:
    """Store a new edition and tell voting and jury its schedule, in one transaction."""
    if session.scalar(select(Edition.id).where(Edition.slug == data["slug"])) is not None:
        raise Conflict("An edition with this slug exists.")
    edition = Edition(**data, revision=1)
    try:
        with session.begin_nested():  # two creations at once: the unique slug decides
            session.add(edition)
    except IntegrityError as exc:
        raise Conflict("An edition with this slug exists.") from exc
    _announce(session, edition)
    return edition


def reschedule(session: Session, edition: Edition, changes: dict, staff: str) -> Edition:
    """Apply a partial change to the schedule, check the windows still follow each other
    and the rules are not fixed (rules.py), log it, and send the new schedule (with the next
    revision) to voting and jury. A change that changes nothing sends nothing."""
    session.refresh(edition, with_for_update=True)  # two changes at once: one revision each
    changes = {k: v for k, v in changes.items() if getattr(edition, k) != v}
    check_rules(edition, changes)
    if not changes:
        return edition
    check_window_order(edition.as_dict() | changes)
    record(session, edition, changes, staff)
    for name, value in changes.items():
        setattr(edition, name, value)
    edition.revision += 1
    _announce(session, edition)
    return edition


def _announce(session: Session, edition: Edition) -> None:
    publish(session, envelope(SCHEDULED, "nominations", schedule_payload(edition)), FOLLOWERS)
