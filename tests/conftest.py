"""Fixtures: real Redis, real databases (SQLite, or PostgreSQL with --database=postgresql),
the three apps, staff tokens, workers.

Redis: the machine's server on 6379 when it answers (database 11, every key of a test under
its own prefix, removed afterwards; the database itself is never flushed), else a
redis-server of our own. Tests that flush or restart Redis always get one of their own.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from dataclasses import fields
from pathlib import Path

import psycopg
import pytest
from redis import Redis
from redis.exceptions import RedisError
from werkzeug.serving import make_server

from services import registry
from shared import config
from shared.redis_server import LocalRedis
from tests import ordering, passes
from tests.databases import Databases, create_database
from tests.factories import issue_token
from tests.postgres_server import SEARCHED, LocalPostgres, binaries
from tests.url_builders import compile_each_rule_once

ROOT = Path(__file__).resolve().parent.parent
MACHINE_REDIS = "redis://127.0.0.1:6379/11"
# The PostgreSQL server tried first; RV_TEST_POSTGRES names another (one that answers nowhere
# makes the suite start its own, as on a machine without a server).
POSTGRES = os.environ.get("RV_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def pytest_addoption(parser):
    parser.addoption(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the services' databases: SQLite files (default) or PostgreSQL",
    )
    passes.add_options(parser)


def pytest_configure(config):
    passes.register(config)
    compile_each_rule_once()


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected: the order of what runs
def pytest_collection_modifyitems(config, items):
    """The slow tests first, spread over the pytest-xdist workers (tests/ordering.py)."""
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    items[:] = ordering.slow_first(
        items, lambda item: item.get_closest_marker("slow"), workers, lambda item: item.path
    )


def pytest_collection_finish(session):
    """Leave what is alive after collection (modules, test items) out of every later garbage
    collection: the suite builds a few apps a test, and the collector walking some 200,000
    long-lived objects each time cost more than building them."""
    gc.collect()
    gc.freeze()


def _answers(url: str) -> bool:
    try:
        return bool(Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except RedisError:
        return False


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real Redis for the suite: the machine's, or one started for it."""
    if _answers(MACHINE_REDIS):
        yield MACHINE_REDIS
        return
    server = LocalRedis(tmp_path_factory.mktemp("redis"))
    yield server.start()
    server.stop()


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own, which it may flush and restart."""
    server = LocalRedis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def prefix(redis_url):
    """This test's queue prefix; its keys are deleted afterwards."""
    value = f"t{uuid.uuid4().hex[:10]}-"
    yield value
    client = Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"*{value}*", count=1000))
    if keys:
        client.delete(*keys)


def _postgres_answers(url: str) -> bool:
    try:
        psycopg.connect(f"{url}/postgres", connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server URL: the machine's on 5432 (RV_TEST_POSTGRES), else one started for
    this process from the machine's binaries (`make test` installs Debian's postgresql where
    they are missing). Where neither can be had the test fails saying so: a skip would let a
    whole engine's pass vanish from a green run."""
    if _postgres_answers(POSTGRES):
        yield POSTGRES
        return
    if binaries() is None:
        pytest.fail(
            f"PostgreSQL is needed: none answers at {POSTGRES} and no initdb was found "
            f"({SEARCHED}); `make test` installs Debian's postgresql"
        )
    folder = Path(tempfile.mkdtemp(prefix="rv-postgres-"))  # outside root's private tmp
    server = LocalPostgres(folder, binaries())
    try:
        url = server.start()
    except subprocess.CalledProcessError as error:
        pytest.fail(f"the suite's own PostgreSQL did not start: {error.stderr.decode()[-800:]}")
    yield url
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def databases(request, tmp_path_factory):
    """The run's databases (tests/databases.py), by the --database option. The SQLite
    templates are shared by the run's pytest-xdist workers (built once, under a lock); each
    worker has PostgreSQL databases of its own."""
    own = tmp_path_factory.getbasetemp()
    templates = (own.parent if hasattr(request.config, "workerinput") else own) / "templates"
    server = None
    if request.config.getoption("--database") == "postgresql":
        server = request.getfixturevalue("postgres_server")
    suite = Databases(templates, server)
    yield suite
    suite.close()


