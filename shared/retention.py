"""When people's data are due to go: an edition's data of one kind of person go a number of
days (a setting) after one of its deadlines, and again after a later close if staff moved
that deadline and the round reopened."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, or_, select


def editions_due(edition_model, closes: str, erased: str, days: int, now: dt.datetime) -> Select:
    """The editions whose `closes` moment lies `days` before `now` and whose data were not
    erased since (their `erased` moment is empty or before that close)."""
    close, done = getattr(edition_model, closes), getattr(edition_model, erased)
    cutoff = now - dt.timedelta(days=days)
    return select(edition_model).where(close <= cutoff, or_(done.is_(None), done < close))
