"""Nominations nobody confirmed are erased once their link expired: the nominator's details
and, when no one else nominated it, the innovation. Nominators and nominees' addresses go
some months after the jury closed, and an export's findings some days after it was done."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from services import registry
from services.nominations.models import Edition, Nomination, Nominator
from services.nominations.privacy import record_answer
from services.nominations.retention import erase_people_due, forget_exports_due, purge_unconfirmed
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


def exported(hub, email: str) -> str:
    """An export of the person at the hub, answered by voting and jury (as their events
    would): the request's id."""
    body = {"email": email, "kind": "export"}
    filed = hub.client.post("/api/v1/privacy/requests", json=body, headers=hub.staff)
    assert filed.status_code == 202
    request_id = filed.get_json()["id"]
    with hub.app.app_context(), hub.app.extensions["rv"].sessions.begin() as session:
        for service in ("voting", "jury"):
            answer = {"request_id": request_id, "service": service, "summary": {}, "data": {}}
            record_answer(session, answer)
    return request_id


def findings(hub, request_id: str) -> dict:
    response = hub.client.get(f"/api/v1/privacy/requests/{request_id}", headers=hub.staff)
    assert response.get_json()["status"] == "done"
    return response.get_json()["data"]


def forget_exports_at(hub, days_later: float) -> int:
    """Run the hub's retention of exports some days from now."""
    with hub.app.app_context(), hub.app.extensions["rv"].sessions.begin() as session:
        return forget_exports_due(session, utcnow() + dt.timedelta(days=days_later))


def test_an_export_s_findings_go_after_the_retention(hub):
    hub.confirmed(nominator_name="Lies Maes", nominator_email="lies@telenet.be")
    request_id = exported(hub, "lies@telenet.be")
    assert findings(hub, request_id)["nominations"]["nominations_made"]
    assert forget_exports_at(hub, 29) == 0
    assert findings(hub, request_id)["nominations"]["nominations_made"]
    assert forget_exports_at(hub, 31) == 1
    assert findings(hub, request_id) == {}
    assert forget_exports_at(hub, 32) == 0


def test_the_relay_forgets_exports():
    assert forget_exports_due in registry.periodic("nominations")
