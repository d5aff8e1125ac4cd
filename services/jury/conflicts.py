"""Conflict-of-interest hints: jurors who may know a finalist, found before they score it.

A juror may know a finalist who works at their organisation (names folded: case, accents,
punctuation, legal form), whose website is at their own mail domain, or whose nominee has
an address at that domain. The nominee's address never reaches jury: the hub sends the
keyed hash of its domain (shared/people.py), compared here with the juror's own. Public
mailbox providers (gmail.com ...) are nobody's own domain and never give a hint.

Hints are found when a juror is invited and whenever the finalists change; they are hints,
not decisions: the juror chooses to recuse on the finalist's page, staff see them on the
progress page.
"""

from __future__ import annotations

from typing import NamedTuple

from flask_babel import lazy_gettext
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.jury.models import ConflictHint, Edition, Finalist, Juror
from shared.backends import backends
from shared.finalists import finalists_of
from shared.names import fold, same_site, web_domain
from shared.people import PUBLIC_PROVIDERS, identify, normalise
from shared.schemas.jury import Reason

# What a hint says to the juror, and, in short, to staff.
EXPLANATIONS = {
    Reason.ORGANISATION: lazy_gettext("Dezelfde organisatie als de jouwe."),
    Reason.WEBSITE: lazy_gettext("De website staat op hetzelfde domein als je e-mailadres."),
    Reason.NOMINEE_DOMAIN: lazy_gettext(
        "Het e-mailadres van de genomineerde staat op hetzelfde domein als het jouwe."
    ),
}
LABELS = {
    Reason.ORGANISATION: lazy_gettext("zelfde organisatie"),
    Reason.WEBSITE: lazy_gettext("website op het maildomein"),
    Reason.NOMINEE_DOMAIN: lazy_gettext("genomineerde op het maildomein"),
}


class Marks(NamedTuple):
    """What of a juror is compared: folded organisation, own mail domain and its keyed hash."""

    organisation: str
    domain: str | None
    domain_hash: str | None


def marks(juror: Juror) -> Marks:
    """The juror's marks (no domain at a public mailbox provider)."""
    domain = normalise(juror.email).rpartition("@")[2]
    if "@" not in juror.email or domain in PUBLIC_PROVIDERS:  # erased, or a provider's
        return Marks(fold(juror.organisation), None, None)
    hashed = identify(backends().settings, juror.email).domain_hash
    return Marks(fold(juror.organisation), domain, hashed)


def reasons(juror: Marks, finalist: Finalist) -> list[Reason]:
    """Why a juror with these marks may know this finalist (none: no hint)."""
    found = []
    if juror.organisation and juror.organisation == fold(finalist.organisation):
        found.append(Reason.ORGANISATION)
    if juror.domain and same_site(juror.domain, web_domain(finalist.website)):
        found.append(Reason.WEBSITE)
    if juror.domain_hash and juror.domain_hash == finalist.nominee_domain_hash:
        found.append(Reason.NOMINEE_DOMAIN)
    return found


def refresh(db: Session, edition: Edition, jurors: list[Juror] | None = None) -> int:
    """Find the hints again for these jurors of the edition (all by default) against its
    finalists now, replacing the old ones; returns how many there are."""
    if jurors is None:
        jurors = list(db.scalars(select(Juror).where(Juror.edition_id == edition.id)))
    finalists = finalists_of(db, Finalist, edition.id)
    ids = [juror.id for juror in jurors]
    db.execute(delete(ConflictHint).where(ConflictHint.juror_id.in_(ids)))
    hints = [
        ConflictHint(juror_id=juror.id, finalist_id=finalist.id, reasons=[str(r) for r in found])
        for juror, juror_marks in ((j, marks(j)) for j in jurors)
        for finalist in finalists
        if (found := reasons(juror_marks, finalist))
    ]
    db.add_all(hints)
    return len(hints)


def hints_of(db: Session, juror_id: str) -> dict[str, list[str]]:
    """The juror's hints: reasons by finalist id."""
    rows = db.scalars(select(ConflictHint).where(ConflictHint.juror_id == juror_id))
    return {row.finalist_id: row.reasons for row in rows}
