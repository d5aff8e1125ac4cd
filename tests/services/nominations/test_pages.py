"""The public pages: the home page of the current edition, and the nomination form (the
same schema as the API, CSRF, a honeypot, a time-to-fill check, Post/Redirect/Get)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from services.nominations.models import Edition, Nomination
from services.nominations.schedule import current_edition
from shared.models import utcnow
from tests.factories import iso
from tests.services.nominations.conftest import Hub, nomination_body

HTML = {"Accept": "text/html"}


def page(hub, path: str = "/", **options) -> str:
    return hub.client.get(path, headers=HTML, **options).get_data(as_text=True)


def test_home_shows_the_edition_its_phase_and_the_form_link(hub):
    text = page(hub)
    assert "Radicale Vernieuwers test" in text
    assert "Je kunt nu een sociale vernieuwer nomineren." in text
    assert 'href="/nomineren"' in text


def test_home_writes_each_deadline_out_in_the_editions_zone(hub):
    hub.patch_edition(jury_close="2031-03-01T22:59:00+00:00")
    text = page(hub)
    assert "zaterdag 1 maart 2031 om 23:59 (tijd in België, CET)" in text
    assert '<time datetime="2031-03-01T22:59:00+00:00">' in text


def test_home_links_to_the_voting_page_while_voting(hub):
    hub.patch_edition(nominations_close=iso(-20), voting_open=iso(-10))
    text = page(hub)
    assert 'href="http://127.0.0.1:5002/"' in text
    assert 'href="/nomineren"' not in text


def test_home_states_the_editions_tie_rule(hub):
    hub.patch_edition(tie_break="shared")
    assert "Bij een gelijke stand delen de finalisten de prijs." in page(hub)


def test_home_in_english(hub):
    assert "You can nominate a social innovator now." in page(hub, "/?lang=en")


def test_home_without_any_edition(hub_app):
    text = hub_app().test_client().get("/").get_data(as_text=True)
    assert "Er is nog geen editie gepland" in text


def make(start_hours: float, end_hours: float, slug: str) -> Edition:
    now = utcnow()
    hours = [start_hours + (end_hours - start_hours) * k / 4 for k in range(5)]
    moments = [now + dt.timedelta(hours=h) for h in hours]
    names = ("nominations_open", "nominations_close", "voting_open", "voting_close", "jury_close")
    return Edition(slug=slug, title=slug, **dict(zip(names, moments, strict=True)))


@pytest.mark.parametrize(
    ("editions", "expected"),
    [
        ([(-10, -5, "vorige"), (-1, 9, "lopende"), (5, 9, "volgende")], "lopende"),
        ([(-10, -5, "vorige"), (5, 9, "volgende"), (20, 30, "latere")], "volgende"),
        ([(-30, -20, "oude"), (-10, -5, "vorige")], "vorige"),
    ],
    ids=["running", "next-upcoming", "latest"],
)
def test_the_current_edition(hub_app, editions, expected):
    with hub_app().extensions["rv"].sessions.begin() as session:
        session.add_all(make(*e) for e in editions)
        session.flush()
        assert current_edition(session, utcnow()).slug == expected


@pytest.fixture
def form_hub(hub_app, hub) -> Hub:
    """The hub whose form takes a nomination however fast it is filled in."""
    return Hub(hub_app(nomination_min_fill_seconds=0), hub.slug, hub.staff, hub.outbox)


def form_fields(hub) -> dict:
    """The hidden fields of the form (CSRF token, start time) as a browser sends them."""
    text = page(hub, "/nomineren")
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', text))


def post_form(hub, hidden: dict | None = None, **changes):
    """Send the form with `changes` (None leaves a field out), its hidden fields as given or
    as the form page has them now."""
    body = nomination_body() | {"consent": "yes"} | changes
    data = (hidden or form_fields(hub)) | {k: v for k, v in body.items() if v is not None}
    return hub.client.post("/nomineren", data=data, headers=HTML)


def count(hub) -> int:
    with hub.app.extensions["rv"].sessions() as session:
        return session.scalar(select(func.count()).select_from(Nomination))


def test_the_form_has_labels_a_honeypot_and_a_csrf_token(form_hub):
    text = page(form_hub, "/nomineren")
    assert '<label for="nominee_name">' in text
    assert 'name="csrf_token"' in text
    honeypot = re.search(r'<div class="honeypot".*?</div>', text, re.S).group(0)
    assert "Laat dit veld leeg" in honeypot
    assert 'tabindex="-1"' in honeypot and 'autocomplete="off"' in honeypot


def test_a_nomination_by_form_redirects_to_the_thank_you_page(form_hub):
    response = post_form(form_hub)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/nomineren/bedankt")
    assert count(form_hub) == 1
    form_hub.deliver()
    assert len(form_hub.mails(nomination_body()["nominator_email"])) == 1


def test_the_thank_you_page_says_to_look_for_the_mail(form_hub):
    assert "Klik op de link in die mail" in page(form_hub, "/nomineren/bedankt")


def test_the_form_without_csrf_token_is_refused(form_hub):
    data = nomination_body() | {"consent": "yes"}
    assert form_hub.client.post("/nomineren", data=data, headers=HTML).status_code == 400
    assert count(form_hub) == 0


def test_errors_come_back_at_their_fields_with_what_was_typed(form_hub):
    response = post_form(form_hub, nominee_email="geen-adres", consent=None, problem="Kort")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'class="error-summary"' in text
    for field in ("nominee_email", "consent", "problem"):
        assert f'href="#{field}"' in text and f'id="{field}-error"' in text
    assert 'value="geen-adres"' in text and ">Kort</textarea>" in text
    assert "Vink aan dat je de privacytekst gelezen hebt" in text
    assert count(form_hub) == 0


def test_a_filled_honeypot_is_answered_as_a_success_and_stores_nothing(form_hub):
    response = post_form(form_hub, fax="0800 12 34")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/nomineren/bedankt")
    assert count(form_hub) == 0


def test_a_form_sent_sooner_than_a_person_can_is_dropped_quietly(hub):
    response = post_form(hub)  # the default: three seconds at least
    assert response.status_code == 303
    assert count(hub) == 0


def test_the_form_once_nominations_closed(form_hub):
    hidden = form_fields(form_hub)
    form_hub.close_nominations()
    assert "de nominaties zijn niet open" in page(form_hub, "/nomineren")
    assert post_form(form_hub, hidden).status_code == 409


def test_the_form_in_english(form_hub):
    text = page(form_hub, "/nomineren?lang=en")
    assert "Leave this field empty" in text and "Send nomination" in text


def test_the_nominator_gets_the_mail_in_the_forms_language(form_hub):
    page(form_hub, "/nomineren?lang=en")
    post_form(form_hub)
    form_hub.deliver()
    (mail,) = form_hub.mails(nomination_body()["nominator_email"])
    assert mail["Subject"] == "Confirm your nomination for Radicale Vernieuwers"


def test_the_form_and_the_api_share_one_limit_per_address(hub_app, hub):
    limited = Hub(
        hub_app(nominations_rate_limit="1 per hour", nomination_min_fill_seconds=0),
        hub.slug,
        hub.staff,
        hub.outbox,
    )
    assert limited.nominate().status_code == 202
    assert post_form(limited).status_code == 429
