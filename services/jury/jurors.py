"""Jurors: staff invite them by e-mail; every login link goes out as a mail from the worker,
and voting learns who they are (as keyed hashes), since jurors may not vote."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict, NotFound

from services.jury import conflicts
from services.jury.models import Edition, Juror, LoginLink
from shared.backends import backends
from shared.events import envelope, publish
from shared.people import identify, normalise
from shared.schemas.contest import JUROR_LISTED, JurorListedEventSchema

MAIL_LOGIN = "mail.juror_login"
JUROR_LISTED_EVENT = JurorListedEventSchema()


def invite(session: Session, edition: Edition, data: dict, staff: str) -> Juror:
    """Add a juror to the edition and mail them a login link; 409 if the address is taken."""
    juror = Juror(edition_id=edition.id, email_key=normalise(data["email"]), invited_by=staff)
    for name in ("name", "email", "lang", "organisation"):
        setattr(juror, name, data[name])
    try:
        with session.begin_nested():  # two invitations at once: the unique address decides
            session.add(juror)
    except IntegrityError as exc:
        raise Conflict("This address is already a juror of this edition.") from exc
    conflicts.refresh(session, edition, [juror])
    send_login_link(session, juror)
    _tell_voting(session, edition, data["email"])
    return juror


def _tell_voting(session: Session, edition: Edition, email: str) -> None:
    """Jurors may not vote: voting learns the juror's person hash (never the address)."""
    payload = {"edition": edition.slug, "person_hash": identify(backends().settings, email).hash}
    publish(session, envelope(JUROR_LISTED, "jury", JUROR_LISTED_EVENT.dump(payload)), ["voting"])


def send_login_link(session: Session, juror: Juror) -> LoginLink:
    """A new single-use login link for the juror, mailed by the worker after commit."""
    link = new_login_link(session, juror)
    publish(session, envelope(MAIL_LOGIN, "jury", {"link_id": link.id}), ["jury"])
    return link


def new_login_link(session: Session, juror: Juror) -> LoginLink:
    """A new single-use login link for the juror, for a mail to carry (login.link_token)."""
    link = LoginLink(juror_id=juror.id)
    session.add(link)
    session.flush()
    return link


def resend_links(session: Session, email: str) -> int:
    """Mail a new link to every juror with this address (one per edition they judge).

    The caller answers the same whatever this returns, so nobody learns who is a juror.
    """
    jurors = session.scalars(select(Juror).where(Juror.email_key == normalise(email))).all()
    for juror in jurors:
        send_login_link(session, juror)
    return len(jurors)


def get_juror(session: Session, edition: Edition, juror_id: str) -> Juror:
    """A juror of this edition, or 404."""
    juror = session.get(Juror, juror_id)
    if juror is None or juror.edition_id != edition.id:
        raise NotFound("No juror with this id in this edition.")
    return juror
