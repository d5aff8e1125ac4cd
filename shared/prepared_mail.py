"""A mail read from the database and rendered later: what the services' mail events carry
from `read` to `send` (shared/mail_events.py), so that no transaction is open while a
template renders or a message goes out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from shared.backends import backends
from shared.mail import build_message
from shared.mail_events import MailHandler


class PreparedMail(NamedTuple):
    """A mail's recipient (as typed), language, subject (a lazy_gettext string, translated
    when sent), template and the template's context (plain values or loaded rows)."""

    to: str
    lang: str
    subject: Any
    template: str
    context: dict


def send_prepared(mail: PreparedMail) -> None:
    """Render a prepared mail in its language and send it."""
    with force_locale(mail.lang):
        subject, text = str(mail.subject), render_template(mail.template, **mail.context)
    backends().mailer.send(build_message(mail.to, subject, text))


def prepared_mail_handler(read_one: Callable[[Session, dict], PreparedMail | None]):
    """A MailHandler for mails that come few at a time: each payload read on its own
    (None: no mail is due), sent as prepared, nothing written after."""
    return MailHandler(
        lambda session, payloads: [read_one(session, p) for p in payloads], send_prepared
    )
