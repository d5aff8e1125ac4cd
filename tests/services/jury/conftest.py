"""Fixtures of the jury's tests: the jury app alone (real SQLite, real Redis, real rq
worker in-process), an edition and its finalists delivered by event, jurors logged in from
the links in their mails."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest

from shared.editions import SCHEDULE, SCHEDULED
from shared.events import envelope, publish
from shared.schemas.contest import FINALISTS_SELECTED
from shared.schemas.editions import WINDOWS, EditionSchema
from tests.factories import edition_body, iso, issue_token
from tests.links import follow
from tests.mailbox import mail_folder, read_mails
from tests.shared.bus_helpers import drain, relay


def build_jury(make_app, **overrides):
    """A jury app with its database migrated, cookies over plain HTTP, settings overridden."""
    return make_app("jury", session_cookie_secure=False, **overrides)


def staff_headers(app, *scopes: str) -> dict:
    """Headers of a staff token (admin unless scopes are given) stored in the jury app."""
    return {"Authorization": f"Bearer {issue_token({'jury': app}, *scopes)}"}


@pytest.fixture
def make_jury(make_app):
    """build_jury with this test's settings."""
    return lambda **overrides: build_jury(make_app, **overrides)


@pytest.fixture
def jury(make_jury):
    return make_jury()


@pytest.fixture
def staff(jury):
    """Headers of an admin staff token."""
    return staff_headers(jury)


def deliver(app, event_type: str, payload: dict, source: str = "nominations", run=True) -> None:
    """Send an event to jury through the real outbox, relay, Redis queue and rq worker
    (with run=False it waits in the outbox for the next run_worker)."""
    with app.extensions["rv"].sessions.begin() as session:
        publish(session, envelope(event_type, source, payload), ["jury"])
    if run:
        run_worker(app)


def run_worker(app) -> None:
    """Move the jury's pending events to its queue and run its worker until it is empty."""
    relay(app).sweep()
    drain(app)


def close_jury(app, slug: str, revision: int = 2) -> None:
    """Deliver a new schedule of the edition whose jury closed a minute ago."""
    windows = dict(zip(WINDOWS, (-600, -500, -400, -300, -60), strict=True))
    schedule(app, slug, revision, **{name: iso(at) for name, at in windows.items()})


@dataclass
class Contest:
    slug: str
    finalists: list[str]


def schedule(app, slug: str | None = None, revision: int = 1, run=True, **changes) -> str:
    """Deliver an edition's schedule (edition_body's windows, with `changes`)."""
    data = EditionSchema().load(edition_body(slug, **changes))
    deliver(app, SCHEDULED, SCHEDULE.dump(data | {"revision": revision}), run=run)
    return data["slug"]


def dossier(i: int, **changes) -> dict:
    """Finalist number `i` as the hub sends it to jury: its whole dossier."""
    return {
        "id": str(uuid.uuid4()),
        "name": f"Innovatie {i}",
        "organisation": f"Vzw Proef {i}",
        "summary": "Gezinnen huren zuinige toestellen.\nZe besparen samen veel energie.",
        "region": "Limburg",
        "theme": "energie",
        "website": f"https://www.proef{i}.be/over-ons",
        "problem": f"Probleem {i}: gezinnen met een laag inkomen betalen te veel voor energie.",
        "solution": f"Oplossing {i}: zuinige toestellen huren voor weinig geld per maand.",
        "impact": f"Impact {i}: 130 gezinnen besparen samen elk jaar 40.000 kWh.",
        "nomination_count": i + 2,
        "declined_publicity": False,
        "nominee_domain_hash": None,
    } | changes


def select_finalists(
    app, slug: str, count: int = 3, revision: int = 1, items: list[dict] | None = None
) -> list[str]:
    """Deliver a set of finalists for the edition (`items`, else `count` dossiers); returns
    their ids."""
    items = items or [dossier(i) for i in range(count)]
    payload = {"edition": slug, "revision": revision, "finalists": items}
    deliver(app, FINALISTS_SELECTED, payload)
    return [f["id"] for f in items]


@pytest.fixture
def contest(jury) -> Contest:
    """An edition the jury knows, jury open, with three finalists."""
    slug = schedule(jury, run=False)
    return Contest(slug, select_finalists(jury, slug))


def mails_to(app, address: str) -> list:
    """The messages in the app's mail folder addressed to `address`, oldest first."""
    return read_mails(mail_folder(app), address)


def login_path(app, address: str) -> str:
    """The path of the newest login link mailed to `address`."""
    text = mails_to(app, address)[-1].get_body(("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/login/\S+)", text).group(1)


def invite(app, staff: dict, slug: str, address: str, name: str = "Jurylid", **more) -> str:
    """Invite a juror through the API (`more`: lang, organisation) and let the worker mail
    the link; returns their id."""
    body = {"name": name, "email": address, **more}
    response = app.test_client().post(f"/api/v1/editions/{slug}/jurors", json=body, headers=staff)
    assert response.status_code == 201, response.get_json()
    run_worker(app)
    return response.get_json()["id"]


def logged_in_client(app, staff: dict, slug: str, address: str, **more):
    """A browser-like client of a juror (`more`: as for invite), logged in from the link in
    their mail."""
    invite(app, staff, slug, address, **more)
    client = app.test_client()
    assert follow(client, login_path(app, address)).status_code == 303
    return client


def csrf(client, path: str) -> str:
    """The CSRF token of the form on a page."""
    page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def score_form(client, finalist_id: str, scores: dict, action: str = "draft", **extra):
    """Post the scoring form of a finalist as a browser would."""
    path = f"/beoordelen/{finalist_id}"
    form = {"csrf_token": csrf(client, path), "action": action, "comment": ""}
    form |= {f"score-{key}": str(value) for key, value in scores.items()} | extra
    return client.post(path, data=form, headers={"Accept": "text/html"})


def put_criteria(app, staff: dict, slug: str, weights: dict[str, float]):
    """Replace the edition's criteria with keys of `weights` (labels made from the keys)."""
    body = [{"key": k, "label": k.capitalize(), "weight": w} for k, w in weights.items()]
    return app.test_client().put(f"/api/v1/editions/{slug}/criteria", json=body, headers=staff)
