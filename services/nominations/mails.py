"""The hub's mails, sent by its worker (never inside a web request): the nominator's
confirmation link, and the nominee's notice with the link to stay out of public view.

Each is written in the language the nominator used, as plain text, to the address as typed.
The address is not verified (anyone may type anyone's), so no mail carries text the public
typed, and each address gets a limited number of them (`mail_limit_recipient`).
"""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.nominations.confirmation import confirm_link, decline_link
from services.nominations.models import Nomination, Nominator
from shared.backends import backends
from shared.limits import mail_allowed
from shared.mail import build_message


def send_confirmation(session: Session, payload: dict) -> None:
    """Mail a nominator the link that confirms their nomination (not once it is confirmed)."""
    nominator = session.get(Nominator, payload["nominator_id"])
    if nominator is None or nominator.confirmed_at is not None:
        return
    if not mail_allowed(backends().settings.mail_limit_recipient, nominator.email):
        return
    with force_locale(nominator.lang):
        subject = gettext("Bevestig je nominatie voor Radicale Vernieuwers")
        text = render_template(
            "mail/confirm.txt",
            nominator=nominator,
            nomination=nominator.nomination,
            link=confirm_link(nominator.id),
            link_days=backends().settings.nomination_link_max_age // 86400,
        )
    backends().mailer.send(build_message(nominator.email, subject, text))


def send_nominee_notice(session: Session, payload: dict) -> None:
    """Tell a nominee that someone nominated them, and how to stay out of public view."""
    nomination = session.scalar(select(Nomination).where(Nomination.id == payload["nomination_id"]))
    if nomination is None:
        return
    if not mail_allowed(backends().settings.mail_limit_recipient, nomination.nominee_email):
        return
    # The nominee wrote nothing themselves: the nominator's language is the best guess.
    with force_locale(nomination.nominators[0].lang):
        subject = gettext("Je bent genomineerd voor Radicale Vernieuwers")
        text = render_template(
            "mail/nominee.txt", nomination=nomination, link=decline_link(nomination.id)
        )
    backends().mailer.send(build_message(nomination.nominee_email, subject, text))
