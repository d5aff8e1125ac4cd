"""Jurors' addresses go `juror_retention_days` after their edition's jury closed: under a
moved clock, not a day before; their names and scores stay."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from services.jury.models import Edition, Juror, LoginLink
from services.jury.retention import erase_jurors_due
from tests.services.jury.conftest import invite


def erase_at(app, days_after_close: float) -> int:
    with app.app_context(), app.extensions["rv"].sessions.begin() as session:
        close = session.scalar(select(Edition.jury_close))
        return erase_jurors_due(session, close + dt.timedelta(days=days_after_close))


def jurors(app) -> list[tuple[str, str]]:
    with app.extensions["rv"].sessions() as session:
        return [(j.name, j.email) for j in session.scalars(select(Juror))]


def links(app) -> int:
    with app.extensions["rv"].sessions() as session:
        return session.scalar(select(func.count()).select_from(LoginLink))


def test_jurors_addresses_go_after_the_retention_and_their_names_stay(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@kuleuven.be", name="An Peeters")
    assert links(jury) == 1
    assert erase_at(jury, 30.1) == 1
    assert jurors(jury) == [("An Peeters", "")]
    assert links(jury) == 0


def test_nothing_goes_before_the_retention(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@kuleuven.be", name="An Peeters")
    assert erase_at(jury, 29.9) == 0
    assert jurors(jury) == [("An Peeters", "an@kuleuven.be")]


def test_an_edition_is_erased_once(jury, staff, contest):
    invite(jury, staff, contest.slug, "an@kuleuven.be")
    assert erase_at(jury, 31) == 1
    assert erase_at(jury, 32) == 0
