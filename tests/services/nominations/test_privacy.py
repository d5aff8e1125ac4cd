"""Privacy requests: one person who nominated, was nominated, voted and judges asks for their
data, then to be erased. The three services run on this test's databases and Redis; their
relays and workers move the events in between (`pump`)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from redis import Redis
from sqlalchemy import select

from services.jury.models import Juror
from services.nominations.confirmation import confirm_link
from services.nominations.models import Nomination, Nominator
from services.voting.models import Vote
from shared.people import identify
from tests.factories import edition_body, iso, issue_token
from tests.mailbox import read_mails
from tests.services.nominations.conftest import nomination_body
from tests.shared.bus_helpers import drain, relay

BERT = "Bert.Lenaerts@gmail.com"  # nominator, voter and juror, in three spellings
HANNE = "hanne@warmwonen.be"  # a nominee
VOTE_LINK = re.compile(r"https?://\S+(/votes/confirm/\S+)")


def pump(apps: dict, rounds: int = 6) -> None:
    """Let every service's relay and worker move what is due, until nothing moves."""
    for _ in range(rounds):
        moved = 0
        for app in apps.values():
            with app.app_context():
                relay(app).tick()
            swept = relay(app).sweep()
            moved += swept["dispatched"] + swept.get("acked", 0)
        for app in apps.values():
            drain(app)
        if not moved:
            return


@pytest.fixture
def campaign(apps, token_for, tmp_path):
    """An edition whose voting is open, with Bert's nomination of Hanne's innovation among
    its finalists, Bert's counted vote (as bertlenaerts+rv@gmail.com) and Bert as a juror
    (as b.e.r.t.lenaerts@googlemail.com); returns the admin headers and the edition's slug."""
    staff = {"Authorization": f"Bearer {token_for('admin')}"}
    hub = apps["nominations"].test_client()
    body = edition_body(finalist_count=3)
    assert hub.post("/api/v1/editions", json=body, headers=staff).status_code == 201
    ids = [_nominate(apps, body["slug"], i) for i in range(3)]
    for nomination_id in ids:
        decision = {"status": "accepted"}
        response = hub.patch(f"/api/v1/nominations/{nomination_id}", json=decision, headers=staff)
        assert response.status_code == 200
    _patch(hub, body["slug"], staff, nominations_close=iso(-5))
    chosen = {"nomination_ids": ids}
    put = hub.put(f"/api/v1/editions/{body['slug']}/finalists", json=chosen, headers=staff)
    assert put.status_code == 200
    _patch(hub, body["slug"], staff, voting_open=iso(-1))
    pump(apps)
    _vote(apps, body["slug"], ids[0], "bertlenaerts+rv@gmail.com", tmp_path / "outbox")
    juror = {"name": "Bert Lenaerts", "email": "b.e.r.t.lenaerts@googlemail.com"}
    jury = apps["jury"].test_client()
    response = jury.post(f"/api/v1/editions/{body['slug']}/jurors", json=juror, headers=staff)
    assert response.status_code == 201, response.get_json()
    pump(apps)
    return staff, body["slug"]


def _nominate(apps, slug: str, i: int) -> str:
    changes = {"nominator_name": "Bert Lenaerts", "nominator_email": BERT} if i == 0 else {}
    if i == 0:
        changes |= {"nominee_name": "Hanne Maes", "nominee_email": HANNE}
    client = apps["nominations"].test_client()
    body = nomination_body(i, **changes)
    response = client.post(f"/api/v1/editions/{slug}/nominations", json=body)
    assert response.status_code == 202, response.get_json()
    with apps["nominations"].app_context(), apps["nominations"].extensions["rv"].sessions() as s:
        nominator = s.scalar(select(Nominator).order_by(Nominator.created_at.desc()).limit(1))
        link = confirm_link(nominator.id)
    assert client.get(urlsplit(link).path).status_code == 200
    return response.get_json()["id"]


def _patch(client, slug: str, staff: dict, **changes) -> None:
    response = client.patch(f"/api/v1/editions/{slug}", json=changes, headers=staff)
    assert response.status_code == 200, response.get_json()


def _vote(apps, slug: str, finalist_id: str, email: str, outbox: Path) -> None:
    client = apps["voting"].test_client()
    body = {"finalist_id": finalist_id, "email": email}
    assert client.post(f"/api/v1/editions/{slug}/votes", json=body).status_code == 202
    pump(apps)
    text = read_mails(outbox, email)[-1].get_body(("plain",)).get_content()
    assert client.get(VOTE_LINK.search(text).group(1)).status_code == 200


def _request(apps, staff: dict, email: str, kind: str) -> dict:
    """File a request at the hub, let the services answer, and read it back."""
    hub = apps["nominations"].test_client()
    filed = hub.post("/api/v1/privacy/requests", json={"email": email, "kind": kind}, headers=staff)
    assert filed.status_code == 202, filed.get_json()
    assert filed.get_json()["status"] == "pending"
    pump(apps)
    response = hub.get(f"/api/v1/privacy/requests/{filed.get_json()['id']}", headers=staff)
    assert response.status_code == 200
    return response.get_json()


def _tally(apps, slug: str, staff: dict) -> dict:
    response = apps["voting"].test_client().get(f"/api/v1/editions/{slug}/tally", headers=staff)
    return {f["finalist_id"]: f["votes"] for f in response.get_json()["finalists"]}


