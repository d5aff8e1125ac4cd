"""The hub's mails, sent by its worker (never inside a web request, nor inside a
transaction: each is read first, then sent, shared/mail_events.py): the nominator's
confirmation link, and the nominee's notice with the link to stay out of public view.

Each is written in the language the nominator used, as plain text, to the address as typed.
The address is not verified (anyone may type anyone's), so no mail carries text the public
typed, and each address gets a limited number of them (`mail_limit_recipient`).
"""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.nominations.confirmation import confirm_link, decline_link
from services.nominations.models import Nomination, Nominator
from shared.backends import backends
from shared.limits import mail_allowed
from shared.prepared_mail import PreparedMail


def confirmation_mail(session: Session, payload: dict) -> PreparedMail | None:
    """A nominator's mail with the link that confirms their nomination (None once it is
    confirmed, or past the address's mail limit)."""
    nominator = session.get(Nominator, payload["nominator_id"])
    if nominator is None or nominator.confirmed_at is not None:
        return None
    if not mail_allowed(backends().settings.mail_limit_recipient, nominator.email):
        return None
    context = {
        "link": confirm_link(nominator.id),
        "link_days": backends().settings.nomination_link_max_age // 86400,
    }
    subject = lazy_gettext("Bevestig je nominatie voor Radicale Vernieuwers")
    return PreparedMail(nominator.email, nominator.lang, subject, "mail/confirm.txt", context)


def nominee_notice(session: Session, payload: dict) -> PreparedMail | None:
    """A nominee's notice that someone nominated them, and how to stay out of public view
    (None past the address's mail limit)."""
    nomination = session.scalar(select(Nomination).where(Nomination.id == payload["nomination_id"]))
    if nomination is None:
        return None
    if not mail_allowed(backends().settings.mail_limit_recipient, nomination.nominee_email):
        return None
    # The nominee wrote nothing themselves: the nominator's language is the best guess.
    lang = nomination.nominators[0].lang
    subject = lazy_gettext("Je bent genomineerd voor Radicale Vernieuwers")
    context = {"link": decline_link(nomination.id)}
    return PreparedMail(nomination.nominee_email, lang, subject, "mail/nominee.txt", context)
