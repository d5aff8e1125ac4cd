"""Nominations nobody confirmed are erased once their link expired: the nominator's details
and, when no one else nominated it, the innovation."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from services import registry
from services.nominations.models import Edition, Nomination, Nominator
from services.nominations.retention import erase_people_due, purge_unconfirmed
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


def erase_people_at(hub, days_after_jury: float) -> int:
    """Run the hub's retention of people at a moment some days after the jury closed."""
    with hub.app.app_context(), hub.app.extensions["rv"].sessions.begin() as session:
        close = session.scalar(select(Edition.jury_close))
        return erase_people_due(session, close + dt.timedelta(days=days_after_jury))


def people(hub) -> tuple[list, list]:
    """(nominators' names, (nominee name, nominee address) of each nomination)."""
    with hub.app.extensions["rv"].sessions() as session:
        nominators = session.scalars(select(Nominator.name)).all()
        nominees = session.execute(select(Nomination.nominee_name, Nomination.nominee_email))
        return list(nominators), [tuple(n) for n in nominees]


def test_nominators_and_nominees_addresses_go_after_the_retention(hub):
    hub.confirmed(nominee_name="Hanne Maes", nominee_email="hanne@warmwonen.be")
    assert erase_people_at(hub, 181) == 1
    assert people(hub) == ([], [("Hanne Maes", "")])
    assert counts(hub) == (1, 0)


def test_nobody_is_erased_before_the_retention(hub):
    hub.confirmed(nominee_name="Hanne Maes", nominee_email="hanne@warmwonen.be")
    assert erase_people_at(hub, 179) == 0
    assert people(hub) == (["Proef Persoon"], [("Hanne Maes", "hanne@warmwonen.be")])
