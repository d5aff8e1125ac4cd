"""A person nominates in Chromium: fills in the Dutch form by its labels, sends it, opens
the link from the mail in the mail folder, presses its button (opening the link alone
changes nothing), and sees the nomination confirmed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from services.nominations.models import Nomination
from tests.factories import edition_body, issue_token
from tests.mailbox import read_mails
from tests.shared.bus_helpers import drain, relay

pytestmark = pytest.mark.engine_free  # pages in a browser (tests/passes.py)

LINK = re.compile(r"https?://[^/\s]+(/nominations/confirm/\S+)")
TYPED = {
    "Naam van de vernieuwer of het project": "Energiebib",
    "Organisatie": "Vzw Warm Wonen",
    "E-mailadres van de genomineerde": "info@warmwonen.be",
    "Website (niet verplicht)": "https://warmwonen.be",
    "Welk maatschappelijk probleem pakt de vernieuwing aan?": "Energie is te duur voor gezinnen.",
    "Wat werd er concreet gerealiseerd?": "Een bibliotheek waar gezinnen zuinige toestellen lenen.",
    "Wat is de impact? Voor wie maakt het een verschil?": "Driehonderd gezinnen verbruiken minder.",
    "Je naam": "An Peeters",
    "Je e-mailadres": "an.peeters@telenet.be",
}


def hub_with_an_open_edition(make_app):
    """The hub alone, with an edition open for nominations. A person takes longer than the
    form's minimum time to fill it in; a script filling it does not, so it is off here."""
    app = make_app("nominations", nomination_min_fill_seconds=0)
    staff = {"Authorization": f"Bearer {issue_token({'nominations': app}, 'admin')}"}
    response = app.test_client().post("/api/v1/editions", json=edition_body(), headers=staff)
    assert response.status_code == 201
    return app


def statuses(app) -> list[str]:
    """The status of every nomination the hub holds."""
    with app.extensions["rv"].sessions() as session:
        return list(session.scalars(select(Nomination.status)))


def test_nominate_in_dutch_and_confirm_from_the_mail(make_app, serve, page, tmp_path):
    app = hub_with_an_open_edition(make_app)
    url = serve(app)

    page.goto(url + "/")
    page.get_by_role("link", name="Nomineer een sociale vernieuwer").click()
    for label, value in TYPED.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Regio").select_option("Antwerpen")
    page.get_by_label("Thema").select_option("energie")
    page.get_by_label("Ik heb de privacytekst gelezen en ga akkoord.").check()
    page.get_by_role("button", name="Nominatie versturen").click()
    page.wait_for_url("**/nomineren/bedankt")
    assert "Bedankt voor je nominatie" in page.content()

    relay(app).sweep()
    drain(app)
    (mail,) = read_mails(tmp_path / "outbox")
    assert mail["To"] == "an.peeters@telenet.be"
    link = LINK.search(mail.get_body(("plain",)).get_content()).group(1)
    page.goto(url + link)
    assert page.get_by_role("heading", level=1).inner_text() == "Bevestig je nominatie"
    assert statuses(app) == ["unconfirmed"]  # opening the link changed nothing
    page.get_by_role("button", name="Bevestig mijn nominatie").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Nominatie bevestigd"
    assert statuses(app) == ["submitted"]
    assert "is bevestigd" in page.content()
