"""Nominations nobody confirmed are erased once their link expired: the nominator's details
and, when no one else nominated it, the innovation."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from services import registry
from services.nominations.models import Nomination, Nominator
from services.nominations.retention import purge_unconfirmed
from shared.models import utcnow

LATER = dt.timedelta(days=7, hours=2)  # past the link's seven days and the margin


def purge(hub, after: dt.timedelta) -> int:
    with hub.app.app_context(), hub.app.extensions["rv"].sessions.begin() as session:
        return purge_unconfirmed(session, utcnow() + after)


def counts(hub) -> tuple[int, int]:
    with hub.app.extensions["rv"].sessions() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (Nomination, Nominator)
        )


def test_an_unconfirmed_nomination_is_erased_once_its_link_expired(hub):
    hub.nominate()
    assert purge(hub, LATER) == 1
    assert counts(hub) == (0, 0)


def test_nothing_is_erased_while_the_link_still_works(hub):
    hub.nominate()
    assert purge(hub, dt.timedelta(days=6)) == 0
    assert counts(hub) == (1, 1)


def test_a_confirmed_nomination_keeps_its_nominators_who_confirmed(hub):
    hub.confirmed()
    hub.nominate(nominator_name="Tweede", nominator_email="tweede@skynet.be")
    assert purge(hub, LATER) == 1
    assert counts(hub) == (1, 1)


def test_the_relay_runs_the_purge():
    assert purge_unconfirmed in registry.periodic("nominations")
