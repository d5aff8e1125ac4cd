"""The hub's own queries on PostgreSQL (row locks, ILIKE search, subquery deletes): one
nomination's way from intake to winners. Skipped where no PostgreSQL answers."""

from __future__ import annotations

import pytest

from services import registry
from services.nominations.retention import purge_unconfirmed
from shared.db import create_schema
from tests.factories import edition_body, iso, issue_token
from tests.services.nominations.conftest import Hub


@pytest.fixture
def pg_hub(settings_for, tmp_path, pg_database):
    """A hub on a PostgreSQL database of its own, with an edition open for nominations."""
    settings = settings_for("nominations", database_url=pg_database("rv_hub"))
    app = registry.create_app("nominations", settings)
    yield Hub(app, *_edition(app), tmp_path / "outbox")
    app.extensions["rv"].engine.dispose()


def _edition(app) -> tuple[str, dict]:
    """The tables, an admin's headers and an edition open for nominations: (slug, headers)."""
    create_schema(app.extensions["rv"].engine, app.extensions["rv"].metadata)
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
