"""An edition's rules are fixed when voting opens, and every change of an edition is kept.

The tie rule (`tie_break`) and whether the tally is public (`public_tally`) are what the
public votes under: once voting has opened, changing them answers 409, and moving
voting_open later does not reopen them (the first change after the opening records when
they were fixed). Every change staff make to an edition, before or after, is in its audit
log (`edition_changes`), which staff read through the API.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict

from services.nominations.models import Edition, EditionChange
from shared.models import utcnow
from shared.pagination import keyset_page

RULES = ("tie_break", "public_tally")


def check_rules(edition: Edition, changes: dict, now: dt.datetime | None = None) -> None:
    """409 for a change of a rule once the edition's rules are fixed; records the fixing
    the first time a change comes after voting opened."""
    now = now or utcnow()
    if edition.rules_fixed_at is None and edition.voting_open <= now:
        edition.rules_fixed_at = edition.voting_open
    ruled = sorted(set(RULES) & changes.keys())
    if ruled and edition.rules_fixed_at is not None:
        raise Conflict(f"The rules are fixed since voting opened: {', '.join(ruled)}.")


def record(session: Session, edition: Edition, changes: dict, staff: str) -> None:
    """Add each change to the edition's audit log, with the value it replaces."""
    for field, new in changes.items():
        old = getattr(edition, field)
        session.add(
            EditionChange(
                edition_id=edition.id, field=field, old=_plain(old), new=_plain(new), staff=staff
            )
        )


def changes_page(session: Session, edition: Edition, limit: int, after: int | None) -> dict:
    """One page of the edition's audit log, oldest first."""
    query = select(EditionChange).where(EditionChange.edition_id == edition.id)
    return keyset_page(session, query, EditionChange.id, limit, after)


def _plain(value):
    """A value as the audit log keeps it (JSON): moments as ISO 8601 text."""
    return value.isoformat() if isinstance(value, dt.datetime) else value
