"""The jury's view of an edition: finding it, and whether scoring has closed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
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
    """Whether jury scoring has stopped: at jury_close, or once the ranking was claimed for
    this close (by a relay whose clock is ahead); staff may move jury_close later to reopen."""
    sent = edition.ranking_sent_for is not None and edition.ranking_sent_for == edition.jury_close
    return sent or (now or utcnow()) >= edition.jury_close


def locked_edition(session: Session, edition_id: int) -> Edition:
    """The edition, read under a lock that the close's claim waits for (FOR KEY SHARE
    against its FOR UPDATE on PostgreSQL; SQLite has one writer at a time): a change made
    under it is in the final ranking or refused, never lost between them (closing.py)."""
    return session.scalars(
        select(Edition)
        .where(Edition.id == edition_id)
        .with_for_update(read=True, key_share=True)
        .execution_options(populate_existing=True)
    ).one()


def ensure_open(edition: Edition, now: dt.datetime | None = None) -> None:
    """409 once the jury has closed: nothing the ranking depends on may change then."""
    if is_closed(edition, now):
        raise Conflict("Jury scoring for this edition has closed.")
