"""Reminders: jurors with finalists left to submit get a mail with a fresh login link.

The relay runs `remind_due` about every second. At each moment the settings name
(JURY_REMINDER_HOURS, by default 168 and 24 hours before jury_close) every juror of the
edition with finalists left gets one reminder for that moment of that close: a unique key
(juror, hours before, close) makes it once each, even with two relays. A juror invited after
a moment gets no reminder for it, and of several moments passed at once only the latest
counts. Staff can send one now (`send_now`); every reminder is kept, so staff see who got
what. The mail goes out from the worker, in the juror's language.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.jury.editions import ensure_open
from services.jury.jurors import get_juror, new_login_link
from services.jury.models import SUBMITTED, Edition, Finalist, Juror, Reminder, Scorecard
from shared.backends import backends
from shared.events import envelope, publish
from shared.models import utcnow

MAIL_REMINDER = "mail.juror_reminder"


def open_finalists(db: Session, juror: Juror) -> int:
    """How many of the edition's finalists the juror has not submitted yet."""
    return left_to_submit(db, juror.edition_id, [juror])[juror.id]


def left_to_submit(db: Session, edition_id: int, jurors: list[Juror]) -> dict[str, int]:
    """Per juror of the edition: how many finalists they have not submitted yet (two
    queries, however many jurors)."""
    finalists = select(Finalist.id).where(Finalist.edition_id == edition_id)
    total = db.scalar(select(func.count()).select_from(finalists.subquery()))
    done = db.execute(
        select(Scorecard.juror_id, func.count())
        .where(
            Scorecard.juror_id.in_([juror.id for juror in jurors]),
            Scorecard.status == SUBMITTED,
            Scorecard.finalist_id.in_(finalists),
        )
        .group_by(Scorecard.juror_id)
    )
    submitted = dict(done.all())
    return {juror.id: total - submitted.get(juror.id, 0) for juror in jurors}


def remind(
    db: Session, juror: Juror, left: int, hours_before: int | None = None, sent_by: str = ""
) -> Reminder | None:
    """Mail the juror a reminder with a fresh login link (after commit, by the worker);
    None when this scheduled reminder went out already."""
    close = db.get(Edition, juror.edition_id).jury_close
    try:
        with db.begin_nested():  # two relays at once: the unique key decides
            link = new_login_link(db, juror)
            reminder = Reminder(
                juror_id=juror.id,
                hours_before=hours_before,
                for_close=close,
                sent_by=sent_by,
                open_finalists=left,
                link_id=link.id,
            )
            db.add(reminder)
    except IntegrityError:
        return None
    publish(db, envelope(MAIL_REMINDER, "jury", {"reminder_id": reminder.id}), ["jury"])
    return reminder


def remind_due(db: Session, now: dt.datetime | None = None) -> int:
    """The periodic duty: send the reminders due now; returns how many went out."""
    now = now or utcnow()
    hours = backends().settings.reminder_hours()
    if not hours:
        return 0
    window = now + dt.timedelta(hours=hours[0])
    query = select(Edition).where(Edition.jury_close > now, Edition.jury_close <= window)
    return sum(_remind_edition(db, edition, hours, now) for edition in db.scalars(query).all())


def _remind_edition(db: Session, edition: Edition, hours: tuple[int, ...], now: dt.datetime) -> int:
    due = min(h for h in hours if now >= edition.jury_close - dt.timedelta(hours=h))
    moment = edition.jury_close - dt.timedelta(hours=due)
    reminded = select(Reminder.juror_id).where(
        Reminder.hours_before == due, Reminder.for_close == edition.jury_close
    )
    jurors = db.scalars(
        _reachable(edition).where(Juror.created_at < moment, Juror.id.not_in(reminded))
    ).all()
    left = left_to_submit(db, edition.id, jurors)
    sent = [juror for juror in jurors if left[juror.id] and remind(db, juror, left[juror.id], due)]
    return len(sent)


def _reachable(edition: Edition):
    """The edition's jurors who still have an address (an erased juror has none)."""
    return select(Juror).where(Juror.edition_id == edition.id, Juror.email != "")


def send_now(db: Session, edition: Edition, staff: str, juror_ids: list[str] | None) -> dict:
    """Staff's reminder now, to these jurors (404 for one not of the edition) or to every
    juror with finalists left; jurors with none left (or no address) are skipped. 409 once
    the jury has closed."""
    ensure_open(edition)
    if juror_ids is None:
        jurors = db.scalars(_reachable(edition)).all()
    else:
        jurors = [get_juror(db, edition, juror_id) for juror_id in juror_ids]
    sent, skipped = [], []
    for juror in jurors:
        left = open_finalists(db, juror) if juror.email else 0  # an erased juror: no address
        if left:
            sent.append(remind(db, juror, left, sent_by=staff))
        else:
            skipped.append(juror.id)
    return {"sent": sent, "skipped": skipped}
