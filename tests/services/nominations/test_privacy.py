"""Privacy requests: one person who nominated, was nominated, voted and judges asks for their
data, then to be erased. The three services run on this test's databases and Redis; their
relays and workers move the events in between (`pump`)."""

from __future__ import annotations

import importlib
import logging
import re
import zlib
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import select

from services.jury.models import Juror
from services.nominations.models import Nomination, Nominator
from services.voting.edition_keys import person_in
from services.voting.models import Edition as VotingEdition
from services.voting.models import Vote
from shared.people import identify
from tests.factories import issue_token
from tests.mailbox import read_mails
from tests.services.nominations.privacy_helpers import (
    BERT,
    HANNE,
    build_campaign,
    close_and_publish,
)
from tests.shared.bus_helpers import pump


@pytest.fixture
def campaign(apps, staff, tmp_path):
    """Bert in every role of an edition whose voting is open (privacy_helpers.py); returns the
    admin headers and the edition's slug."""
    return staff, build_campaign(apps, staff, tmp_path / "outbox")


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
    assert [n["your_name"] for n in data["nominations"]["nominations_naming_you"]] == [
        "Bert Lenaerts"
    ]
    assert [v["status"] for v in data["voting"]["votes"]] == ["counted"]
    assert data["voting"]["votes"][0]["edition"] == slug
    assert [j["name"] for j in data["jury"]["jurors"]] == ["Bert Lenaerts"]
    assert [c["status"] for c in data["jury"]["jurors"][0]["scorecards"]] == ["submitted"]
    assert request["services"]["voting"] == {"votes": 1, "listed_as_juror": 1}


def test_a_nominee_sees_the_nominations_that_name_them(apps, campaign):
    staff, _ = campaign
    data = _request(apps, staff, HANNE, "export")["data"]
    assert [n["your_name"] for n in data["nominations"]["nominations_naming_you"]] == ["Hanne Maes"]
    assert data["voting"]["votes"] == [] and data["jury"]["jurors"] == []


def test_an_erasure_leaves_no_trace_of_the_person_and_the_counts_unchanged(
    apps, staff, tmp_path, caplog, redis_url, prefix
):
    caplog.set_level(logging.DEBUG)
    slug = build_campaign(apps, staff, tmp_path / "outbox")
    before = _counts(apps, slug, staff)
    assert sum(before["votes"].values()) == 1 and before["ranking"]
    exported = _request(apps, staff, BERT, "export")["data"]
    [card] = exported["jury"]["jurors"][0]["scorecards"]
    assert (card["status"], card["comment"]) == ("submitted", "Sterk dossier. Bert Lenaerts")
    needles = [b"lenaerts", b"bertlenaerts", *_keyed_hashes(apps, BERT)]
    request = _request(apps, staff, BERT, "erase")
    assert request["status"] == "done" and "data" not in request
    pump(apps)  # the relays acknowledge the last events
    assert _counts(apps, slug, staff) == before
    assert _found_in_databases(apps, needles) == []
    assert _found_in_redis(redis_url, prefix, needles) == []
    logged = [_everything_in(record) for record in caplog.records]
    assert len(logged) > 50 and any(b"event applied" in line for line in logged)
    assert [line[:200] for line in logged if any(n in line for n in needles)] == []


def _counts(apps, slug: str, staff: dict) -> dict:
    """The public votes per finalist and the jury's ranking."""
    ranking = apps["jury"].test_client().get(f"/api/v1/editions/{slug}/ranking", headers=staff)
    assert ranking.status_code == 200
    return {"votes": _tally(apps, slug, staff), "ranking": ranking.get_json()}


def _keyed_hashes(apps, email: str) -> list[bytes]:
    """The keyed hashes that identify the person: the platform's (which the request
    carries) and each edition's own, which voting stores."""
    person = identify(apps["voting"].extensions["rv"].settings, email)
    with apps["voting"].extensions["rv"].sessions() as session:
        keys = session.scalars(select(VotingEdition.hash_key)).all()
    kept = [person_in(key, person) for key in keys]
    hashes = {person.hash} | {h for p in kept for h in (p.hash, p.shape_hash)}
    return [h.encode() for h in hashes]


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


