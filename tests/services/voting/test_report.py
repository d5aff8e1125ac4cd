"""The integrity report: after voting closes, the votes cast, confirmed, counted, held,
released and rejected, and why, as figures and as text to publish."""

from __future__ import annotations

import pytest

from tests.services.voting.review_helpers import close, school_class


@pytest.fixture
def reviewed(make_voting, staff):
    """A class of 5 behind one address (2 counted, 3 held), one held vote released and one
    rejected, one vote never confirmed; then voting closes."""
    voting = make_voting(fraud_flood_votes=2, fraud_hold_score=0.5)
    held = school_class(voting, 5)[2:]
    client = voting.app.test_client()
    client.patch(f"/api/v1/votes/{held[0]}", json={"status": "counted"}, headers=staff)
    client.patch(f"/api/v1/votes/{held[1]}", json={"status": "rejected"}, headers=staff)
    voting.vote("nooit.bevestigd@telenet.be")
    close(voting)
    return voting


def test_the_report_waits_for_the_close(voting, staff):
    response = voting.app.test_client().get(
        f"/api/v1/editions/{voting.slug}/integrity", headers=staff
    )
    assert response.status_code == 409


def test_the_report_gives_every_figure_and_reason(reviewed, staff):
    response = reviewed.app.test_client().get(
        f"/api/v1/editions/{reviewed.slug}/integrity", headers=staff
    )
    assert response.status_code == 200
    report = response.get_json()
    figures = {name: report[name] for name in ("cast", "confirmed", "unconfirmed", "counted")}
    assert figures == {"cast": 6, "confirmed": 5, "unconfirmed": 1, "counted": 3}
    assert (report["quarantined"], report["released"], report["rejected"]) == (1, 1, 1)
    reasons = {line["reason"]: line for line in report["by_reason"]}
    assert reasons["network_flood"] == {
        "reason": "network_flood",
        "held": 3,
        "released": 1,
        "rejected": 1,
        "quarantined": 1,
    }
    assert reasons["honeypot"]["held"] == 0


def test_the_report_as_text_to_publish(reviewed, staff):
    response = reviewed.app.test_client().get(
        f"/api/v1/editions/{reviewed.slug}/integrity?format=text", headers=staff
    )
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "Uitgebrachte stemmen: 6" in text
    assert "veel stemmen van één netwerk in korte tijd: 3 tegengehouden, 1 vrijgegeven" in text


@pytest.mark.parametrize(("scopes", "status"), [((), 401), (("jury",), 403)])
def test_the_report_is_for_staff_with_the_votes_right(reviewed, token_for, scopes, status):
    headers = {"Authorization": f"Bearer {token_for(*scopes)}"} if scopes else {}
    response = reviewed.app.test_client().get(
        f"/api/v1/editions/{reviewed.slug}/integrity", headers=headers
    )
    assert response.status_code == status


def test_the_report_text_in_english(reviewed, staff):
    response = reviewed.app.test_client().get(
        f"/api/v1/editions/{reviewed.slug}/integrity?format=text&lang=en", headers=staff
    )
    text = response.get_data(as_text=True)
    assert "Votes cast: 6" in text
    assert "many votes from one network in a short time: 3 held, 1 released" in text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("nl", ("Geen enkele aanwijzing houdt op zich een stem tegen", "door een programma")),
        ("en", ("No single sign holds a vote on its own", "look made by a program, at one")),
    ],
)
def test_the_report_explains_how_evidence_adds_up_and_every_reason(reviewed, staff, lang, words):
    response = reviewed.app.test_client().get(
        f"/api/v1/editions/{reviewed.slug}/integrity?format=text&lang={lang}", headers=staff
    )
    text = response.get_data(as_text=True)
    assert all(word in text for word in words)
    assert "generated_names" not in text and "click_wave" not in text  # words, not codes
