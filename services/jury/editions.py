"""The jury's view of an edition: finding it, and whether scoring has closed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict, NotFound

from services.jury.models import Edition
from shared.models import utcnow


def get_edition(session: Session, slug: str) -> Edition:
    """The edition with this slug as the jury knows it, or 404 (its schedule may not have
    arrived yet)."""
    edition = session.scalar(select(Edition).where(Edition.slug == slug))
    if edition is None:
        raise NotFound("No edition with this slug (yet) in the jury service.")
    return edition


def is_closed(edition: Edition, now: dt.datetime | None = None) -> bool:
    """Whether jury scoring has stopped: at jury_close (staff may move it later to reopen)."""
    return (now or utcnow()) >= edition.jury_close


def ensure_open(edition: Edition, now: dt.datetime | None = None) -> None:
    """409 once the jury has closed: nothing the ranking depends on may change then."""
    if is_closed(edition, now):
        raise Conflict("Jury scoring for this edition has closed.")
