"""One staff area over three services: every staff page carries the same navigation,
linking across the services at their public addresses in the page's language, marking
where one is and saying what the edition's phase asks next; each page and sign-in form
says which service it signs in to and that the other two ask on their own; and each
service's page of failed events, with a retry button."""

from __future__ import annotations

import html
import re

from shared.schemas.contest import FINALISTS_SELECTED  # noqa: F401  (the events the stack knows)
from tests.factories import edition_body, issue_token
from tests.services.nominations.staff_helpers import HTML, post_form, signed_in
from tests.shared.test_bus import poisoned, test_handler  # noqa: F401  (fixtures)

NAV = re.compile(r'<nav class="staff-nav".*?</nav>', re.S)


def nav_of(client, path: str) -> str:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200
    return html.unescape(NAV.search(response.get_data(as_text=True)).group(0))


def test_a_hub_page_links_to_voting_and_jury_at_their_public_addresses(make_app):
    hub = make_app(
        "nominations",
        public_urls=(
            ("nominations", "https://rv.example"),
            ("voting", "https://stem.rv.example"),
            ("jury", "https://jury.rv.example"),
        ),
    )
    token = issue_token({"nominations": hub}, "admin")
    body = edition_body()
    staff = {"Authorization": f"Bearer {token}"}
    assert hub.test_client().post("/api/v1/editions", json=body, headers=staff).status_code == 201
    slug = body["slug"]
    nav = nav_of(signed_in(hub, token), f"/staff/editions/{slug}/finalists?lang=en")
    assert f'href="https://stem.rv.example/staff/editions/{slug}/review?lang=en"' in nav
    assert f'href="https://jury.rv.example/staff/editions/{slug}?lang=en"' in nav
    assert f'href="/staff/editions/{slug}/finalists?lang=en" aria-current="page"' in nav
    assert "You can already look at the nominations" in nav  # the phase, and what it asks next


def test_a_staff_page_says_where_one_is_signed_in_and_that_the_others_ask_apart(make_app):
    voting = make_app("voting")
    client = signed_in(voting, issue_token({"voting": voting}, "admin", name="Secretariaat"))
    shown = html.unescape(client.get("/staff/", headers=HTML).get_data(as_text=True))
    assert "Aangemeld bij de stemdienst als Secretariaat" in shown
    assert "Pagina's van de hub (nominaties) en de jurydienst vragen" in nav_of(client, "/staff/")


def test_the_sign_in_form_names_its_service_in_the_page_language(make_app):
    jury = make_app("jury")
    shown = jury.test_client().get("/staff/login?lang=en", headers=HTML).get_data(as_text=True)
    assert "This is the sign-in of the jury service; the hub (nominations) and" in shown


def test_the_failed_events_page_lists_them_and_retries_one(poisoned):  # noqa: F811
    apps, poison = poisoned
    voting = apps["voting"]
    client = signed_in(voting, issue_token(apps, "events"))
    shown = client.get("/staff/events", headers=HTML).get_data(as_text=True)
    assert poison in shown and "no handler" in shown
    job_id = f"{voting.extensions['rv'].settings.queue_name()}-ev-{poison}"
    response = post_form(client, f"/staff/events/{job_id}/retry", {}, page="/staff/events")
    assert response.status_code == 303
    assert poison not in client.get("/staff/events", headers=HTML).get_data(as_text=True)
