"""Hostile input against every service's OpenAPI document: `python -m bench.fuzz`.

What runs: a fresh temporary data folder with the three services' databases at their newest
migration, a Redis (REDIS_URL under a unique prefix whose keys alone are deleted afterwards,
else a redis-server of our own), and the three apps in this process. The hub seeds the demo
edition (voting open, ten finalists) and one edition in each other phase; the real relay and
rq workers carry them to voting and jury; a vote and a juror are made through the API. Then
schemathesis reads each service's `/openapi.json` and sends every operation generated
requests, valid ones and invalid ones, with an admin staff token, the path parameters now
and then replaced by real slugs and ids so that requests reach past the 404.

Every response is judged by the checks in CHECKS: no server error, a status code, content
type, headers and body the document describes, and invalid input refused. The figures, per
service: cases sent, failures by check, time. Exit status 1 when any check failed or a
service got fewer cases than --min-cases.

tests/fuzz/test_openapi_fuzz.py runs the same campaign with a few examples an operation.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import hypothesis
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from bench.bus import redis_server
from services import registry
from services.nominations.demo import DEMO_SLUG, seed_demo
from services.nominations.models import Nomination
from services.nominations.pictures_api import PICTURE_TYPES
from services.voting.models import Vote
from shared import config
from tests.factories import edition_body, iso, issue_token
from tests.shared.bus_helpers import drain, relay

CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
)
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
HOUR = 3600
# An edition in each phase beside the demo's voting phase: the windows' offsets from now.
PHASES = {
    "nominating": {},
    "screening": {"nominations_open": -2 * HOUR, "nominations_close": -HOUR},
    "closed": dict(
        nominations_open=-5 * HOUR,
        nominations_close=-4 * HOUR,
        voting_open=-3 * HOUR,
        voting_close=-2 * HOUR,
        jury_close=-HOUR,
    ),
}


@dataclass
class Report:
    """What the campaign found in one service."""

    service: str
    cases: int = 0
    failures: Counter = field(default_factory=Counter)  # check -> failed cases
    first: dict[tuple[str, str], str] = field(default_factory=dict)  # (check, operation) -> text
    seconds: float = 0.0

    def record(self, check: str, operation: str, text: str) -> None:
        """Count one failure of `check`, keeping the text of the first in each operation."""
        self.failures[check] += 1
        self.first.setdefault((check, operation), text)


@dataclass
class Seeds:
    """What the campaign starts from: an admin staff token valid in every service, and per
    service the real values of each path parameter."""

    token: str
    values: dict[str, dict[str, list[str]]]


def seed(apps: dict[str, Flask]) -> Seeds:
    """Editions in every phase, finalists, a vote and a juror, made through the API and
    carried by the bus as in production."""
    hub, token = apps["nominations"], issue_token(apps, "admin", name="fuzz")
    staff = {"Authorization": f"Bearer {token}"}
    with hub.app_context(), hub.extensions["rv"].sessions.begin() as session:
        seed_demo(session)
    slugs = [DEMO_SLUG]
    for phase, offsets in PHASES.items():
        body = edition_body(f"fuzz-{phase}", **{k: iso(v) for k, v in offsets.items()})
        hub.test_client().post("/api/v1/editions", json=body, headers=staff)
        slugs.append(body["slug"])
    _deliver(apps)
    tally = apps["voting"].test_client().get(f"/api/v1/editions/{DEMO_SLUG}/tally").get_json()
    vote = {"finalist_id": tally["finalists"][0]["finalist_id"], "email": "fuzz@telenet.be"}
    apps["voting"].test_client().post(f"/api/v1/editions/{DEMO_SLUG}/votes", json=vote)
    juror = {"name": "Fuzz", "email": "fuzz.jurylid@telenet.be"}
    invited = (
        apps["jury"]
        .test_client()
        .post(f"/api/v1/editions/{DEMO_SLUG}/jurors", json=juror, headers=staff)
    )
    values = {
        "nominations": {
            "slug": slugs,
            "nomination_id": _ids(hub, Nomination),
            "finalist_id": _ids(hub, Nomination),
        },
        "voting": {"slug": slugs, "vote_id": _ids(apps["voting"], Vote)},
        "jury": {"slug": slugs, "juror_id": [invited.get_json()["id"]]},
    }
    return Seeds(token, values)


def _deliver(apps: dict[str, Flask]) -> None:
    """Carry what the hub published to voting and jury through the relay and their workers."""
    relay(apps["nominations"]).sweep()
    for service in ("voting", "jury"):
        drain(apps[service])


def _ids(app: Flask, model) -> list[str]:
    with app.extensions["rv"].sessions() as session:
        return list(session.scalars(select(model.id)))


def fuzz(app: Flask, seeds: Seeds, examples: int, seed: int | None = None) -> Report:
    """Send every operation of the app's document up to `examples` generated requests in
    each mode, judge each response by every check. Without `seed`, the same requests each
    run."""
    service = app.extensions["rv"].settings.service
    report = Report(service)
    headers = {"Authorization": f"Bearer {seeds.token}"}
    started = time.monotonic()
    for result in load_schema(app, seeds.values[service]).get_all_operations():
        operation = result.ok()
        for mode in _modes(operation):
            _run(operation, mode, headers, report, examples, seed)
    report.seconds = time.monotonic() - started
    return report


def load_schema(app: Flask, values: dict[str, list[str]]):
    """The app's OpenAPI document as schemathesis reads it, with real path values mixed in."""
    # Pictures are sent as raw bytes, as any binary body.
    for media_type in PICTURE_TYPES:
        schemathesis.serializer.alias(media_type, "application/octet-stream")
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    schema.hook("flatmap_path_parameters")(_real_values(values))
    # Unknown query parameters are ignored, as HTTP servers do: not a finding.
    schema.config.generation.update(allow_extra_parameters=False)
    # An invalid body too large to read is refused all the same.
    rejection = schema.config.checks.negative_data_rejection
    rejection.expected_statuses = [*rejection.expected_statuses, "413"]
    return schema