@pytest.fixture
def ready(databases):
    """ready(app) -> app, its database at the newest migration; cleaned after the test."""
    yield databases.ready
    databases.after_test()


@pytest.fixture
def make_env(tmp_path, redis_url, prefix, databases, ready):
    """The environment of a test stack: its own data folder, databases, Redis prefix."""

    def make(redis: str | None = None, **extra) -> dict:
        env = {
            "RV_DATA_DIR": str(tmp_path / "data"),
            "REDIS_URL": redis or redis_url,
            "RV_QUEUE_PREFIX": prefix,
            "SECRET_KEY": "test-secret-key-of-the-suite-0123456789",
            "MAIL_URL": f"file://{tmp_path / 'outbox'}",
        }
        return env | databases.env() | extra

    return make


@pytest.fixture
def settings_for(make_env):
    """Settings of one service in this test's stack, with field overrides."""

    def build(service: str, env: dict | None = None, **overrides) -> config.Settings:
        settings = registry.load_settings(service, env or make_env())
        if service == "voting":  # a test clicks a link the instant its mail is sent
            overrides = {"fraud_min_click_seconds": 0.0} | overrides
        return settings.with_overrides(testing=True, **overrides)

    return build


@pytest.fixture
def make_app(settings_for, ready):
    """make_app(service, env=None, **overrides): one service's app on this test's stack, with
    its settings overridden, its database migrated."""

    def build(service: str, env: dict | None = None, **overrides):
        return ready(registry.create_app(service, settings_for(service, env, **overrides)))

    return build


@pytest.fixture
def stack(settings_for, make_app):
    """The three apps of one test stack, their databases migrated: {name: app}. Each service
    takes the overrides among its settings (a voting limit leaves the hub alone)."""

    def build(env: dict | None = None, **overrides) -> dict:
        apps = {}
        for service in config.SERVICES:
            own = {f.name for f in fields(settings_for(service, env))}
            apps[service] = make_app(
                service, env, **{k: v for k, v in overrides.items() if k in own}
            )
        return apps

    return build


@pytest.fixture
def apps(stack):
    """The three apps with default test settings."""
    return stack()


@pytest.fixture
def app(apps):
    """The nominations app (the hub)."""
    return apps["nominations"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def token_for(apps):
    """Issue a staff token with the given scopes in all three services of the stack."""

    return lambda *scopes, name="tester": issue_token(apps, *scopes, name=name)


@pytest.fixture
def staff(token_for):
    """Authorization headers of an admin staff token."""
    return {"Authorization": f"Bearer {token_for('admin')}"}


@pytest.fixture
def spawn(make_env):
    """Start a project command (python -m services.cli ...), or with `module` another module
    run the same way (python -m gunicorn ...), as a real process."""
    procs: list[subprocess.Popen] = []

    def start(
        *args: str, env: dict | None = None, module: str = "services.cli"
    ) -> subprocess.Popen:
        full = os.environ | (env or make_env())
        proc = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            env=full,
            start_new_session=True,  # its own group: the rq scheduler it forks goes with it
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Chromium starts a renderer per site and keeps one spare: the suite's pages come from a
    # few local origins, and two renderers per browser cut the accessibility tests' CPU by
    # about 7 % without slowing a page. (No --disable-features here: it would replace
    # Playwright's own list of features it turns off.)
    "--renderer-process-limit=2",
]


@pytest.fixture
def serve():
    """Serve an app over real HTTP on a loopback port (a free one unless given), in a thread;
    returns its base URL."""
    servers = []

    def start(app, port: int = 0) -> str:
        server = make_server("127.0.0.1", port, app, threaded=True)
        # A short poll: shutdown() waits for it, once for every server of every test.
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab with its own cookies, in Dutch (Belgium) like most visitors."""
    context = browser.new_context(locale="nl-BE")
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def pg_database(postgres_server):
    """Make empty PostgreSQL databases of this test's own, dropped afterwards:
    new(prefix) -> URL."""
    admin = psycopg.connect(f"{postgres_server}/postgres", autocommit=True)
    made: list[str] = []

    def new(prefix: str = "rv") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        create_database(admin, name)
        made.append(name)
        return f"{postgres_server}/{name}"

    yield new
    for name in made:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.close()
