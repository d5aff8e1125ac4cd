"""The same bus on PostgreSQL through psycopg 3: each service in a database of its own,
created for this test and dropped afterwards. Skipped where no PostgreSQL answers."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from tests.factories import edition_body, issue_token
from tests.shared.bus_helpers import applied_count, drain, outbox_states, relay, replica

SERVER = "postgresql://postgres@127.0.0.1:5432"


def _admin() -> psycopg.Connection:
    return psycopg.connect(f"{SERVER}/test", autocommit=True, connect_timeout=2)


@pytest.fixture
def pg_env(make_env):
    """Database URLs of three fresh PostgreSQL databases."""
    try:
        admin = _admin()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    names = {s: f"rv_{s}_{uuid.uuid4().hex[:8]}" for s in ("nominations", "voting", "jury")}
    for name in names.values():
        admin.execute(f'CREATE DATABASE "{name}"')
    env = make_env(**{f"{s.upper()}_DATABASE_URL": f"{SERVER}/{n}" for s, n in names.items()})
    yield env
    for name in names.values():
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()


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
