"""Jurors' addresses go some days after their edition's jury closed (`juror_retention_days`):
their log-in links are no longer needed. Their names, scores and comments stay: the ranking
and the record of who judged (a person who asks is erased wholly: services/jury/privacy.py).
The relay runs this every second or so."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from services.jury.models import Edition, Juror, LoginLink
from shared.backends import backends
from shared.models import utcnow
from shared.retention import editions_due
from shared.scrubbing import erased


def erase_jurors_due(session: Session, now: dt.datetime | None = None) -> int:
    """Erase the addresses and log-in links of the jurors of every edition whose jury closed
    `juror_retention_days` ago; returns how many editions."""
    now = now or utcnow()
    days = backends().settings.juror_retention_days
    editions = session.scalars(editions_due(Edition, "jury_close", "jurors_erased_at", days, now))
    count = 0
    for edition in editions.all():
        jurors = select(Juror.id).where(Juror.edition_id == edition.id)
        session.execute(delete(LoginLink).where(LoginLink.juror_id.in_(jurors)))
        session.execute(
            update(Juror)
            .where(Juror.edition_id == edition.id, Juror.email != "")
            .values(email="", email_key="erased:" + Juror.id)
            .execution_options(synchronize_session=False)
        )
        edition.jurors_erased_at, count = now, count + 1
    if count:
        erased(session)
    return count
