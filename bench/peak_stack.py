"""The benches' platform: `make run`'s processes (deploy/Procfile) on PostgreSQL or SQLite.

Three fresh PostgreSQL databases on the machine's server (created, migrated, dropped at the
end), or SQLite files in the data folder as `make run` keeps them; a Redis of our own that
can be restarted on its port, mail to a folder, and every process of deploy/Procfile
started here rather than under honcho, which stops everything when one process dies: here
a killed process is started again, as a supervisor would. The faults of the scenario are
methods of the stack. The test suite's production rehearsal
(tests/e2e/test_rehearsal.py) runs the same stack, without the demo, with the settings a
deployment behind a TLS proxy has.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from contextlib import suppress
from pathlib import Path

import psycopg

from services import registry
from services.nominations.demo import DEMO_SLUG, seed_demo
from shared.config import SERVICES, database_url
from shared.redis_server import LocalRedis, free_port

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("PEAK_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
READY_WITHIN = 90.0


class Stack:
    """The running platform: its environment, databases, Redis and supervised processes."""

    def __init__(
        self,
        data: Path,
        postgres: str | None = POSTGRES,
        settings: dict[str, str] | None = None,
        demo: bool = True,
        appendonly: bool = False,
        ready_within: float = READY_WITHIN,
    ):
        """postgres: the server's URL, or None for SQLite files; settings: environment beside
        (and over) the stack's own; demo: seed the demo edition and wait for its voting form;
        appendonly: Redis keeps an append-only file; ready_within: seconds the processes
        may take to become healthy at start."""
        self.data = data
        self.postgres = postgres
        self.settings = settings or {}
        self.demo = demo
        self.ready_within = ready_within
        self.redis = LocalRedis(data / "redis", appendonly=appendonly)
        self.ports = {service: free_port() for service in SERVICES}
        named = postgres is not None
        self.databases = {s: f"rv_peak_{s}_{uuid.uuid4().hex[:8]}" for s in SERVICES if named}
        self.secret = uuid.uuid4().hex + uuid.uuid4().hex
        self.processes: dict[str, subprocess.Popen] = {}
        self.env: dict[str, str] = {}
        # Held while a fault stops and starts a process, so that supervising meanwhile does
        # not start it a second time.
        self.faulting = threading.Lock()

    def url(self, service: str) -> str:
        """The base URL of a service's web instance."""
        return f"http://127.0.0.1:{self.ports[service]}"

    def database_url(self, service: str) -> str:
        """The URL of a service's database: on PostgreSQL, or its SQLite file."""
        if self.postgres is None:
            return database_url(service, self.data)
        return f"{self.postgres}/{self.databases[service]}"

    @property
    def mail_folder(self) -> Path:
        """Where every service writes its mails (.eml files)."""
        return self.data / "outbox"

    def start(self) -> None:
        """Databases, Redis, migrations, the demo edition, then every process; wait for health."""
        self._create_databases()
        self.env = self._environment(self.redis.start())
        self.run_command("migrate")
        if self.demo:
            self._seed()
        for name in self._commands():
            self.spawn(name)
        self.wait_healthy(self.ready_within)

    def stop(self) -> None:
        """Stop every process (all asked at once, then waited for) and Redis, and drop the
        databases."""
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for name in list(self.processes):
            self.terminate(name)
        self.redis.stop()
        if not self.databases:
            return
        with psycopg.connect(f"{self.postgres}/postgres", autocommit=True) as admin:
            for database in self.databases.values():
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def _create_databases(self) -> None:
        if not self.databases:
            return
        with psycopg.connect(f"{self.postgres}/postgres", autocommit=True) as admin:
            for database in self.databases.values():
                admin.execute(f'CREATE DATABASE "{database}"')

    def _environment(self, redis_url: str) -> dict[str, str]:
        env = os.environ | {
            "RV_DATA_DIR": str(self.data),
            "REDIS_URL": redis_url,
            "MAIL_URL": f"file://{self.mail_folder}",
            "SECRET_KEY": self.secret,
            "TRUSTED_PROXIES": "0",  # forged X-Forwarded-For headers are ignored
            "SESSION_COOKIE_SECURE": "0",
            "RV_LOG_LEVEL": "WARNING",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        for service in SERVICES:
            if self.databases:
                env[f"{service.upper()}_DATABASE_URL"] = self.database_url(service)
            env[f"{service.upper()}_PORT"] = str(self.ports[service])
            env[f"{service.upper()}_PUBLIC_URL"] = self.url(service)
        return env | self.settings

    def _commands(self) -> dict[str, list[str]]:
        """deploy/Procfile's processes: a web instance, a worker and a relay per service."""
        commands = {}
        for service in SERVICES:
            bind = f"127.0.0.1:{self.ports[service]}"
            app = f"services.{service}:create_app()"
            gunicorn = ["-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "-b", bind, app]
            commands[service] = gunicorn
            commands[f"{service}_worker"] = ["-m", "services.cli", "worker", service]
            commands[f"{service}_relay"] = ["-m", "services.cli", "relay", service]
        return commands

    def spawn(self, name: str) -> None:
        """Start (or start again) the named process, its output appended to its log."""
        env = self.env
        if name in SERVICES:
            env = env | {"PROMETHEUS_MULTIPROC_DIR": str(self.data / "metrics" / name)}
        log = open(self.data / f"{name}.log", "ab")  # noqa: SIM115 - the child holds it
        self.processes[name] = subprocess.Popen(
            [sys.executable, *self._commands()[name]], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        log.close()

    def terminate(self, name: str, timeout: float = 15.0) -> None:
        """Stop a process gracefully (SIGTERM), killing it when it does not exit in time."""
        process = self.processes[name]
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def run_command(self, *args: str) -> str:
        """Run a project command (python -m services.cli ...) in the stack's environment; its
        output."""
        command = [sys.executable, "-m", "services.cli", *args]
        done = subprocess.run(command, cwd=ROOT, env=self.env, check=True, capture_output=True)
        return done.stdout.decode()

    def _seed(self) -> None:
        """The demo edition (voting open) in the hub, as `make run` seeds it."""
        hub = registry.create_app("nominations", registry.load_settings("nominations", self.env))
        try:
            with hub.app_context(), hub.extensions["rv"].sessions.begin() as session:
                seed_demo(session)
        finally:
            hub.extensions["rv"].engine.dispose()

    def wait_healthy(self, timeout: float = READY_WITHIN) -> None:
        """Wait until every web instance answers /healthz with 200 and voting shows the demo
        edition's form (its finalists arrived by event)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.check_alive()
            healthy = all(_answers(f"{self.url(s)}/healthz") for s in SERVICES)
            if healthy and (not self.demo or _shows_form(self.url("voting"))):
                return
            time.sleep(0.3)
        raise RuntimeError("the platform did not become ready")

    def check_alive(self) -> None:
        """Raise when a process exited before the platform was up."""
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{self.tail(name)}")

    def tail(self, name: str) -> str:
        """The end of a process's log."""
        return (self.data / f"{name}.log").read_text(errors="replace")[-2000:]

    def supervise(self) -> list[str]:
        """Start again every process that exited by itself, as a supervisor would; their names."""
        if not self.faulting.acquire(blocking=False):
            return []
        try:
            died = [name for name, proc in self.processes.items() if proc.poll() is not None]
            for name in died:
                self.spawn(name)
            return died
        finally:
            self.faulting.release()

    # The faults, each undone as a supervisor (or an operator) would.

    def kill_worker(self, service: str) -> None:
        """SIGKILL a service's rq worker mid-work, then start it again."""
        name = f"{service}_worker"
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait()
        self.spawn(name)

    def restart_redis(self) -> None:
        """Stop Redis and start it on the same port: its queues and counters are gone."""
        self.redis.restart()

    def restart_web(self, service: str) -> None:
        """Restart a web instance (graceful stop, then start), as a deployment does."""
        self.terminate(service)
        self.spawn(service)

    def database_away(self, service: str, seconds: float) -> None:
        """Make a database refuse connections (open ones closed) for `seconds`."""
        database = self.databases[service]
        with psycopg.connect(f"{self.postgres}/postgres", autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS false')
            try:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (database,),
                )
                time.sleep(seconds)
            finally:
                admin.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS true')


def _get(url: str) -> bytes | None:
    """The body of a 200 answer to GET url; None for any other answer or none at all."""
    with suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
        return response.read() if response.status == 200 else None
    return None


def _answers(url: str) -> bool:
    return _get(url) is not None


def _shows_form(voting_url: str) -> bool:
    return f"/stemmen/{DEMO_SLUG}".encode() in (_get(f"{voting_url}/") or b"")