def test_an_erasure_empties_the_person_s_earlier_exports(apps, campaign):
    staff, _ = campaign
    bert, hanne = _request(apps, staff, BERT, "export"), _request(apps, staff, HANNE, "export")
    _request(apps, staff, BERT.upper(), "erase")
    hub = apps["nominations"].test_client()
    again = {
        r["id"]: hub.get(f"/api/v1/privacy/requests/{r['id']}", headers=staff).get_json()
        for r in (bert, hanne)
    }
    assert again[bert["id"]]["data"] == {} and again[bert["id"]]["services"] == bert["services"]
    assert again[hanne["id"]]["data"] == hanne["data"]


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
        if any(n in _redis_text(client, key) for n in needles):
            found.append(key.decode())
    return found


def _redis_text(client: Redis, key: bytes) -> bytes:
    """A key's name and value, with the fields of a hash opened where they are compressed
    (rq keeps a job's arguments, here events, compressed)."""
    parts = [key, client.dump(key) or b""]
    if client.type(key) == b"hash":
        parts += [_opened(value) for value in client.hvals(key)]
    return b"\n".join(parts).lower()


def _opened(value: bytes) -> bytes:
    try:
        return zlib.decompress(value)
    except zlib.error:
        return value


def test_no_log_line_or_redis_key_names_a_person(apps, staff, tmp_path, caplog, redis_url, prefix):
    caplog.set_level(logging.DEBUG)
    slug = build_campaign(apps, staff, tmp_path / "outbox")
    _request(apps, staff, BERT, "export")
    close_and_publish(apps, staff, slug)
    _request(apps, staff, HANNE, "erase")
    pump(apps)
    tokens = [m.group(1) for m in LINK_TOKEN.finditer(_all_mail(tmp_path / "outbox"))]
    assert len(tokens) >= 4  # the nominations' and the vote's confirmations, a log-in link
    needles = [b"lenaerts", b"hanne", b"proef.persoon", staff["Authorization"][7:].encode()]
    needles += [t.encode() for t in tokens]
    logged = [_everything_in(record) for record in caplog.records]
    assert len(logged) > 50 and any(b"event applied" in line for line in logged)
    assert [line[:200] for line in logged if any(n in line for n in needles)] == []
    assert _found_in_redis(redis_url, prefix, needles) == []


LINK_TOKEN = re.compile(r"https?://\S+/(?:confirm|login|decline)/(\S+)")


def _all_mail(folder: Path) -> str:
    return "\n".join(m.get_body(("plain",)).get_content() for m in read_mails(folder))


def _everything_in(record: logging.LogRecord) -> bytes:
    """A log record as any handler could write it: its message, arguments and extras."""
    return repr((record.getMessage(), record.args, record.__dict__)).lower().encode()


def test_an_export_reads_as_a_letter_in_the_persons_language(apps, campaign):
    staff, slug = campaign
    request = _request(apps, staff, BERT, "export")
    hub = apps["nominations"].test_client()
    path = f"/api/v1/privacy/requests/{request['id']}?format=text"
    dutch = hub.get(path, headers=staff).get_data(as_text=True)
    assert "Wat Radicale Vernieuwers over jou bewaart" in dutch
    assert f"Hanne Maes (Vzw Proef 0), editie {slug}: ingediend door Bert Lenaerts" in dutch
    english = hub.get(path + "&lang=en", headers=staff).get_data(as_text=True)
    assert "Nominations that name you" in english and "status: counted" in english


def test_an_erasure_has_no_text_and_a_bad_format_is_400(apps, campaign):
    staff, _ = campaign
    erased = _request(apps, staff, HANNE, "erase")
    hub = apps["nominations"].test_client()
    path = f"/api/v1/privacy/requests/{erased['id']}"
    assert hub.get(path + "?format=text", headers=staff).status_code == 409
    assert hub.get(path + "?format=pdf", headers=staff).status_code == 400