def test_an_export_holds_what_every_service_keeps_on_the_person(apps, campaign):
    staff, slug = campaign
    request = _request(apps, staff, "BERT.LENAERTS@gmail.com", "export")
    assert request["status"] == "done"
    data = request["data"]
    made = data["nominations"]["nominations_made"]
    assert [(m["your_name"], m["innovation"], m["edition"]) for m in made] == [
        ("Bert Lenaerts", "Hanne Maes", slug)
    ]
    assert [v["status"] for v in data["voting"]["votes"]] == ["counted"]
    assert data["voting"]["votes"][0]["edition"] == slug
    assert [j["name"] for j in data["jury"]["jurors"]] == ["Bert Lenaerts"]
    assert request["services"]["voting"] == {"votes": 1, "listed_as_juror": 1}


def test_a_nominee_sees_the_nominations_that_name_them(apps, campaign):
    staff, _ = campaign
    data = _request(apps, staff, HANNE, "export")["data"]
    assert [n["your_name"] for n in data["nominations"]["nominations_naming_you"]] == ["Hanne Maes"]
    assert data["voting"]["votes"] == [] and data["jury"]["jurors"] == []


def test_an_erasure_leaves_no_trace_of_the_person_and_the_counts_unchanged(
    apps, campaign, redis_url, prefix
):
    staff, slug = campaign
    before = _tally(apps, slug, staff)
    assert sum(before.values()) == 1
    person_hash = identify(apps["voting"].extensions["rv"].settings, BERT).hash
    request = _request(apps, staff, BERT, "erase")
    assert request["status"] == "done" and "data" not in request
    pump(apps)  # the relays acknowledge the last events
    assert _tally(apps, slug, staff) == before
    needles = [b"lenaerts", b"bertlenaerts", person_hash.encode()]
    assert _found_in_databases(apps, needles) == []
    assert _found_in_redis(redis_url, prefix, needles) == []


def test_an_erased_nominee_is_anonymous_in_every_service(apps, campaign):
    staff, _ = campaign
    assert _request(apps, staff, HANNE, "erase")["status"] == "done"
    pump(apps)
    with apps["nominations"].extensions["rv"].sessions() as session:
        query = select(Nomination).where(Nomination.organisation == "Vzw Proef 0")
        nomination = session.scalar(query)
        assert (nomination.nominee_name, nomination.nominee_email) == ("Anoniem", "")
        assert not nomination.public
    for service in ("voting", "jury"):
        assert "Anoniem" in _finalist_names(apps[service]), service
    assert _found_in_databases(apps, [b"hanne"]) == []


def test_the_rest_of_the_people_stay(apps, campaign):
    staff, _ = campaign
    _request(apps, staff, BERT, "erase")
    with apps["voting"].extensions["rv"].sessions() as session:
        assert session.scalar(select(Vote).where(Vote.status == "counted")) is not None
    with apps["jury"].extensions["rv"].sessions() as session:
        juror = session.scalar(select(Juror))
        assert (juror.name, juror.email) == ("", "")
    with apps["nominations"].extensions["rv"].sessions() as session:
        assert len(session.scalars(select(Nominator)).all()) == 2


def test_an_unknown_request_is_404_and_a_bad_kind_422(apps, staff):
    hub = apps["nominations"].test_client()
    assert hub.get("/api/v1/privacy/requests/nope", headers=staff).status_code == 404
    bad = hub.post("/api/v1/privacy/requests", json={"email": BERT, "kind": "peek"}, headers=staff)
    assert bad.status_code == 422 and "kind" in bad.get_json()["error"]["fields"]


def test_privacy_requests_need_the_privacy_scope(apps):
    hub = apps["nominations"].test_client()
    body = {"email": BERT, "kind": "export"}
    screening = {"Authorization": f"Bearer {issue_token(apps, 'screening')}"}
    assert hub.post("/api/v1/privacy/requests", json=body, headers=screening).status_code == 403
    privacy = {"Authorization": f"Bearer {issue_token(apps, 'privacy')}"}
    assert hub.post("/api/v1/privacy/requests", json=body, headers=privacy).status_code == 202


def _finalist_names(app) -> set[str]:
    """The names of the finalists in a service's replica."""
    model = importlib.import_module(f"services.{app.extensions['rv'].settings.service}.models")
    with app.extensions["rv"].sessions() as session:
        return set(session.scalars(select(model.Finalist.name)))


def _found_in_databases(apps, needles: list[bytes]) -> list[str]:
    """Which database files (SQLite, with their logs) or PostgreSQL rows hold a needle."""
    found = []
    for name, app in apps.items():
        engine = app.extensions["rv"].engine
        if engine.dialect.name == "sqlite":
            base = Path(engine.url.database)
            for path in (base, base.with_name(base.name + "-wal")):
                if path.exists() and any(n in path.read_bytes().lower() for n in needles):
                    found.append(str(path))
        else:
            found += [f"{name}: {t}" for t in _postgres_tables_holding(engine, needles)]
    return found


def _postgres_tables_holding(engine, needles: list[bytes]) -> list[str]:
    with engine.connect() as connection:
        tables = (
            connection.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
            .scalars()
            .all()
        )
        return [
            table
            for table in tables
            for needle in needles
            if connection.exec_driver_sql(
                f'SELECT 1 FROM "{table}" t WHERE lower(t::text) LIKE %s LIMIT 1',  # noqa: S608
                (f"%{needle.decode()}%",),
            ).first()
        ]


def _found_in_redis(url: str, prefix: str, needles: list[bytes]) -> list[str]:
    """Which of this test's Redis keys hold a needle in their name or value."""
    client = Redis.from_url(url)
    found = []
    for key in client.scan_iter(match=f"*{prefix}*", count=1000):
        dumped = (client.dump(key) or b"").lower() + key.lower()
        if any(n in dumped for n in needles):
            found.append(key.decode())
    return found
