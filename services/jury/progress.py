"""Where each juror of an edition stands, for staff: finalists submitted with scores, drafts,
recusals, conflict-of-interest hints, the last thing they did (a login or a save) and the
reminders they were sent."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.jury.models import (
    DRAFT,
    SUBMITTED,
    ConflictHint,
    Edition,
    Finalist,
    Juror,
    LoginLink,
    Reminder,
    Scorecard,
)


def progress(session: Session, edition: Edition) -> list[dict]:
    """Per juror, by name: scored, drafts, recused of `total`, hints, last activity and
    reminders (oldest first)."""
    total = session.scalar(
        select(func.count()).select_from(Finalist).where(Finalist.edition_id == edition.id)
    )
    jurors = session.scalars(
        select(Juror).where(Juror.edition_id == edition.id).order_by(Juror.name, Juror.id)
    ).all()
    counts = _counts(session, edition)
    hints, reminders = _hints(session, edition), _reminders(session, edition)
    active = _last_activity(session, edition)
    return [
        {
            "juror_id": juror.id,
            "name": juror.name,
            "scored": counts.get((juror.id, SUBMITTED, False), 0),
            "drafts": sum(counts.get((juror.id, DRAFT, r), 0) for r in (False, True)),
            "recused": counts.get((juror.id, SUBMITTED, True), 0),
            "total": total,
            "hints": hints[juror.id],
            "last_activity": active.get(juror.id),
            "reminders": reminders[juror.id],
        }
        for juror in jurors
    ]


def _of_edition(edition: Edition):
    return select(Juror.id).where(Juror.edition_id == edition.id)


def _counts(session: Session, edition: Edition) -> dict[tuple, int]:
    finalists = select(Finalist.id).where(Finalist.edition_id == edition.id)
    rows = session.execute(
        select(Scorecard.juror_id, Scorecard.status, Scorecard.recused, func.count())
        .where(Scorecard.juror_id.in_(_of_edition(edition)), Scorecard.finalist_id.in_(finalists))
        .group_by(Scorecard.juror_id, Scorecard.status, Scorecard.recused)
    )
    return {(j, s, bool(r)): n for j, s, r, n in rows}


def _hints(session: Session, edition: Edition) -> dict[str, list[dict]]:
    rows = session.scalars(
        select(ConflictHint)
        .where(ConflictHint.juror_id.in_(_of_edition(edition)))
        .order_by(ConflictHint.finalist_id)
    )
    found = defaultdict(list)
    for row in rows:
        found[row.juror_id].append({"finalist_id": row.finalist_id, "reasons": row.reasons})
    return found


def _reminders(session: Session, edition: Edition) -> dict[str, list[Reminder]]:
    rows = session.scalars(
        select(Reminder)
        .where(Reminder.juror_id.in_(_of_edition(edition)))
        .order_by(Reminder.created_at, Reminder.id)
    )
    sent = defaultdict(list)
    for row in rows:
        sent[row.juror_id].append(row)
    return sent


def _last_activity(session: Session, edition: Edition) -> dict[str, dt.datetime]:
    saves = session.execute(
        select(Scorecard.juror_id, func.max(Scorecard.updated_at))
        .where(Scorecard.juror_id.in_(_of_edition(edition)))
        .group_by(Scorecard.juror_id)
    )
    logins = session.execute(
        select(LoginLink.juror_id, func.max(LoginLink.used_at))
        .where(LoginLink.juror_id.in_(_of_edition(edition)), LoginLink.used_at.is_not(None))
        .group_by(LoginLink.juror_id)
    )
    latest: dict[str, dt.datetime] = {}
    for juror_id, moment in [*saves, *logins]:
        if moment is not None and (juror_id not in latest or moment > latest[juror_id]):
            latest[juror_id] = moment
    return latest
