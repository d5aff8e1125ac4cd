"""The scale tests' cluster: every service twice, with two rq workers per queue and two relays
per service, as real processes on one PostgreSQL and one Redis."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from services import registry
from shared.config import SERVICES
from shared.redis_server import free_port
from tests.factories import issue_token
from tests.mailbox import mail_folder, read_mails
from tests.scale.client import call
from tests.shared.bus_helpers import wait_for

ADDRESS_LIMIT, NETWORK_LIMIT = 5, 8


def healthy(url: str) -> bool:
    """The instance answers /healthz with 200 (its database and Redis answer it)."""
    try:
        return call(f"{url}/healthz")[0] == 200
    except OSError:  # not listening yet
        return False


@dataclass
class Cluster:
    """The running instances (two base URLs a service), apps in this process on the same
    databases and Redis to read them, and a staff member's headers."""

    urls: dict[str, tuple[str, ...]]
    apps: dict[str, Flask]
    staff: dict

    def url(self, service: str, n: int) -> str:
        """Instance n % 2 of the service: traffic alternates between the two."""
        return self.urls[service][n % 2]

    def session(self, service: str) -> Session:
        """A session on the service's database."""
        return self.apps[service].extensions["rv"].sessions()

    def mails(self, to: str | None = None) -> list:
        """The mails every instance wrote to the one mail folder; with `to`, only to that."""
        return read_mails(mail_folder(self.apps["voting"]), to)


def start_service(spawn, env: dict, service: str) -> tuple[str, ...]:
    """Two gunicorn instances, two rq workers and two relays of one service; its URLs."""
    urls = []
    for _ in range(2):
        port = free_port()
        app = f"services.{service}:create_app()"
        bind = f"127.0.0.1:{port}"
        spawn("-c", "deploy/gunicorn.conf.py", "-b", bind, app, module="gunicorn", env=env)
        spawn("worker", service, env=env)
        spawn("relay", service, env=env)
        urls.append(f"http://{bind}")
    return tuple(urls)


@pytest.fixture
def cluster(make_env, pg_database, spawn, settings_for):
    """Every service twice, with its workers and relays, on one PostgreSQL and one Redis."""
    env = make_env(
        **{f"{s.upper()}_DATABASE_URL": pg_database(f"rv_{s}") for s in SERVICES},
        TRUSTED_PROXIES="1",  # the test's clients say which address they vote from
        VOTE_LIMIT_ADDRESS=f"{ADDRESS_LIMIT}/minute",
        VOTE_LIMIT_NETWORK=f"{NETWORK_LIMIT}/minute",
        # The batch delivered twice mails each nominator six times: the test counts the
        # mails each event sends, not the per-recipient limit (test_capture.py does).
        MAIL_LIMIT_RECIPIENT="100 per day",
        WEB_CONCURRENCY="1",  # one gunicorn worker an instance: the machine has two cores
        SESSION_COOKIE_SECURE="0",  # plain HTTP on loopback, as `make run`
    )
    assert spawn("migrate", env=env).wait(120) == 0
    urls = {service: start_service(spawn, env, service) for service in SERVICES}
    apps = {
        service: registry.create_app(service, settings_for(service, env)) for service in SERVICES
    }
    wait_for(lambda: all(healthy(u) for pair in urls.values() for u in pair), 90, interval=0.3)
    yield Cluster(urls, apps, {"Authorization": f"Bearer {issue_token(apps)}"})
    for app in apps.values():
        app.extensions["rv"].engine.dispose()
