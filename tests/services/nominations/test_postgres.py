"""The hub's own queries on PostgreSQL (row locks, ILIKE search, subquery deletes): one
nomination's way from intake to winners. Skipped where no PostgreSQL answers."""

from __future__ import annotations

import pytest

from services.nominations.retention import purge_unconfirmed
from tests.factories import edition_body, iso, issue_token
from tests.services.nominations.conftest import Hub


@pytest.fixture
def pg_hub(make_app, tmp_path, pg_database):
    """A hub on a PostgreSQL database of its own, with an edition open for nominations."""
    app = make_app("nominations", database_url=pg_database("rv_hub"))
    yield Hub(app, *_edition(app), tmp_path / "outbox")
    app.extensions["rv"].engine.dispose()


def _edition(app) -> tuple[str, dict]:
    """An admin's headers and an edition open for nominations: (slug, headers)."""
    staff = {"Authorization": f"Bearer {issue_token({'nominations': app}, 'admin')}"}
    body = edition_body(finalist_count=3)
    assert app.test_client().post("/api/v1/editions", json=body, headers=staff).status_code == 201
    return body["slug"], staff


def test_from_nomination_to_winners_on_postgresql(pg_hub):
    ids = pg_hub.accepted(2)
    pg_hub.nominate(9)
    items = pg_hub.get("/api/v1/editions/{slug}/nominations?q=ENERGIEBIB%201").get_json()["items"]
    assert [i["id"] for i in items] == [ids[1]]
    pg_hub.close_nominations()
    assert pg_hub.choose(ids).status_code == 200
    pg_hub.patch_edition(
        nominations_close=iso(-40), voting_open=iso(-30), voting_close=iso(-20), jury_close=iso(-1)
    )
    awards = {"awards": [{"award": "jury", "finalist_id": ids[0]}]}
    path = f"/api/v1/editions/{pg_hub.slug}/winners"
    assert pg_hub.client.post(path, json=awards, headers=pg_hub.staff).status_code == 201
    assert pg_hub.client.get(path).status_code == 200
    with pg_hub.app.app_context(), pg_hub.app.extensions["rv"].sessions.begin() as session:
        assert purge_unconfirmed(session, None) == 0
