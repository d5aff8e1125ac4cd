"""Fixtures of the hub's tests: an edition open for nominations, and a helper that
nominates, delivers the hub's mails through the real relay and worker, reads them from the
folder, follows their links, and screens as staff."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from services.nominations.confirmation import confirm_link
from services.nominations.models import Nomination, Nominator
from tests.factories import edition_body, iso, issue_token
from tests.links import follow
from tests.mailbox import read_mails
from tests.shared.bus_helpers import drain, relay

LINK = re.compile(r"https?://\S+(/nominations/(confirm|decline)/\S+)")


def nomination_body(i: int = 0, **changes) -> dict:
    """What a person sends to nominate innovation number `i`."""
    body = {
        "nominee_name": f"Energiebib {i}",
        "organisation": f"Vzw Proef {i}",
        "nominee_email": f"info{i}@vzwproef.be",
        "website": f"https://vzwproef.be/{i}",
        "region": "Antwerpen",
        "theme": "armoede",
        "problem": "Gezinnen met een laag inkomen betalen te veel voor energie.",
        "solution": "Zuinige toestellen huren voor een klein bedrag per maand.",
        "impact": "130 gezinnen besparen samen elk jaar veel energie.",
        "nominator_name": "Proef Persoon",
        "nominator_email": f"proef.persoon{i}@telenet.be",
        "consent": True,
    }
    return body | changes


@dataclass
class Hub:
    """The hub of a test stack with one edition, and a staff member's headers."""

    app: Flask
    slug: str
    staff: dict
    outbox: Path

    def __post_init__(self):
        self.client: FlaskClient = self.app.test_client()  # one browser: cookies kept

    def nominate(self, i: int = 0, ip: str = "127.0.0.1", **changes):
        """POST a nomination to the API from `ip`."""
        return self.client.post(
            f"/api/v1/editions/{self.slug}/nominations",
            json=nomination_body(i, **changes),
            environ_base={"REMOTE_ADDR": ip},
        )

    def deliver(self) -> None:
        """Send what the hub published to itself (its mails) through the relay and a worker."""
        relay(self.app).sweep()
        drain(self.app)

    def mails(self, to: str | None = None) -> list[EmailMessage]:
        """The mails in the folder, oldest first; with `to`, only those to that address."""
        return read_mails(self.outbox, to)

    def link(self, to: str, kind: str = "confirm") -> str:
        """The path of the newest link of `kind` (confirm, decline) mailed to `to`."""
        found = [
            m.group(1)
            for message in self.mails(to)
            for m in LINK.finditer(message.get_body(("plain",)).get_content())
            if m.group(2) == kind
        ]
        return found[-1]

    def confirmed(self, i: int = 0, **changes) -> str:
        """Nominate innovation `i` and follow the newest confirmation link made for it (the
        one its mail carries; test_confirmation.py follows the mail itself); returns its id."""
        response = self.nominate(i, **changes)
        assert response.status_code == 202, response.get_json()
        with self.app.app_context(), self.app.extensions["rv"].sessions() as session:
            query = select(Nominator.id).order_by(Nominator.created_at.desc()).limit(1)
            link = confirm_link(session.scalar(query))
        assert follow(self.client, urlsplit(link).path).status_code == 200
        return response.get_json()["id"]

    def decline(self, nominee: str = "info0@vzwproef.be") -> None:
        """Staff verify the nominee's address; the nominee follows the decline link in
        their mail and presses its button, which then counts."""
        with self.app.extensions["rv"].sessions() as session:
            query = select(Nomination.id).where(Nomination.nominee_email == nominee)
            path = f"/api/v1/nominations/{session.scalar(query)}/nominee-verified"
        assert self.client.post(path, headers=self.staff).status_code == 200
        self.deliver()
        assert follow(self.client, self.link(nominee, "decline")).status_code == 200

    def decide(self, nomination_id: str, status: str = "accepted", note: str = "ok"):
        """PATCH a screening decision as staff."""
        return self.client.patch(
            f"/api/v1/nominations/{nomination_id}",
            json={"status": status, "note": note},
            headers=self.staff,
        )

    def accepted(self, n: int) -> list[str]:
        """Ids of `n` confirmed, accepted nominations."""
        ids = [self.confirmed(i) for i in range(n)]
        for nomination_id in ids:
            assert self.decide(nomination_id).status_code == 200
        return ids

    def patch_edition(self, **changes) -> None:
        """Change the edition's schedule as staff."""
        response = self.client.patch(
            f"/api/v1/editions/{self.slug}", json=changes, headers=self.staff
        )
        assert response.status_code == 200, response.get_json()

    def close_nominations(self) -> None:
        """Move the edition into its screening phase."""
        self.patch_edition(nominations_close=iso(-1))

    def choose(self, ids: list[str]):
        """PUT the finalists as staff."""
        return self.client.put(
            f"/api/v1/editions/{self.slug}/finalists",
            json={"nomination_ids": ids},
            headers=self.staff,
        )

    def get(self, path: str, **options):
        """GET an API path of the edition (`{slug}` filled in) as staff."""
        return self.client.get(path.format(slug=self.slug), headers=self.staff, **options)


@pytest.fixture
def hub_app(make_app):
    """Another hub app on the stack's database, with settings of its own (limits, clocks)."""
    return lambda **overrides: make_app("nominations", **overrides)


@pytest.fixture
def hub(hub_app, tmp_path) -> Hub:
    """A hub alone (tests of voting and jury use `apps`) with an edition open for
    nominations (finalist_count 3) and an admin's headers."""
    app = hub_app()
    staff = {"Authorization": f"Bearer {issue_token({'nominations': app}, 'admin')}"}
    body = edition_body(finalist_count=3)
    response = app.test_client().post("/api/v1/editions", json=body, headers=staff)
    assert response.status_code == 201
    return Hub(app, body["slug"], staff, tmp_path / "outbox")


def moment(text: str) -> dt.datetime:
    """An ISO 8601 moment as a datetime."""
    return dt.datetime.fromisoformat(text)
