"""The links mailed about a nomination: the nominator's confirmation (signed, expiring,
single use) and the nominee's notice, with which they may stay out of public view."""

from __future__ import annotations

import time
import uuid

import pytest
from itsdangerous import TimestampSigner

from services.nominations.confirmation import CONFIRM, DECLINE
from shared.tokens import make_token
from tests.links import button_form, follow
from tests.services.nominations.conftest import nomination_body

NOMINATOR = nomination_body()["nominator_email"]
NOMINEE = nomination_body()["nominee_email"]


def staff_view(hub, nomination_id: str):
    return hub.get(f"/api/v1/nominations/{nomination_id}")


@pytest.fixture
def sent(hub) -> str:
    """The id of a nomination whose confirmation mail went out."""
    nomination_id = hub.nominate().get_json()["id"]
    hub.deliver()
    return nomination_id


def test_the_links_button_confirms_the_nomination(hub, sent):
    response = follow(hub.client, hub.link(NOMINATOR))
    assert response.status_code == 200
    assert "bevestigd" in response.get_data(as_text=True)
    assert staff_view(hub, sent).get_json()["status"] == "submitted"


def test_opening_the_link_shows_the_button_and_confirms_nothing(hub, sent):
    link = hub.link(NOMINATOR)
    for _ in range(2):  # a mail scanner, then a link preview
        response = hub.client.get(link)
        assert response.status_code == 200
        assert button_form(response.get_data(as_text=True))[0] == link
    assert staff_view(hub, sent).status_code == 404
    assert hub.mails(NOMINEE) == []


def test_pressing_the_button_without_the_csrf_token_confirms_nothing(hub, sent):
    assert hub.client.post(hub.link(NOMINATOR)).status_code == 400
    assert staff_view(hub, sent).status_code == 404


def test_an_unconfirmed_nomination_is_hidden_from_staff(hub, sent):
    assert staff_view(hub, sent).status_code == 404
    assert hub.get("/api/v1/editions/{slug}/nominations").get_json()["items"] == []


def test_a_used_link_says_so_without_a_button_and_changes_nothing(hub, sent):
    link = hub.link(NOMINATOR)
    follow(hub.client, link)
    before = staff_view(hub, sent).get_json()
    response = hub.client.get(link)
    assert response.status_code == 200
    assert "al bevestigd" in response.get_data(as_text=True)
    assert button_form(response.get_data(as_text=True)) is None
    assert staff_view(hub, sent).get_json() == before


def test_pressing_the_button_twice_counts_once(hub, sent):
    link = hub.link(NOMINATOR)
    token = button_form(hub.client.get(link).get_data(as_text=True))[1]
    for _ in range(2):  # two tabs opened before either was pressed
        response = hub.client.post(link, data={"csrf_token": token})
    assert "al bevestigd" in response.get_data(as_text=True)
    assert staff_view(hub, sent).get_json()["nominations"] == 1


def test_a_tampered_link_is_404_and_confirms_nothing(hub, sent):
    link = hub.link(NOMINATOR)
    response = hub.client.get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    assert response.status_code == 404
    assert "klopt niet" in response.get_data(as_text=True)
    assert staff_view(hub, sent).status_code == 404


def test_an_expired_link_is_410_and_confirms_nothing(hub, monkeypatch):
    nomination_id = hub.nominate().get_json()["id"]
    eight_days_ago = int(time.time()) - 8 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: eight_days_ago)
    hub.deliver()  # the mail is written with a link made eight days ago
    monkeypatch.undo()
    response = hub.client.get(hub.link(NOMINATOR))
    assert response.status_code == 410
    assert "verlopen" in response.get_data(as_text=True)
    assert staff_view(hub, nomination_id).status_code == 404


@pytest.mark.parametrize(
    "purpose_and_value",
    [(DECLINE, "use-the-nominator-id"), (CONFIRM, str(uuid.uuid4()))],
    ids=["token-for-another-purpose", "token-for-nobody"],
)
def test_a_genuine_token_for_something_else_is_404(hub, sent, purpose_and_value):
    purpose, value = purpose_and_value
    with hub.app.app_context():
        token = make_token(purpose, value if value != "use-the-nominator-id" else sent)
    assert hub.client.get(f"/nominations/confirm/{token}").status_code == 404


def test_the_nominee_hears_of_it_once_it_is_confirmed(hub, sent):
    assert hub.mails(NOMINEE) == []
    follow(hub.client, hub.link(NOMINATOR))
    hub.deliver()
    (mail,) = hub.mails(NOMINEE)
    assert "/nominations/decline/" in mail.get_body(("plain",)).get_content()


def test_a_self_nomination_sends_no_notice(hub):
    hub.nominate(nominator_email="INFO0@vzwproef.be")
    hub.deliver()
    follow(hub.client, hub.link("INFO0@vzwproef.be"))
    hub.deliver()
    assert [m["To"] for m in hub.mails()] == ["INFO0@vzwproef.be"]


def test_the_decline_page_asks_before_it_changes_anything(hub):
    nomination_id = hub.confirmed()
    hub.deliver()
    response = hub.client.get(hub.link(NOMINEE, "decline"))
    assert response.status_code == 200
    assert 'name="csrf_token"' in response.get_data(as_text=True)
    assert staff_view(hub, nomination_id).get_json()["public"] is True


def test_declining_hides_the_nominee_from_the_public_not_from_staff(hub):
    nomination_id = hub.confirmed()
    hub.decline()
    view = staff_view(hub, nomination_id).get_json()
    assert (view["public"], view["nominee_name"]) == (False, "Energiebib 0")


def test_a_used_decline_link_is_410_on_its_get(hub):
    hub.confirmed()
    hub.deliver()
    link = hub.link(NOMINEE, "decline")
    follow(hub.client, link)
    assert hub.client.get(link).status_code == 410


def test_declining_without_the_csrf_token_is_refused(hub):
    nomination_id = hub.confirmed()
    hub.deliver()
    assert hub.client.post(hub.link(NOMINEE, "decline")).status_code == 400
    assert staff_view(hub, nomination_id).get_json()["public"] is True


def test_a_tampered_decline_link_is_404(hub):
    hub.confirmed()
    hub.deliver()
    assert hub.client.get(hub.link(NOMINEE, "decline") + "x").status_code == 404
