"""Jurors' login links: signed, expiring, single use; and the session they start.

The link's GET only shows a log-in button (shared/links.py); the button's POST uses it.

The token signs the id of a `LoginLink` row; its use is recorded with a conditional UPDATE,
so of two clicks at once only one logs in. Only a juror's newest link works: asking for a
new one ends the earlier ones (a link forwarded or left in an old mail stops working).
The session is Flask's signed cookie, permanent with a sliding lifetime
(JURY_SESSION_LIFETIME), holding only the juror's id.
"""

from __future__ import annotations

import datetime as dt

from flask import session
from sqlalchemy import exists, update
from sqlalchemy.orm import Session, aliased

from services.jury.models import Juror, LoginLink
from shared.models import utcnow
from shared.tokens import LinkInvalid, make_token, read_token
from shared.tokens import LinkUsed as UsedLink

PURPOSE = "jury-login"
SESSION_KEY = "juror_id"
RESUME_KEY = "resume"  # the finalist whose form the juror was on when the session ended


class LinkUsed(UsedLink):
    """The link was genuine but has been used already."""

    def __init__(self, juror_id: str):
        super().__init__("This link has been used already.")
        self.juror_id = juror_id


class LinkReplaced(LinkInvalid):
    """The link was genuine but a newer one has been sent to the juror since."""


def link_token(link: LoginLink) -> str:
    """The token of a login link, as it goes into the mail."""
    return make_token(PURPOSE, link.id)


def link_to_use(db: Session, token: str, max_age: int) -> LoginLink:
    """The unused login link a token stands for (its page, which changes nothing, shows
    this); raises LinkExpired, LinkInvalid (tampered or unknown), LinkReplaced or
    LinkUsed."""
    link = db.get(LoginLink, read_token(PURPOSE, token, max_age))
    if link is None:
        raise LinkInvalid("This link is not valid.")
    if link.used_at is not None:
        raise LinkUsed(link.juror_id)
    if db.scalar(_newer_than(link).select()):
        raise LinkReplaced("A newer link has been sent.")
    return link


def use_link(db: Session, token: str, max_age: int, now: dt.datetime | None = None) -> Juror:
    """The juror a login token is for, its use recorded; raises LinkExpired, LinkInvalid
    (tampered or unknown), LinkReplaced or LinkUsed."""
    link = link_to_use(db, token, max_age)
    used = db.execute(
        update(LoginLink)
        .where(LoginLink.id == link.id, LoginLink.used_at.is_(None), ~_newer_than(link))
        .values(used_at=now or utcnow())
    )
    if used.rowcount != 1:  # another click used it, or a new link was sent meanwhile
        link_to_use(db, token, max_age)
        raise LinkUsed(link.juror_id)
    return db.get(Juror, link.juror_id)


def _newer_than(link: LoginLink):
    """Whether a link was sent to the same juror after this one."""
    later = aliased(LoginLink)
    return exists().where(later.juror_id == link.juror_id, later.created_at > link.created_at)


def start_session(juror: Juror) -> str | None:
    """Log the juror in (a fresh cookie session); returns the finalist to resume, if any."""
    resume, lang = session.get(RESUME_KEY), session.get("lang")
    session.clear()
    session[SESSION_KEY] = juror.id
    session["lang"] = lang or juror.lang
    session.permanent = True
    return resume


def current_juror_id() -> str | None:
    """The id of the juror logged in on this request's session, if any."""
    return session.get(SESSION_KEY)


def end_session() -> None:
    """Log out: forget everything the session held."""
    session.clear()
