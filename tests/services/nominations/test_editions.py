"""The hub's edition API: create, read, reschedule, the phase from the clock, and the
`edition.scheduled` events that every change leaves in the outbox for voting and jury."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from services.nominations.models import Edition
from shared.models import OutboxEvent
from tests.factories import edition_body, iso

SECOND = dt.timedelta(seconds=1)
START = dt.datetime(2031, 3, 2, 9, 0, tzinfo=dt.UTC)
SCHEDULE = {
    "nominations_open": START,
    "nominations_close": START + dt.timedelta(days=30),
    "voting_open": START + dt.timedelta(days=45),
    "voting_close": START + dt.timedelta(days=60),
    "jury_close": START + dt.timedelta(days=75),
}
# (window boundary, phase just before it, phase from it on)
BOUNDARIES = [
    ("nominations_open", "upcoming", "nominations"),
    ("nominations_close", "nominations", "screening"),
    ("voting_open", "screening", "voting"),
    ("voting_close", "voting", "jury"),
    ("jury_close", "jury", "closed"),
]
EDGES = [
    pytest.param(SCHEDULE[name] + n * SECOND, after if n >= 0 else before, id=f"{name}{n:+d}s")
    for name, before, after in BOUNDARIES
    for n in (-1, 0, 1)
]


@pytest.fixture
def create(client, staff):
    """POST an edition body as admin staff; returns the response."""
    return lambda body: client.post("/api/v1/editions", json=body, headers=staff)


@pytest.fixture
def edition(create):
    """An edition created through the API: its response body."""
    response = create(edition_body(public_tally=True))
    assert response.status_code == 201
    return response.get_json()


def outbox(app) -> list[OutboxEvent]:
    with app.extensions["rv"].sessions() as session:
        return list(session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)))


def stored(app, slug: str) -> Edition:
    with app.extensions["rv"].sessions() as session:
        return session.scalar(select(Edition).where(Edition.slug == slug))


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_create_answers_201_with_revision_1_and_phase(create):
    body = edition_body()
    response = create(body)
    assert response.status_code == 201
    created = response.get_json()
    assert created["revision"] == 1
    assert created["phase"] == "nominations"
    assert {k: created[k] for k in ("slug", "title", "timezone")} == {
        k: body[k] for k in ("slug", "title", "timezone")
    }


def test_create_echoes_the_windows_as_the_same_moments(create):
    body = edition_body()
    created = create(body).get_json()
    for name in SCHEDULE:
        assert moment(created[name]) == moment(body[name])


def test_create_fills_the_defaults(edition):
    assert edition["finalist_count"] == 10
    assert edition["tie_break"] == "other_award"


def test_get_shows_the_created_edition(client, edition):
    response = client.get(f"/api/v1/editions/{edition['slug']}")
    assert response.status_code == 200
    assert response.get_json()["title"] == edition["title"]
    assert response.get_json()["public_tally"] is True


def test_get_unknown_slug_is_404(client):
    response = client.get("/api/v1/editions/bestaat-niet")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "Niet Geldig!"}, "slug"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"timezone": "a" * 300}, "timezone"),
        ({"voting_open": "2031-05-01T09:00:00"}, "voting_open"),
        ({"voting_close": iso(5400)}, "voting_close"),
        ({"finalist_count": 0}, "finalist_count"),
        ({"tie_break": "coin"}, "tie_break"),
        ({"revision": 7}, "revision"),
    ],
    ids=[
        "bad-slug",
        "unknown-zone",
        "zone-path",
        "zone-too-long",
        "naive-time",
        "close-before-open",
        "count",
        "tie",
        "read-only",
    ],
)
def test_create_with_an_invalid_field_is_422_naming_it(create, changes, field):
    response = create(edition_body(**changes))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid"
    assert list(response.get_json()["error"]["fields"]) == [field]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("jury_close", "9999-12-31T23:00:00-14:00"),
        ("nominations_open", "0001-01-01T00:00:00+14:00"),
    ],
)
def test_create_with_a_moment_out_of_range_is_422(create, field, value):
    response = create(edition_body(**{field: value}))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_create_with_a_duplicate_slug_is_409(create, edition):
    response = create(edition_body(slug=edition["slug"]))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"


def test_patch_changes_the_schedule_and_increments_revision(client, staff, edition):
    later = iso(20000)
    response = client.patch(
        f"/api/v1/editions/{edition['slug']}", json={"jury_close": later}, headers=staff
    )
    assert response.status_code == 200
    assert response.get_json()["revision"] == 2
    assert moment(response.get_json()["jury_close"]) == moment(later)


def test_patch_keeps_the_fields_it_does_not_name(client, staff, edition, app):
    client.patch(f"/api/v1/editions/{edition['slug']}", json={"title": "Nieuw"}, headers=staff)
    row = stored(app, edition["slug"])
    assert row.title == "Nieuw"
    assert row.public_tally is True
    assert row.voting_close == moment(edition["voting_close"])


def test_patch_out_of_order_is_422_and_stores_nothing(client, staff, edition, app):
    slug = edition["slug"]
    response = client.patch(
        f"/api/v1/editions/{slug}", json={"voting_close": iso(5400)}, headers=staff
    )
    assert response.status_code == 422
    assert "voting_close" in response.get_json()["error"]["fields"]
    row = stored(app, slug)
    assert (row.revision, row.voting_close) == (1, moment(edition["voting_close"]))


def test_patch_unknown_slug_is_404(client, staff):
    response = client.patch("/api/v1/editions/bestaat-niet", json={"title": "x"}, headers=staff)
    assert response.status_code == 404


@pytest.mark.parametrize(("now", "phase"), EDGES)
def test_phase_at_the_edges_of_each_window(now, phase):
    assert Edition(**SCHEDULE).phase(now) == phase


def test_phase_is_the_same_for_the_same_moment_in_another_zone():
    brussels = dt.timezone(dt.timedelta(hours=1))
    assert Edition(**SCHEDULE).phase(START.astimezone(brussels)) == "nominations"


def test_create_writes_one_scheduled_event_for_voting_and_jury(app, edition):
    rows = outbox(app)
    assert sorted(row.destination for row in rows) == ["jury", "voting"]
    assert {(row.state, row.envelope["type"]) for row in rows} == {("pending", "edition.scheduled")}
    assert {row.envelope["payload"]["revision"] for row in rows} == {1}


def test_patch_writes_the_next_revision_for_voting_and_jury(client, staff, app, edition):
    client.patch(f"/api/v1/editions/{edition['slug']}", json={"title": "Nieuw"}, headers=staff)
    rows = outbox(app)[2:]
    assert sorted(row.destination for row in rows) == ["jury", "voting"]
    assert {row.envelope["payload"]["revision"] for row in rows} == {2}


def test_invalid_create_writes_no_event(app, create):
    assert create(edition_body(timezone="Mars/Olympus")).status_code == 422
    assert outbox(app) == []


def test_duplicate_create_writes_no_event(app, create, edition):
    assert create(edition_body(slug=edition["slug"])).status_code == 409
    assert len(outbox(app)) == 2


def test_rejected_patch_writes_no_event(client, staff, app, edition):
    response = client.patch(
        f"/api/v1/editions/{edition['slug']}", json={"voting_close": iso(5400)}, headers=staff
    )
    assert response.status_code == 422
    assert len(outbox(app)) == 2


def test_patch_that_changes_nothing_writes_no_event(client, staff, app, edition):
    response = client.patch(
        f"/api/v1/editions/{edition['slug']}", json={"title": edition["title"]}, headers=staff
    )
    assert response.get_json()["revision"] == 1
    assert len(outbox(app)) == 2
