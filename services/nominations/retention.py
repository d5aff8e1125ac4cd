"""Keeping personal data only as long as needed. A nomination nobody confirmed before its
link expired can never be confirmed, so its nominator's details are erased, and so is the
innovation when no one else nominated it. Some months after an edition's jury closed, its
nominators' details and nominees' addresses go too, and an export's findings some days
after the request was done. The relay runs these every second or so."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from services.nominations.models import Edition, Nomination, Nominator, PrivacyRequest
from shared.backends import backends
from shared.models import utcnow
from shared.retention import editions_due
from shared.scrubbing import erased

MARGIN = dt.timedelta(hours=1)  # a link opened just before it expired may still be in flight


def purge_unconfirmed(session: Session, now: dt.datetime | None = None) -> int:
    """Erase nominators whose confirmation link expired unused, then the unconfirmed
    innovations left without a nominator; returns how many nominators were erased."""
    max_age = dt.timedelta(seconds=backends().settings.nomination_link_max_age)
    cutoff = (now or utcnow()) - max_age - MARGIN
    erased = session.execute(
        delete(Nominator).where(Nominator.confirmed_at.is_(None), Nominator.created_at < cutoff)
    ).rowcount
    if erased:
        nobody = ~exists().where(Nominator.nomination_id == Nomination.id)
        orphans = select(Nomination.seq).where(Nomination.status == "unconfirmed", nobody)
        session.execute(delete(Nomination).where(Nomination.seq.in_(orphans)))
    return erased


def erase_people_due(session: Session, now: dt.datetime | None = None) -> int:
    """Erase the nominators (name and address) and the nominees' addresses of every edition
    whose jury closed `nominee_retention_days` ago; the innovations, their counts and the
    nominees' names (the public record of the contest) stay. Returns how many editions."""
    now = now or utcnow()
    days = backends().settings.nominee_retention_days
    editions = session.scalars(editions_due(Edition, "jury_close", "people_erased_at", days, now))
    count = 0
    for edition in editions.all():
        _erase_people(session, edition)
        edition.people_erased_at, count = now, count + 1
    if count:
        erased(session)
    return count


def _erase_people(session: Session, edition: Edition) -> None:
    ids = select(Nomination.id).where(Nomination.edition_id == edition.id)
    session.execute(delete(Nominator).where(Nominator.nomination_id.in_(ids)))
    session.execute(
        update(Nomination)
        .where(Nomination.edition_id == edition.id, Nomination.nominee_email != "")
        .values(nominee_email="", email_key="erased:" + Nomination.id)
        .execution_options(synchronize_session=False)
    )


def forget_exports_due(session: Session, now: dt.datetime | None = None) -> int:
    """Drop the findings of every export done `export_retention_days` ago (staff had the
    time to send them to the person); its summary stays. Returns how many exports."""
    days = backends().settings.export_retention_days
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    query = select(PrivacyRequest).where(
        PrivacyRequest.kind == "export", PrivacyRequest.done_at < cutoff
    )
    due = [request for request in session.scalars(query) if request.data]
    for request in due:
        request.data = {}
    if due:
        erased(session)
    return len(due)
