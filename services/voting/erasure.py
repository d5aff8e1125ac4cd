"""Erasure of voters' personal data once an edition's results are out.

What goes: the clear address (if a mail never went), the networks a vote came from and was
confirmed from, how long the form took, the keyed hashes that stood for the person (and
the jurors' ones), and the edition's own key of those hashes (edition_keys.py), so nothing
left can be matched against an address again. What stays: statuses, reasons, counters and
staff decisions, so the tally and the integrity report still add up. Staff erase an edition
on demand (`python -m services.cli erase-voters <slug>`); the relay does it by itself
`voter_retention_days` after voting_close.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from services.voting.models import Edition, JurorPerson, Vote
from shared.backends import backends
from shared.models import utcnow
from shared.retention import editions_due
from shared.scrubbing import erased

PERSONAL = {"email": None, "network": None, "confirm_network": None, "form_seconds": None}
# The hashes that stood for a person become ones that stand for nobody (each vote its own).
ANONYMOUS = {"person_hash": "erased:" + Vote.id, "shape_hash": "", "domain_hash": None}


class VotingNotClosed(Exception):
    """Voters' data are still needed: the edition's voting has not closed."""


def erase_voters(session: Session, edition: Edition, now: dt.datetime | None = None) -> int:
    """Erase the personal data of the edition's voters; returns how many votes held some.
    Refused while voting is open or to come: the fraud signals still read them."""
    if (now or utcnow()) < edition.voting_close:
        raise VotingNotClosed(f"voting of {edition.slug} closes at {edition.voting_close}")
    result = session.execute(
        update(Vote)
        .where(Vote.edition_id == edition.id, _holds_personal_data())
        .values(**PERSONAL, **ANONYMOUS)
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(JurorPerson).where(JurorPerson.edition_id == edition.id))
    edition.voters_erased_at, edition.hash_key = now or utcnow(), None
    erased(session)
    return result.rowcount


def erase_edition(slug: str) -> int:
    """Erase the personal data of the voters of the edition `slug` now (the CLI's command);
    LookupError for an unknown edition."""
    with backends().sessions.begin() as session:
        edition = session.scalar(select(Edition).where(Edition.slug == slug))
        if edition is None:
            raise LookupError(f"no edition {slug!r} in voting")
        return erase_voters(session, edition)


def erase_due(session: Session, now: dt.datetime | None = None) -> None:
    """Erase voters' data of every edition whose voting closed `voter_retention_days` ago."""
    now = now or utcnow()
    days = backends().settings.voter_retention_days
    for edition in session.scalars(
        editions_due(Edition, "voting_close", "voters_erased_at", days, now)
    ).all():
        erase_voters(session, edition, now)


def _holds_personal_data():
    personal = (getattr(Vote, name).is_not(None) for name in PERSONAL)
    return or_(*personal, Vote.domain_hash.is_not(None), ~Vote.person_hash.startswith("erased:"))
