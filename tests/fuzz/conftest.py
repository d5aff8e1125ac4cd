"""Fixtures of the hostile-input tests: the three apps seeded as `make bench-fuzz` seeds
them (an edition in every phase, the demo's ten finalists, a vote, a juror), a juror logged
in from the link in their mail, and what the services' OpenAPI documents say."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bench.fuzz import Seeds, seed
from services import registry
from tests.links import follow
from tests.services.jury.conftest import login_path, run_worker

JUROR = "fuzz.jurylid@telenet.be"  # the juror bench.fuzz.seed invites
HTML = {"Accept": "text/html"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Campaign:
    """The seeded stack."""

    apps: dict[str, Flask]
    seeds: Seeds

    @property
    def staff(self) -> dict:
        """Headers of the seeded admin token."""
        return {"Authorization": f"Bearer {self.seeds.token}"}

    def value(self, service: str, name: str) -> str:
        """A real value of a path parameter of `service` (the demo's slug for `slug`)."""
        return self.seeds.values[service].get(name, ["no-such-id"])[0]

    def juror(self) -> FlaskClient:
        """A client of the seeded juror, logged in from the link in their mail."""
        jury = self.apps["jury"]
        run_worker(jury)
        client = jury.test_client()
        assert follow(client, login_path(jury, JUROR)).status_code == 303
        return client

    def finalist_id(self) -> str:
        """The id of one of the demo's finalists."""
        tally = self.apps["voting"].test_client().get("/api/v1/editions/demo/tally").get_json()
        return tally["finalists"][0]["finalist_id"]


@pytest.fixture
def campaign(apps) -> Campaign:
    return Campaign(apps, seed(apps))


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on the page at `path`, in this client's session."""
    return CSRF.search(client.get(path, headers=HTML).get_data(as_text=True)).group(1)


def stored(apps: dict[str, Flask]) -> dict[str, int]:
    """How many rows every table of every service holds."""
    counts = {}
    for service, app in apps.items():
        tables = [t for m in registry.schema(service).targets for t in m.sorted_tables]
        with app.extensions["rv"].sessions() as session:
            for table in tables:
                count = session.scalar(select(func.count()).select_from(table))
                counts[f"{service}.{table.name}"] = count
    return counts


def staff_operations(app: Flask) -> list[tuple[str, str]]:
    """(method, path template) of every operation the app's document marks as staff only
    (a security requirement without the empty alternative `{}`, which lets anyone in: the
    finalists are public from voting_open and staff-only before)."""
    spec = app.test_client().get("/openapi.json").get_json()
    return [
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") and {} not in operation["security"]
    ]
