"""The same bus on PostgreSQL through psycopg 3: each service in a database of its own,
created for this test and dropped afterwards. Skipped where no PostgreSQL answers."""

from __future__ import annotations

import pytest

from tests.factories import edition_body, issue_token
from tests.shared.bus_helpers import applied_count, drain, outbox_states, relay, replica


@pytest.fixture
def pg_env(make_env, pg_database):
    """Database URLs of three fresh PostgreSQL databases."""
    urls = {s: pg_database(f"rv_{s}") for s in ("nominations", "voting", "jury")}
    return make_env(**{f"{s.upper()}_DATABASE_URL": url for s, url in urls.items()})


def test_the_bus_delivers_and_acknowledges_on_postgresql(stack, pg_env):
    apps = stack(pg_env)
    hub, voting = apps["nominations"], apps["voting"]
    body = edition_body()
    headers = {"Authorization": f"Bearer {issue_token(apps)}"}
    assert hub.test_client().post("/api/v1/editions", json=body, headers=headers).status_code == 201
    r = relay(hub)
    r.sweep()
    drain(voting)
    drain(apps["jury"])
    r.sweep()
    assert replica(voting, body["slug"]).voting_open.isoformat() == body["voting_open"]
    assert applied_count(voting) == 1
    assert outbox_states(hub) == {"acked": 2}
    for app in apps.values():
        app.extensions["rv"].engine.dispose()