def _modes(operation) -> tuple[GenerationMode, ...]:
    # Only a query or a body can be made invalid: a string in the path is any string, the
    # staff token's header is fixed, and any bytes are a binary body (a picture).
    if len(operation.query) or any(body.is_negatable for body in operation.body):
        return MODES
    return MODES[:1]


def _real_values(values: dict[str, list[str]]):
    """A hook that, half of the time, puts real slugs and ids in the generated path."""

    def flatmap_path_parameters(context, path_parameters):
        real = {k: st.sampled_from(values[k]) for k in path_parameters or () if values.get(k)}
        if not real or not isinstance(path_parameters, dict):
            return st.just(path_parameters)
        return st.one_of(
            st.just(path_parameters),
            st.fixed_dictionaries(real).map(lambda chosen: path_parameters | chosen),
        )

    return flatmap_path_parameters


def _run(operation, mode, headers: dict, report: Report, examples: int, seed) -> None:
    """Up to `examples` requests of one operation in one generation mode."""

    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,  # nothing written to .hypothesis/
        derandomize=seed is None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    def send(case):
        judge(case, report)

    if seed is not None:
        send = hypothesis.seed(seed)(send)
    send()


def judge(case, report: Report) -> None:
    """Send one case and record what each check finds wrong with the answer (never raises,
    so that generation goes on and every failure is counted)."""
    report.cases += 1
    try:
        response = case.call()
    except Exception:  # the app raised (a testing app propagates): a client gets a 500
        report.record("not_a_server_error", case.operation.label, traceback.format_exc())
        return
    for check in CHECKS:
        try:
            case.validate_response(response, checks=[check])
        except FailureGroup as group:
            report.record(check.__name__, case.operation.label, str(group))


@contextmanager
def campaign_apps() -> Iterator[dict[str, Flask]]:
    """The three apps on a temporary data folder and Redis, their databases migrated."""
    prefix = f"fuzz{uuid.uuid4().hex[:10]}-"
    with (
        tempfile.TemporaryDirectory(prefix="rv-fuzz-") as tmp,
        redis_server(Path(tmp) / "redis", prefix) as url,
    ):
        env = {
            "RV_DATA_DIR": str(Path(tmp) / "data"),
            "REDIS_URL": url,
            "RV_QUEUE_PREFIX": prefix,
            "SECRET_KEY": "bench-secret-key-of-the-benchmarks-0123",
            "MAIL_URL": f"file://{Path(tmp) / 'mail'}",
        }
        apps = {}
        for service in config.SERVICES:
            settings = registry.load_settings(service, env)
            registry.schema(service).upgrade(settings.database_url)
            apps[service] = registry.create_app(service, settings)
        yield apps


def print_table(reports: list[Report]) -> None:
    """The figures: cases, failures by check and seconds per service, then each check's
    first failure."""
    names = [c.__name__ for c in CHECKS]
    print(f"{'service':<12}{'cases':>7}{'s':>7}  " + "  ".join(names))
    for r in reports:
        counts = "  ".join(f"{r.failures[n]:>{len(n)}}" for n in names)
        print(f"{r.service:<12}{r.cases:>7}{r.seconds:>7.1f}  {counts}")
    for r in reports:
        for (check, operation), text in r.first.items():
            print(f"\n--- {r.service} {operation}: {check} ---\n{text}")


def main(argv: list[str] | None = None) -> int:
    """Run the campaign against the three services; 1 when anything failed."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.fuzz", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--examples", type=int, default=60, help="per operation and mode")
    parser.add_argument("--min-cases", type=int, default=1000, help="per service")
    parser.add_argument("--seed", type=int, default=random.randrange(2**32))
    args = parser.parse_args(argv)
    print(f"seed {args.seed}, {args.examples} examples per operation and mode")
    with campaign_apps() as apps:
        seeds = seed(apps)
        reports = [fuzz(app, seeds, args.examples, args.seed) for app in apps.values()]
    print_table(reports)
    failed = any(r.failures for r in reports) or any(r.cases < args.min_cases for r in reports)
    return int(failed)


if __name__ == "__main__":
    raise SystemExit(main())
