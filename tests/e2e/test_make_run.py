"""The local runner as a user starts it: its own Redis, schemas, the demo edition, every
service, worker and relay; READY once healthy; Ctrl-C stops the whole process group."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request

import pytest
from redis import Redis
from redis.exceptions import RedisError

from shared.redis_server import free_port
from tests.conftest import ROOT
from tests.shared.bus_helpers import wait_for

pytestmark = pytest.mark.slow


def get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.status, json.loads(response.read())


@pytest.fixture
def running(tmp_path):
    """`services.cli run` with its own data folder and ports, and no REDIS_URL."""
    ports = {s: free_port() for s in ("NOMINATIONS", "VOTING", "JURY")}
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SECRET_KEY")}
    env |= {f"{s}_PORT": str(p) for s, p in ports.items()} | {"RV_DATA_DIR": str(tmp_path)}
    log = open(tmp_path / "run.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield proc, tmp_path / "run.log", {s.lower(): f"http://127.0.0.1:{p}" for s, p in ports.items()}
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    log.close()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def test_run_seeds_the_demo_edition_into_all_three_services_and_stops_cleanly(running):
    proc, log, urls = running
    wait_for(lambda: "READY" in log.read_text().splitlines(), 90, interval=0.3)
    text = log.read_text()
    assert "staff token" in text
    for url in urls.values():
        assert get(f"{url}/healthz") == (200, {"status": "ok"})

    def demo_everywhere():
        return all(get(f"{u}/api/v1/editions/demo")[1]["slug"] == "demo" for u in urls.values())

    wait_for(lambda: _quietly(demo_everywhere), 5, interval=0.1)
    redis_url = (log.parent / "redis.url").read_text()
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(30)
    wait_for(lambda: not group_alive(proc.pid), 20, interval=0.2)
    assert not _quietly(lambda: Redis.from_url(redis_url, socket_connect_timeout=0.5).ping())
    assert "Traceback" not in log.read_text()


def _quietly(check) -> bool:
    try:
        return check()
    except (OSError, RedisError):
        return False
