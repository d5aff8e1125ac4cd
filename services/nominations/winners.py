"""Winners: staff publish them once both rounds have closed, with an optional embargo; the
public sees nothing of them before `publish_at`, not even from a cache.

Publishing again replaces the awards (a correction), and the new embargo holds.
"""

from __future__ import annotations

import datetime as dt

from marshmallow import ValidationError
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict

from services.nominations.finalists import finalists_of, public_view
from services.nominations.models import Edition, Publication
from services.nominations.results import bulletin_hash
from shared.models import utcnow


def publish_winners(
    session: Session, edition: Edition, data: dict, staff: str, now: dt.datetime | None = None
) -> Publication:
    """Record the awards (validated by WinnersSchema), public from `publish_at` (default
    now). 409 before jury_close; 422 naming winners who are not finalists of the edition."""
    now = now or utcnow()
    if edition.phase(now) != "closed":
        raise Conflict("Winners are published once voting and jury have closed.")
    finalists = {f.nomination_id for f in finalists_of(session, edition)}
    bad = [a["finalist_id"] for a in data["awards"] if a["finalist_id"] not in finalists]
    if bad:
        raise ValidationError(f"not finalists of this edition: {', '.join(bad)}", "awards")
    publication = session.get(Publication, edition.id)
    if publication is None:
        publication = Publication(edition_id=edition.id)
        session.add(publication)
    publication.awards = [
        {"award": a["award"], "finalist_id": a["finalist_id"]} for a in data["awards"]
    ]
    publication.publish_at = data["publish_at"] or now
    publication.published_by, publication.created_at = staff, now
    session.flush()
    return publication


def winners_view(session: Session, edition: Edition, publication: Publication) -> dict:
    """The published awards with each winner's public name and organisation, and the hash
    of the newest bulletin of the public vote they come from."""
    shown = {f.nomination_id: public_view(f.nomination) for f in finalists_of(session, edition)}
    awards = [
        a | {k: shown[a["finalist_id"]][k] for k in ("name", "organisation")}
        for a in publication.awards
    ]
    return {
        "edition": edition.slug,
        "awards": awards,
        "publish_at": publication.publish_at,
        "bulletin_sha256": bulletin_hash(session, edition),
    }


def public_winners(
    session: Session, edition: Edition, now: dt.datetime | None = None
) -> dict | None:
    """The winners as the public may see them now, or None before publication."""
    publication = session.get(Publication, edition.id)
    if publication is None or publication.publish_at > (now or utcnow()):
        return None
    return winners_view(session, edition, publication)


def cache_control(visible: bool, seconds: int) -> str:
    """Cache-Control for the winners: nothing kept while under embargo (a cached "not yet"
    must not outlive it), a short lifetime once they are public."""
    return f"public, max-age={seconds}" if visible else "no-store"
