"""The jury's view of an edition: finding it, and whether scoring has closed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict

from services.jury.models import Edition
from shared.editions import edition_or_404
from shared.models import utcnow


def get_edition(session: Session, slug: str) -> Edition:
    """The edition with this slug as the jury knows it, or 404 (its schedule may not have
    arrived yet)."""
    return edition_or_404(session, Edition, slug, where=" (yet) in the jury service")


def is_closed(edition: Edition, now: dt.datetime | None = None) -> bool:
    """Whether jury scoring has stopped: at jury_close (staff may move it later to reopen)."""
    return (now or utcnow()) >= edition.jury_close


def ensure_open(edition: Edition, now: dt.datetime | None = None) -> None:
    """409 once the jury has closed: nothing the ranking depends on may change then."""
    if is_closed(edition, now):
        raise Conflict("Jury scoring for this edition has closed.")
