"""The close: at voting_close the final tally goes to the hub, once per close.

Votes stop by themselves at voting_close (intake and confirmation check the phase at the
moment of the request); this duty, run by the relay every second, sends the figures. Its
claim first locks the edition (FOR UPDATE), so it waits for the confirmations in flight
(each holds a share of that lock, confirmation.py) and counts them; a confirmation after
the claim finds the tally sent and changes nothing. Staff
who move voting_close later make a new close, and that close sends a new tally.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from services.voting import bulletin, tally
from services.voting.models import Edition
from shared.events import envelope, publish
from shared.models import utcnow
from shared.schemas.contest import TALLY_FINAL, TallyEventSchema

TALLY_EVENT = TallyEventSchema()


def close_due(session: Session, now: dt.datetime | None = None) -> None:
    """Send the final tally of every edition whose voting closed and was not sent for that
    close. The claim is a conditional UPDATE, so two relays never both send one close."""
    now = now or utcnow()
    due = session.scalars(
        select(Edition).where(
            Edition.voting_close <= now,
            or_(Edition.tally_sent_for.is_(None), Edition.tally_sent_for != Edition.voting_close),
        )
    ).all()
    for edition in due:
        if _claim(session, edition):
            send_tally(session, edition, bulletin.CLOSE)


def _claim(session: Session, edition: Edition) -> bool:
    session.execute(select(Edition.id).where(Edition.id == edition.id).with_for_update())
    claimed = session.execute(
        update(Edition)
        .where(
            Edition.id == edition.id,
            Edition.voting_close == edition.voting_close,
            or_(Edition.tally_sent_for.is_(None), Edition.tally_sent_for != edition.voting_close),
        )
        .values(tally_sent_for=edition.voting_close)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def send_tally(session: Session, edition: Edition, reason: str) -> None:
    """Publish the edition's tally now to the hub as `tally.final`, closed at voting_close,
    with the hash of the bulletin made from the same votes for `reason` (bulletin.py)."""
    payload = tally.tally(session, edition) | {
        "edition": edition.slug,
        "closed_at": edition.voting_close,
        "counted_at": utcnow(),
        "bulletin_sha256": bulletin.make(session, edition, reason).sha256,
    }
    publish(session, envelope(TALLY_FINAL, "voting", TALLY_EVENT.dump(payload)), ["nominations"])
