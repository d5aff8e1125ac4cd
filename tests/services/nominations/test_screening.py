"""Screening: the staff list of confirmed nominations (paginated, filtered), decisions with
a note in an audit log, and the CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from services.nominations.models import Decision, Nomination

LIST = "/api/v1/editions/{slug}/nominations"


def ids(response) -> list[str]:
    return [item["id"] for item in response.get_json()["items"]]


@pytest.fixture
def three(hub) -> list[str]:
    """Three confirmed nominations: Antwerpen/armoede, Limburg/wonen, Brussel/armoede."""
    return [
        hub.confirmed(0),
        hub.confirmed(1, region="Limburg", theme="wonen", solution="Een deelwoning voor jongeren."),
        hub.confirmed(2, region="Brussel"),
    ]


def test_the_list_pages_with_a_cursor_oldest_first(hub, three):
    first = hub.get(LIST + "?limit=2").get_json()
    rest = hub.get(LIST + f"?limit=2&cursor={first['next']}").get_json()
    assert [i["id"] for i in first["items"] + rest["items"]] == three
    assert rest["next"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [("region=Limburg", [1]), ("theme=armoede", [0, 2]), ("q=DEELWONING", [1]), ("q=100%", [])],
)
def test_the_list_filters(hub, three, query, expected):
    assert ids(hub.get(f"{LIST}?{query}")) == [three[i] for i in expected]


def test_the_list_filters_by_status(hub, three):
    hub.decide(three[1], "rejected")
    assert ids(hub.get(LIST + "?status=rejected")) == [three[1]]
    assert ids(hub.get(LIST + "?status=submitted")) == [three[0], three[2]]


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=unconfirmed", "status"), ("region=Mars", "region"), ("q=" + "x" * 201, "q")],
)
def test_a_filter_that_cannot_match_is_422(hub, query, field):
    response = hub.get(f"{LIST}?{query}")
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [field]


def test_a_bad_cursor_is_400(hub):
    assert hub.get(LIST + "?cursor=abc").status_code == 400


def test_accepting_answers_the_nomination_with_the_decision(hub):
    nomination_id = hub.confirmed()
    response = hub.decide(nomination_id, "accepted", "Sterk dossier")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["note"]) == ("accepted", "Sterk dossier")
    (decision,) = body["decisions"]
    assert decision["staff"] == "tester"
    assert (decision["from_status"], decision["status"]) == ("submitted", "accepted")


def test_a_change_of_mind_is_logged_too(hub):
    nomination_id = hub.confirmed()
    hub.decide(nomination_id, "accepted")
    body = hub.decide(nomination_id, "rejected", "Geen realisatie, een idee").get_json()
    steps = [(d["from_status"], d["status"], d["note"]) for d in body["decisions"]]
    assert steps == [
        ("submitted", "accepted", "ok"),
        ("accepted", "rejected", "Geen realisatie, een idee"),
    ]


def test_deciding_on_an_unconfirmed_nomination_is_409(hub):
    confirmed = hub.confirmed(1)
    assert hub.decide(confirmed).status_code == 200  # a confirmed one is decided on
    nomination_id = hub.nominate().get_json()["id"]
    assert hub.decide(nomination_id).status_code == 409
    with hub.app.extensions["rv"].sessions() as session:
        status = select(Nomination.status).where(Nomination.id == nomination_id)
        assert session.scalar(status) == "unconfirmed"
        logged = select(func.count()).where(Decision.nomination_id == nomination_id)
        assert session.scalar(logged) == 0


@pytest.mark.parametrize(
    "body", [{"status": "submitted"}, {"status": "accepted", "note": "x" * 2001}, {}]
)
def test_an_invalid_decision_is_422(hub, body):
    nomination_id = hub.confirmed()
    response = hub.client.patch(
        f"/api/v1/nominations/{nomination_id}", json=body, headers=hub.staff
    )
    assert response.status_code == 422


def test_deciding_on_an_unknown_nomination_is_404(hub):
    assert hub.decide("00000000-0000-4000-8000-000000000000").status_code == 404


def export(hub, query: str = ""):
    return hub.get(f"/api/v1/editions/{{slug}}/nominations.csv{query}")


def rows(response) -> list[dict]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_is_utf8_csv_with_a_bom(hub):
    hub.confirmed(nominee_name="Café Zoë")
    response = export(hub)
    assert response.mimetype == "text/csv"
    assert response.get_data().startswith("\ufeff".encode())
    assert [r["nominee_name"] for r in rows(response)] == ["Café Zoë"]


def test_the_export_holds_only_confirmed_nominations(hub):
    hub.confirmed(0)
    hub.nominate(1)
    assert len(rows(export(hub))) == 1


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_the_export_defuses_formulas(hub, start):
    hub.confirmed(organisation=f'{start}HYPERLINK("http://x")')
    assert rows(export(hub))[0]["organisation"] == f'\'{start}HYPERLINK("http://x")'


def test_the_export_takes_the_list_filters(hub, three):
    assert [r["id"] for r in rows(export(hub, "?region=Brussel"))] == [three[2]]
