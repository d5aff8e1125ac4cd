"""SQL and HTML typed into every text field: stored exactly as typed, shown escaped on the
pages that show it again, and defused in the CSV exports staff open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from services.nominations.confirmation import confirm_link
from services.nominations.models import Nomination, Nominator
from tests.factories import edition_body, issue_token
from tests.fuzz.conftest import HTML
from tests.links import follow
from tests.services.jury.conftest import score_form
from tests.services.nominations.conftest import nomination_body

# The free texts (region and theme are chosen from lists).
TEXT_FIELDS = ("nominee_name", "organisation", "problem", "solution", "impact")
PAYLOADS = {
    "sql": "'); DROP TABLE nominations; -- {field} en nog wat tekst om lang genoeg te zijn",
    "html": '<script>alert("{field}")</script><img src=x onerror=alert(1)> lang genoeg tekst',
    "formula": '=HYPERLINK("http://elders.example","{field}") en nog wat tekst erbij',
}


def typed(kind: str) -> dict:
    """A nomination with the payload of `kind` in every text field (named in it)."""
    return nomination_body(5) | {f: PAYLOADS[kind].format(field=f) for f in TEXT_FIELDS}


def confirmed(campaign, body: dict) -> str:
    """Nominate through the API and follow the confirmation link; the nomination's id."""
    hub = campaign.apps["nominations"]
    response = hub.test_client().post("/api/v1/editions/fuzz-nominating/nominations", json=body)
    assert response.status_code == 202
    nomination_id = response.get_json()["id"]
    with hub.app_context(), hub.extensions["rv"].sessions() as session:
        nominator = session.scalar(
            select(Nominator.id).where(Nominator.nomination_id == nomination_id)
        )
        link = confirm_link(nominator)
    assert follow(hub.test_client(), urlsplit(link).path).status_code == 200
    return nomination_id


@pytest.mark.parametrize("kind", PAYLOADS)
def test_every_text_field_is_stored_as_typed(campaign, kind):
    body = typed(kind)
    nomination_id = confirmed(campaign, body)
    with campaign.apps["nominations"].extensions["rv"].sessions() as session:
        row = session.scalar(select(Nomination).where(Nomination.id == nomination_id))
        assert {f: getattr(row, f) for f in TEXT_FIELDS} == {f: body[f] for f in TEXT_FIELDS}


@pytest.mark.parametrize("kind", PAYLOADS)
def test_the_nominations_export_defuses_formulas_and_keeps_the_text(campaign, kind):
    body = typed(kind)
    confirmed(campaign, body)
    response = (
        campaign.apps["nominations"]
        .test_client()
        .get("/api/v1/editions/fuzz-nominating/nominations.csv", headers=campaign.staff)
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    cells = [value for row in rows for value in row.values() if value and "HYPERLINK" in value]
    if kind == "formula":
        assert cells and all(cell.startswith("'=") for cell in cells)
    shown = {value for row in rows for value in row.values()}
    lost = [f for f in TEXT_FIELDS if body[f] not in shown and f"'{body[f]}" not in shown]
    assert lost == []


def test_the_nomination_form_shows_typed_html_back_escaped(stack):
    hub = stack(nomination_min_fill_seconds=0)["nominations"]
    staff = {"Authorization": f"Bearer {issue_token({'nominations': hub})}"}
    hub.test_client().post("/api/v1/editions", json=edition_body(), headers=staff)
    client = hub.test_client()
    form_page = client.get("/nomineren", headers=HTML).get_data(as_text=True)
    form = {k: str(v) for k, v in typed("html").items()} | {"consent": ""}  # refused: no consent
    form |= dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form_page))
    response = client.post("/nomineren", data=form, headers=HTML)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page


def test_a_jurors_comment_is_shown_back_escaped_and_defused_in_the_export(campaign):
    juror, finalist = campaign.juror(), campaign.finalist_id()
    comment = '=cmd|"/c calc"!A1 <b onmouseover=alert(1)>vet</b>'
    assert score_form(juror, finalist, {}, comment=comment).status_code == 303
    page = juror.get(f"/beoordelen/{finalist}", headers=HTML).get_data(as_text=True)
    assert "<b onmouseover" not in page and "&lt;b onmouseover=alert(1)&gt;vet" in page
    export = (
        campaign.apps["jury"]
        .test_client()
        .get("/api/v1/editions/demo/scores.csv", headers=campaign.staff)
    )
    rows = csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")))
    assert [cell for row in rows for cell in row if "calc" in cell] == [f"'{comment}"]
