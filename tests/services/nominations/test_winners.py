"""Winners: published by staff once both rounds closed, under embargo until `publish_at`:
before it the API and the page show nothing and nothing may be cached."""

from __future__ import annotations

import datetime as dt

import pytest

from services.nominations.editions import get_edition
from services.nominations.winners import public_winners
from shared.models import utcnow
from tests.factories import iso

WINNERS = "/api/v1/editions/{slug}/winners"
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def finalists(hub) -> list[str]:
    """Two finalists (of three accepted nominations) of an edition whose rounds have all
    closed."""
    ids = hub.accepted(3)[:2]
    hub.close_nominations()
    hub.choose(ids)
    hub.patch_edition(
        nominations_close=iso(-40), voting_open=iso(-30), voting_close=iso(-20), jury_close=iso(-1)
    )
    return ids


def publish(hub, ids: list[str], publish_at: str | None = None):
    body = {
        "awards": [
            {"award": "public", "finalist_id": ids[0]},
            {"award": "jury", "finalist_id": ids[1]},
        ]
    }
    if publish_at:
        body["publish_at"] = publish_at
    return hub.client.post(WINNERS.format(slug=hub.slug), json=body, headers=hub.staff)


def public(hub):
    return hub.client.get(WINNERS.format(slug=hub.slug))


def test_publishing_answers_201_with_the_names(hub, finalists):
    response = publish(hub, finalists)
    assert response.status_code == 201
    awards = response.get_json()["awards"]
    assert awards[0] == {
        "award": "public",
        "finalist_id": finalists[0],
        "name": "Energiebib 0",
        "organisation": "Vzw Proef 0",
    }


def test_without_an_embargo_the_winners_are_public_at_once(hub, finalists):
    publish(hub, finalists)
    response = public(hub)
    assert response.status_code == 200
    assert [a["finalist_id"] for a in response.get_json()["awards"]] == finalists


def test_under_embargo_the_winners_are_404_and_not_cached(hub, finalists):
    publish(hub, finalists, iso(3600))
    response = public(hub)
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"


def test_once_public_the_winners_may_be_cached_briefly(hub, finalists):
    publish(hub, finalists)
    assert public(hub).headers["Cache-Control"] == "public, max-age=60"


def test_before_publication_the_winners_are_404_and_not_cached(hub):
    response = public(hub)
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("offset", "shown"), [(-1, False), (0, True), (1, True)])
def test_the_embargo_ends_at_publish_at(hub, finalists, offset, shown):
    publish_at = utcnow().replace(microsecond=0) + dt.timedelta(hours=2)
    publish(hub, finalists, publish_at.isoformat())
    with hub.app.extensions["rv"].sessions() as session:
        edition = get_edition(session, hub.slug)
        assert (public_winners(session, edition, publish_at + offset * SECOND) is not None) == shown


def test_publishing_before_the_rounds_closed_is_409(hub):
    ids = hub.accepted(2)
    hub.close_nominations()
    hub.choose(ids)
    assert publish(hub, ids).status_code == 409


def test_a_winner_who_is_not_a_finalist_is_422(hub, finalists):
    other = hub.get("/api/v1/editions/{slug}/nominations").get_json()["items"][2]["id"]
    response = publish(hub, [finalists[0], other])
    assert response.status_code == 422
    assert other in response.get_json()["error"]["fields"]["awards"][0]


@pytest.mark.parametrize(
    "body",
    [
        {"awards": []},
        {"awards": [{"award": "eeuwige roem", "finalist_id": "x"}]},
        {"awards": [{"award": "jury", "finalist_id": "x"}], "publish_at": "2031-05-01T20:00:00"},
    ],
    ids=["no-awards", "unknown-award", "naive-publish-at"],
)
def test_an_invalid_publication_is_422(hub, finalists, body):
    response = hub.client.post(WINNERS.format(slug=hub.slug), json=body, headers=hub.staff)
    assert response.status_code == 422


def test_publishing_again_replaces_the_awards(hub, finalists):
    publish(hub, finalists)
    publish(hub, finalists[::-1])
    assert public(hub).get_json()["awards"][0]["finalist_id"] == finalists[1]


def test_the_winners_page_shows_nothing_under_embargo(hub, finalists):
    publish(hub, finalists, iso(3600))
    response = hub.client.get("/winnaars")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Energiebib" not in response.get_data(as_text=True)


def test_the_winners_page_shows_the_winners_once_public(hub, finalists):
    publish(hub, finalists)
    page = hub.client.get("/winnaars").get_data(as_text=True)
    assert "Publieksprijs" in page and "Energiebib 0" in page
