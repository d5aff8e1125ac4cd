"""The links mailed about a nomination: the nominator confirms it, the nominee (when someone
else nominated them) may ask not to be named in public.

Links are signed and expire (shared/tokens.py). The confirmation link works once: the
nominator's `confirmed_at` is claimed with a conditional UPDATE in the transaction that
confirms, so a second click, even at the same moment, changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.nominations.finalists import is_finalist, republish_finalists
from services.nominations.models import Nomination, Nominator
from services.nominations.nominations import same_address
from shared.backends import backends
from shared.events import envelope, publish
from shared.models import utcnow
from shared.tokens import LinkInvalid, LinkUsed, make_token, read_token

CONFIRM = "nomination"
DECLINE = "nominee-decline"
MAIL_NOMINEE = "mail.nominee_notice"


class Outcome(NamedTuple):
    """What following a link did: `changed` is False when it had been done before."""

    changed: bool
    nomination: Nomination


def confirm_link(nominator_id: str) -> str:
    """The absolute link that confirms one nominator's nomination."""
    token = make_token(CONFIRM, nominator_id)
    return f"{backends().settings.public_url()}/nominations/confirm/{token}"


def decline_link(nomination_id: str) -> str:
    """The absolute link with which a nominee asks not to be shown in public."""
    token = make_token(DECLINE, nomination_id)
    return f"{backends().settings.public_url()}/nominations/decline/{token}"


def nominator_for(session: Session, token: str) -> Nominator:
    """The nominator a confirmation link stands for; raises LinkExpired or LinkInvalid."""
    max_age = backends().settings.nomination_link_max_age
    nominator = session.get(Nominator, read_token(CONFIRM, token, max_age))
    if nominator is None:
        raise LinkInvalid("This link is not valid.")
    return nominator


def confirm(session: Session, token: str, now: dt.datetime | None = None) -> Outcome:
    """Confirm the nomination a link stands for, once. The first confirmation makes the
    innovation `submitted` (visible to staff); each one counts; when someone else nominated
    the innovation, its nominee is told. Raises LinkExpired or LinkInvalid; a second press
    (another tab, even at the same moment) changes nothing."""
    nominator = nominator_for(session, token)
    now = now or utcnow()
    if not _claim(session, nominator, now):
        return Outcome(False, nominator.nomination)
    return Outcome(True, _count(session, nominator, now))


def _claim(session: Session, nominator: Nominator, now: dt.datetime) -> bool:
    """Mark the link used; False when it was (even by a click at the same moment)."""
    return bool(
        session.execute(
            update(Nominator)
            .where(Nominator.id == nominator.id, Nominator.confirmed_at.is_(None))
            .values(confirmed_at=now)
        ).rowcount
    )


def _count(session: Session, nominator: Nominator, now: dt.datetime) -> Nomination:
    nomination = nominator.nomination
    nomination.nomination_count = Nomination.nomination_count + 1  # in SQL: no lost count
    if nomination.status == "unconfirmed":
        nomination.status, nomination.confirmed_at = "submitted", now
    if not same_address(nominator.email, nomination.nominee_email):
        _tell_nominee(session, nomination, now)
    session.flush()
    session.refresh(nomination)
    return nomination


def _tell_nominee(session: Session, nomination: Nomination, now: dt.datetime) -> None:
    """Queue the nominee's mail, once per nomination however many nominate it."""
    first = session.execute(
        update(Nomination)
        .where(Nomination.id == nomination.id, Nomination.nominee_mailed_at.is_(None))
        .values(nominee_mailed_at=now)
    ).rowcount
    if first:
        payload = {"nomination_id": nomination.id}
        publish(session, envelope(MAIL_NOMINEE, "nominations", payload), ["nominations"])


def nomination_for_decline(session: Session, token: str) -> Nomination:
    """The nomination a nominee's link stands for; raises LinkExpired or LinkInvalid."""
    max_age = backends().settings.nominee_link_max_age
    nomination = session.scalar(
        select(Nomination).where(Nomination.id == read_token(DECLINE, token, max_age))
    )
    if nomination is None:
        raise LinkInvalid("This link is not valid.")
    return nomination


def nomination_to_decline(session: Session, token: str) -> Nomination:
    """The nomination a nominee's link stands for, for the page its GET shows (which
    changes nothing); raises LinkExpired, LinkInvalid, or LinkUsed once declined."""
    nomination = nomination_for_decline(session, token)
    if not nomination.public or nomination.decline_requested_at is not None:
        raise LinkUsed("The nominee declined already.")
    return nomination


def decline(session: Session, token: str, now: dt.datetime | None = None) -> Outcome:
    """The nominee's request not to be named on public pages (staff still see everything).
    The link went to whatever address the first nominator typed, so the request counts
    only once staff have verified that address (at once where they had): else anyone could
    hide someone else's innovation."""
    nomination = nomination_for_decline(session, token)
    if not nomination.public or nomination.decline_requested_at is not None:
        return Outcome(False, nomination)
    nomination.decline_requested_at = now or utcnow()
    _honour_decline(session, nomination, nomination.decline_requested_at)
    return Outcome(True, nomination)


def verify_nominee(session: Session, nomination: Nomination, now: dt.datetime | None = None):
    """Staff verified that the nominee's address is the nominee's: a decline asked with
    its link counts from now on (and one asked before counts now)."""
    now = now or utcnow()
    if nomination.nominee_verified_at is None:
        nomination.nominee_verified_at = now
    _honour_decline(session, nomination, now)


def _honour_decline(session: Session, nomination: Nomination, now: dt.datetime) -> None:
    """Hide the nominee once both the request and the verification are there; a finalist's
    anonymised set goes to voting and jury at once."""
    asked, verified = nomination.decline_requested_at, nomination.nominee_verified_at
    if not (asked and verified and nomination.public):
        return
    nomination.declined_public_at = now
    if is_finalist(session, nomination.id):
        republish_finalists(session, nomination.edition)
