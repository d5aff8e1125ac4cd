"""Nominations that cannot be captured: a person counts once per innovation however they
spell their address, each nominator's texts stay theirs, a decline counts only for a
nominee address staff verified, and mails to typed addresses carry no typed text and come
at most a few times to one mailbox."""

from __future__ import annotations

from tests.factories import edition_body, issue_token
from tests.links import follow
from tests.services.nominations.conftest import Hub, nomination_body

NOMINEE = nomination_body()["nominee_email"]
SPAM = {"nominee_name": "Klik op https://boef.example", "organisation": "Gratis Geld Vzw"}


def view(hub: Hub, nomination_id: str) -> dict:
    """The nomination as staff read it."""
    response = hub.get(f"/api/v1/nominations/{nomination_id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_repeat_by_the_same_person_does_not_raise_the_count(hub):
    nomination_id = hub.confirmed(nominator_email="an.peeters@gmail.com")
    assert view(hub, nomination_id)["nominations"] == 1
    assert hub.confirmed(nominator_email="AnPeeters+rv@googlemail.com") == nomination_id
    assert hub.confirmed(nominator_email="an.peeters@gmail.com") == nomination_id
    assert view(hub, nomination_id)["nominations"] == 1


def test_another_person_still_raises_the_count(hub):
    nomination_id = hub.confirmed()
    hub.confirmed(nominator_email="iemand.anders@telenet.be")
    assert view(hub, nomination_id)["nominations"] == 2


def test_each_nominators_texts_are_kept_for_staff(hub):
    nomination_id = hub.confirmed()
    other = "Een tweede nominator beschrijft hetzelfde probleem in eigen woorden."
    hub.confirmed(nominator_email="tweede@telenet.be", nominator_name="Tweede", problem=other)
    shown = view(hub, nomination_id)
    assert shown["problem"] == nomination_body()["problem"]  # the first description is shown
    texts = {n["email"]: n["texts"] for n in shown["nominators"]}
    assert texts["tweede@telenet.be"]["problem"] == other
    assert texts[nomination_body()["nominator_email"]]["problem"] == nomination_body()["problem"]


def decline(hub: Hub) -> None:
    """The nominee presses the button of the decline link in their mail."""
    hub.deliver()
    assert follow(hub.client, hub.link(NOMINEE, "decline")).status_code == 200


def verify(hub: Hub, nomination_id: str):
    """Staff record that they verified the nominee's address."""
    path = f"/api/v1/nominations/{nomination_id}/nominee-verified"
    return hub.client.post(path, headers=hub.staff)


def test_a_decline_counts_only_once_staff_verified_the_nominee_address(hub):
    nomination_id = hub.confirmed()
    decline(hub)
    shown = view(hub, nomination_id)
    assert shown["public"] is True and shown["decline_requested_at"] is not None
    assert verify(hub, nomination_id).status_code == 200
    assert view(hub, nomination_id)["public"] is False


def test_a_decline_after_the_verification_counts_at_once(hub):
    nomination_id = hub.confirmed()
    assert verify(hub, nomination_id).get_json()["nominee_verified_at"] is not None
    decline(hub)
    assert view(hub, nomination_id)["public"] is False


def test_only_staff_verify_a_nominee_address(hub):
    nomination_id = hub.confirmed()
    response = hub.client.post(f"/api/v1/nominations/{nomination_id}/nominee-verified")
    assert response.status_code == 401


def test_mails_to_typed_addresses_carry_no_text_the_public_typed(hub):
    assert hub.nominate(nominator_name="Meneer Reclame", **SPAM).status_code == 202
    hub.deliver()
    follow(hub.client, hub.link(nomination_body()["nominator_email"]))
    hub.deliver()
    mails = hub.mails()
    assert {m["To"] for m in mails} == {nomination_body()["nominator_email"], NOMINEE}
    for mail in mails:
        text = mail.get_body(("plain",)).get_content() + str(mail["Subject"])
        assert "boef.example" not in text and "Gratis" not in text and "Reclame" not in text


def test_no_mailbox_gets_more_than_its_share_of_mails(hub_app, tmp_path):
    hub = open_hub(hub_app(mail_limit_recipient="2 per day"), tmp_path)
    spellings = ("an.peeters@gmail.com", "AnPeeters@gmail.com", "an.peeters+x@googlemail.com")
    for i, address in enumerate(spellings):
        assert hub.nominate(i, nominator_email=address).status_code == 202
    hub.deliver()
    assert sum(len(hub.mails(address)) for address in spellings) == 2


def open_hub(app, tmp_path) -> Hub:
    """A Hub on `app` with an edition open for nominations."""
    staff = {"Authorization": f"Bearer {issue_token({'nominations': app}, 'admin')}"}
    body = edition_body(finalist_count=3)
    assert app.test_client().post("/api/v1/editions", json=body, headers=staff).status_code == 201
    return Hub(app, body["slug"], staff, tmp_path / "outbox")
