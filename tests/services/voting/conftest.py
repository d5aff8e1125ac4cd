"""Fixtures of the voting tests: a test stack whose voting service holds an edition in its
voting phase with three finalists, received as the hub's real events, and helpers that
vote, deliver the mails through the real relay and worker, and read them from the folder."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from services.voting import fraud
from services.voting.jobs import HANDLERS
from services.voting.models import Edition, Vote
from shared.editions import SCHEDULED
from shared.events import consume, envelope
from shared.models import utcnow
from shared.schemas.contest import FINALISTS_SELECTED
from tests.links import follow
from tests.mailbox import read_mails
from tests.shared.bus_helpers import drain, relay

HOUR = dt.timedelta(hours=1)
LINK = re.compile(r"https?://\S+/votes/confirm/(\S+)")


def schedule(
    slug: str,
    revision: int = 1,
    public_tally: bool = False,
    voting_open: dt.datetime | None = None,
    voting_close: dt.datetime | None = None,
) -> dict:
    """An `edition.scheduled` payload: voting open from an hour ago for an hour by default,
    the other windows around it."""
    opens = voting_open or utcnow() - HOUR
    closes = voting_close or utcnow() + HOUR
    moments = {
        "nominations_open": opens - 2 * HOUR,
        "nominations_close": opens - HOUR,
        "voting_open": opens,
        "voting_close": closes,
        "jury_close": closes + HOUR,
    }
    return {
        "slug": slug,
        "title": "Radicale Vernieuwers test",
        "timezone": "Europe/Brussels",
        **{name: moment.isoformat() for name, moment in moments.items()},
        "finalist_count": 3,
        "public_tally": public_tally,
        "tie_break": "other_award",
        "revision": revision,
    }


def finalists(slug: str, ids: list[str], revision: int = 1) -> dict:
    """A `finalists.selected` payload with these finalist ids."""
    items = [
        {"id": fid, "name": f"Innovatie {n}", "organisation": f"Vzw {n}", "summary": "Iets goeds."}
        for n, fid in enumerate(ids)
    ]
    return {"edition": slug, "revision": revision, "finalists": items}


def apply(app: Flask, event_type: str, payload: dict) -> None:
    """Apply one event from the hub to voting, as its worker does."""
    consume(app.extensions["rv"].sessions, [envelope(event_type, "nominations", payload)], HANDLERS)


@dataclass
class Voting:
    """The voting app of a test stack with one edition in its voting phase."""

    app: Flask
    slug: str
    finalist_ids: list[str]
    outbox: Path

    def vote(self, address: str, finalist: int = 0, ip: str = "127.0.0.1", **headers):
        """POST a vote to the API from `ip`."""
        return self.app.test_client().post(
            f"/api/v1/editions/{self.slug}/votes",
            json={"finalist_id": self.finalist_ids[finalist], "email": address},
            environ_base={"REMOTE_ADDR": ip},
            headers=headers,
        )

    def deliver(self) -> None:
        """Send the mails votes are due: the relay's periodic duties queue them, its sweep
        sends them to voting's queue, and a worker mails them."""
        self.tick()
        relay(self.app).sweep()
        drain(self.app)

    def tick(self) -> None:
        """Run voting's periodic duties once, as its relay does (in the app's context)."""
        with self.app.app_context():
            relay(self.app).tick()

    def mails(self, to: str | None = None) -> list[EmailMessage]:
        """The mails in the folder, oldest first; with `to`, only those to that address."""
        return read_mails(self.outbox, to)

    def token(self, to: str) -> str:
        """The token of the newest confirmation link mailed to `to`."""
        links = [LINK.search(m.get_body(("plain",)).get_content()) for m in self.mails(to)]
        return [link for link in links if link][-1].group(1)

    def confirm(self, token: str, ip: str = "127.0.0.1"):
        """Follow a confirmation link from `ip` and press its page's button."""
        client = self.app.test_client()
        return follow(client, f"/votes/confirm/{token}", environ_base={"REMOTE_ADDR": ip})

    def tally(self, headers: dict) -> dict:
        """The tally as staff read it."""
        response = self.app.test_client().get(
            f"/api/v1/editions/{self.slug}/tally", headers=headers
        )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def votes(self) -> list[Vote]:
        """Every stored vote."""
        with self.app.extensions["rv"].sessions() as session:
            return list(session.scalars(select(Vote).order_by(Vote.created_at)))

    def edition(self) -> Edition:
        """The edition's replica."""
        with self.app.extensions["rv"].sessions() as session:
            return session.scalar(select(Edition).where(Edition.slug == self.slug))


@pytest.fixture
def make_voting(make_app, tmp_path):
    """A voting app of the test stack (with overrides of its own settings, such as lower
    limits) and an open edition."""

    def build(public_tally: bool = False, **overrides) -> Voting:
        app = make_app("voting", **overrides)
        slug = f"ed-{uuid.uuid4().hex[:8]}"
        ids = [str(uuid.uuid4()) for _ in range(3)]
        apply(app, SCHEDULED, schedule(slug, public_tally=public_tally))
        apply(app, FINALISTS_SELECTED, finalists(slug, ids))
        return Voting(app, slug, ids, tmp_path / "outbox")

    return build


@pytest.fixture
def voting(make_voting):
    """The voting app with default test settings and an open edition."""
    return make_voting()


def vote_row(edition_id: int, finalist_id: str, **fields) -> Vote:
    """A vote row for the fraud signals to judge: its own person, shape and network unless
    `fields` say otherwise."""
    defaults = {
        "person_hash": uuid.uuid4().hex,
        "shape_hash": uuid.uuid4().hex,
        "network": f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.0/24",
        "created_at": utcnow(),
        "status": "unconfirmed",
    }
    return Vote(edition_id=edition_id, finalist_id=finalist_id, **(defaults | fields))


@pytest.fixture
def assess(make_voting):
    """assess(settings...)(votes, now) on a fresh edition: store the votes (Vote fields; for
    the first finalist unless they say) and assess each in turn, as if confirmed then (at
    its own `confirmed_at` when it has one)."""

    def build(**overrides):
        voting = make_voting(**overrides)
        app = voting.app

        def run(votes: list[dict], now: dt.datetime) -> list[fraud.Evidence]:
            """Store `votes` (Vote fields) and assess each in turn, as if confirmed then."""
            with app.app_context(), app.extensions["rv"].sessions.begin() as session:
                edition = session.scalar(select(Edition).where(Edition.slug == voting.slug))
                first = {"finalist_id": voting.finalist_ids[0]}
                rows = [vote_row(edition.id, **(first | fields)) for fields in votes]
                session.add_all(rows)
                session.flush()
                results = []
                for row in rows:
                    row.confirmed_at = row.confirmed_at or now
                    results.append(
                        fraud.assess(session, row, row.confirmed_at, edition.voting_open)
                    )
                    session.flush()
                return results

        return run

    return build
