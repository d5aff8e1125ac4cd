"""The same innovation nominated twice is one nomination, linked, and counted: same
organisation and name (case, accents, punctuation and legal form aside), or same nominee
address. Every nominator still confirms their own."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.nominations.models import Nomination, Nominator
from shared.names import fold
from tests.factories import edition_body
from tests.links import follow
from tests.services.nominations.conftest import nomination_body

SECOND = {"nominator_name": "Tweede Persoon", "nominator_email": "tweede@skynet.be"}


def count(app, model) -> int:
    with app.extensions["rv"].sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    "changes",
    [
        {"nominee_name": "ENERGIEBIB 0", "organisation": "Proef 0 vzw", "nominee_email": "x@y.be"},
        {"nominee_name": "Iets anders", "nominee_email": "Info0@VZWproef.be"},
    ],
    ids=["same-organisation-and-name", "same-nominee-address"],
)
def test_a_second_nomination_is_linked_to_the_first(hub, changes):
    first = hub.nominate().get_json()["id"]
    again = hub.nominate(**changes | SECOND)
    assert again.status_code == 202
    assert again.get_json() == {"id": first, "status": "unconfirmed"}
    assert (count(hub.app, Nomination), count(hub.app, Nominator)) == (1, 2)


def test_another_innovation_is_another_nomination(hub):
    assert hub.nominate(0).get_json()["id"] != hub.nominate(1).get_json()["id"]


def test_each_nominator_gets_their_own_confirmation_mail(hub):
    hub.nominate()
    hub.nominate(**SECOND)
    hub.deliver()
    assert len(hub.mails(SECOND["nominator_email"])) == 1
    assert len(hub.mails("proef.persoon0@telenet.be")) == 1


def test_the_count_is_of_confirmed_nominations(hub):
    nomination_id = hub.confirmed()
    hub.nominate(**SECOND)
    hub.nominate(**SECOND | {"nominator_email": "derde@gmail.com"})
    hub.deliver()
    follow(hub.client, hub.link(SECOND["nominator_email"]))
    view = hub.get(f"/api/v1/nominations/{nomination_id}").get_json()
    assert view["nominations"] == 2
    assert view["nominator_email"] == "proef.persoon0@telenet.be"


def test_a_duplicate_confirms_an_innovation_its_first_nominator_did_not(hub):
    nomination_id = hub.nominate().get_json()["id"]
    hub.nominate(**SECOND)
    hub.deliver()
    follow(hub.client, hub.link(SECOND["nominator_email"]))
    view = hub.get(f"/api/v1/nominations/{nomination_id}").get_json()
    assert (view["status"], view["nominations"]) == ("submitted", 1)


def test_the_nominee_hears_of_it_once_however_many_nominate_it(hub):
    hub.confirmed()
    hub.confirmed(**SECOND)
    hub.deliver()
    assert len(hub.mails("info0@vzwproef.be")) == 1


def test_the_same_innovation_in_another_edition_is_another_nomination(hub):
    body = edition_body()
    hub.client.post("/api/v1/editions", json=body, headers=hub.staff)
    first = hub.nominate().get_json()["id"]
    other = hub.client.post(
        f"/api/v1/editions/{body['slug']}/nominations",
        json=nomination_body(),
    )
    assert other.get_json()["id"] != first


@pytest.mark.parametrize(
    ("a", "b"),
    [("Vzw De Spaak", "De Spaak VZW"), ("Café Caritas", "cafe  caritas!"), ("BV Reuse", "reuse")],
)
def test_names_are_compared_without_case_accents_punctuation_or_legal_form(a, b):
    assert fold(a) == fold(b)
