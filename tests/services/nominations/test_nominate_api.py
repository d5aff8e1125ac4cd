"""Public nomination over the JSON API: the fields of the contract, checked by the shared
schema; a confirmation mail to the nominator; a rate limit per client address."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from services.nominations.models import Nomination
from tests.services.nominations.conftest import Hub, nomination_body


def stored(app) -> int:
    with app.extensions["rv"].sessions() as session:
        return session.scalar(select(func.count()).select_from(Nomination))


def test_a_nomination_is_taken_in_unconfirmed_with_a_uuid(hub):
    response = hub.nominate()
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "unconfirmed"
    assert uuid.UUID(body["id"]).version == 4


def test_the_nominator_gets_a_confirmation_link_at_the_address_as_typed(hub):
    hub.nominate(nominator_email="Proef.Persoon@Telenet.be")
    hub.deliver()
    (mail,) = hub.mails("Proef.Persoon@Telenet.be")
    assert "/nominations/confirm/" in mail.get_body(("plain",)).get_content()


def test_no_mail_goes_out_before_the_worker_sends_it(hub):
    hub.nominate()
    assert hub.mails() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"nominee_name": ""}, "nominee_name"),
        ({"nominee_name": "   "}, "nominee_name"),
        ({"organisation": "x" * 201}, "organisation"),
        ({"nominee_email": "geen-adres"}, "nominee_email"),
        ({"nominator_email": "wegwerp@mailinator.com"}, "nominator_email"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"region": "Henegouwen"}, "region"),
        ({"theme": "ruimtevaart"}, "theme"),
        ({"problem": "Te kort."}, "problem"),
        ({"solution": "x" * 3001}, "solution"),
        ({"impact": 42}, "impact"),
        ({"consent": False}, "consent"),
        ({"status": "accepted"}, "status"),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else v,
)
def test_an_invalid_field_is_422_naming_it(hub, changes, field):
    response = hub.nominate(**changes)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [field]


def test_a_missing_consent_is_422(hub):
    body = {k: v for k, v in nomination_body().items() if k != "consent"}
    response = hub.client.post(f"/api/v1/editions/{hub.slug}/nominations", json=body)
    assert response.status_code == 422
    assert "consent" in response.get_json()["error"]["fields"]


def test_an_invalid_nomination_stores_nothing_and_mails_nobody(hub):
    hub.nominate(consent=False)
    hub.deliver()
    assert (stored(hub.app), hub.mails()) == (0, [])


@pytest.mark.parametrize("website", ["", None])
def test_the_website_may_be_left_blank(hub, website):
    assert hub.nominate(website=website).status_code == 202


def test_an_unknown_edition_is_404(hub):
    response = hub.client.post("/api/v1/editions/bestaat-niet/nominations", json=nomination_body())
    assert response.status_code == 404


def test_outside_the_window_is_409_and_stores_nothing(hub):
    hub.close_nominations()
    response = hub.nominate()
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert stored(hub.app) == 0


@pytest.fixture
def limited(hub_app, hub) -> Hub:
    """The hub with two nominations an hour per address."""
    return Hub(hub_app(nominations_rate_limit="2 per hour"), hub.slug, hub.staff, hub.outbox)


def test_past_the_limit_an_address_gets_429_with_retry_after(limited):
    assert [limited.nominate(i).status_code for i in range(3)] == [202, 202, 429]
    # The first of the two was made moments ago: it leaves the hour's window in about an hour.
    assert 3600 - 60 <= int(limited.nominate(3).headers["Retry-After"]) <= 3601


def test_refused_nominations_do_not_use_up_the_limit(limited):
    for _ in range(3):
        assert limited.nominate(consent=False).status_code == 422
    assert [limited.nominate(i).status_code for i in range(2)] == [202, 202]


def test_the_limit_is_per_address(limited):
    for i in range(2):
        limited.nominate(i, ip="192.0.2.10")
    assert limited.nominate(5, ip="192.0.2.11").status_code == 202


def test_the_default_limit_lets_a_class_nominate_together(hub):
    assert {hub.nominate(i).status_code for i in range(30)} == {202}


def test_an_ipv6_client_rotating_through_its_64_is_one_address(limited):
    codes = [limited.nominate(i, ip=f"2001:db8:7:1::{i + 1:x}").status_code for i in range(3)]
    assert codes == [202, 202, 429]
    assert limited.nominate(5, ip="2001:db8:7:2::1").status_code == 202


def test_an_ipv6_site_rotating_through_its_64s_is_one_network(hub_app, hub):
    limited = Hub(
        hub_app(nominations_rate_limit_network="2 per hour"), hub.slug, hub.staff, hub.outbox
    )
    codes = [limited.nominate(i, ip=f"2001:db8:7:{i + 1:x}::1").status_code for i in range(3)]
    assert codes == [202, 202, 429]
    assert limited.nominate(5, ip="2001:db8:8::1").status_code == 202  # another site
    assert stored(limited.app) == 3
