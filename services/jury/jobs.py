"""rq jobs of the jury service: events from the hub, its own mails, the close, reminders.

`edition.scheduled` keeps the edition's replica (seeding the default criteria the first
time), `finalists.selected` the finalists (and the conflict-of-interest hints),
`mail.juror_login` sends a login link, `mail.juror_reminder` a reminder (mail is never sent
inside a web request, nor inside a transaction: each is read, then sent,
shared/mail_events.py). The relay runs PERIODIC every second.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.jury import conflicts
from services.jury.closing import close_due
from services.jury.criteria import seed_defaults
from services.jury.jurors import MAIL_LOGIN
from services.jury.login import link_token
from services.jury.models import Edition, Finalist, Juror, LoginLink, Reminder
from services.jury.privacy import handle_request
from services.jury.reminders import MAIL_REMINDER, remind_due
from services.jury.retention import erase_jurors_due
from shared.backends import backends
from shared.editions import SCHEDULED, schedule_handler
from shared.events import Handler, apply_job
from shared.finalists import finalists_handler
from shared.outbox_pruning import prune_acked
from shared.prepared_mail import PreparedMail, prepared_mail_handler
from shared.schemas.contest import FINALISTS_SELECTED
from shared.schemas.privacy import PRIVACY_REQUESTED
from shared.scrubbing import scrub_log

_apply_schedule = schedule_handler(Edition)


def apply_schedule(session: Session, payload: dict) -> None:
    """Keep the edition's schedule; a new edition gets the default criteria."""
    _apply_schedule(session, payload)
    session.flush()
    seed_defaults(session, session.scalar(select(Edition).where(Edition.slug == payload["slug"])))


def login_mail(session: Session, payload: dict) -> PreparedMail | None:
    """A juror's mail with their login link, in their language (None: the juror was removed
    since)."""
    link = session.get(LoginLink, payload["link_id"])
    if link is None:
        return None
    juror = session.get(Juror, link.juror_id)
    settings = backends().settings
    context = {
        "juror": juror,
        "edition": session.get(Edition, juror.edition_id),
        "url": f"{settings.public_url('jury')}/login/{link_token(link)}",
        "valid": dt.timedelta(seconds=settings.jury_login_link_max_age),
    }
    subject = lazy_gettext("Je aanmeldlink voor de jury van Radicale Vernieuwers")
    return PreparedMail(juror.email, juror.lang, subject, "mail/login.txt", context)


_apply_finalists = finalists_handler(Edition, Finalist)


def apply_finalists(session: Session, payload: dict) -> None:
    """Keep the edition's finalists and find the jurors' conflict-of-interest hints again."""
    _apply_finalists(session, payload)
    session.flush()
    edition = session.scalar(select(Edition).where(Edition.slug == payload["edition"]))
    conflicts.refresh(session, edition)


def reminder_mail(session: Session, payload: dict) -> PreparedMail | None:
    """A juror's reminder with its fresh login link, in their language (None: the juror was
    removed since)."""
    reminder = session.get(Reminder, payload["reminder_id"])
    link = reminder and session.get(LoginLink, reminder.link_id)
    if link is None:
        return None
    juror = session.get(Juror, reminder.juror_id)
    context = {
        "juror": juror,
        "edition": session.get(Edition, juror.edition_id),
        "reminder": reminder,
        "url": f"{backends().settings.public_url('jury')}/login/{link_token(link)}",
    }
    subject = lazy_gettext("Herinnering: de jury van Radicale Vernieuwers sluit binnenkort")
    return PreparedMail(juror.email, juror.lang, subject, "mail/reminder.txt", context)


HANDLERS: dict[str, Handler] = {
    SCHEDULED: apply_schedule,
    FINALISTS_SELECTED: apply_finalists,
    MAIL_LOGIN: prepared_mail_handler(login_mail),
    MAIL_REMINDER: prepared_mail_handler(reminder_mail),
    PRIVACY_REQUESTED: handle_request,
}
PERIODIC = (close_due, remind_due, erase_jurors_due, prune_acked, scrub_log)


def apply_events(envelopes: list[dict]) -> dict:
    """rq job: apply a batch of events sent to jury, each exactly once."""
    return apply_job(backends().sessions, envelopes, HANDLERS)
