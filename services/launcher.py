"""`make run`: Redis if none is configured, schemas, the demo edition, then every web
service, worker and relay under honcho (deploy/Procfile); READY once all answer /healthz."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from services.cli import issue_staff_token, migrate_databases, transaction_of
from services.nominations.demo import seed_demo
from shared import config
from shared.redis_server import LocalRedis
from shared.schema import SchemaUntracked

ROOT = Path(__file__).resolve().parent.parent
READY_WITHIN = 60


def _prepare_environment() -> tuple[dict, LocalRedis | None]:
    """Fill os.environ with what every child needs; start a Redis when REDIS_URL is unset."""
    env = os.environ
    data = config.data_dir_from_env()
    data.mkdir(parents=True, exist_ok=True)
    env["RV_DATA_DIR"] = str(data)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    for service, port in config.DEFAULT_PORTS.items():
        env.setdefault(f"{service.upper()}_PORT", str(port))
    # The local services speak plain HTTP on loopback: a Secure cookie would never come back.
    env.setdefault("SESSION_COOKIE_SECURE", "0")
    # A local mail catcher (smtp://127.0.0.1:1025) speaks no TLS; production must.
    env.setdefault("MAIL_ALLOW_PLAINTEXT", "1")
    config.secret_key(data)
    redis = None
    url_file = data / "redis.url"
    if not env.get("REDIS_URL"):
        redis = LocalRedis(data / "redis", own_session=True)
        env["REDIS_URL"] = redis.start()
        url_file.write_text(env["REDIS_URL"])
    else:
        url_file.unlink(missing_ok=True)
    return env, redis


def _seed() -> None:
    if os.environ.get("RV_DEMO", "1") == "0":
        return
    with transaction_of("nominations") as session:
        if seed_demo(session):
            print("seeded the demo edition (slug demo)", flush=True)


def _urls() -> dict[str, str]:
    return {s: f"http://127.0.0.1:{os.environ[f'{s.upper()}_PORT']}" for s in config.SERVICES}


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def _wait_ready(honcho: subprocess.Popen) -> bool:
    end = time.monotonic() + READY_WITHIN
    while time.monotonic() < end and honcho.poll() is None:
        if all(_healthy(url) for url in _urls().values()):
            return True
        time.sleep(0.3)
    return False


def run_all() -> int:
    """Run the platform until Ctrl-C (or until a process of it exits); returns an exit code."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    env, redis = _prepare_environment()
    procfile = ROOT / "deploy" / "Procfile"
    honcho = None
    try:
        migrate_databases()
        _seed()
        token = issue_staff_token("make-run", ("admin",))
        honcho = subprocess.Popen(
            [sys.executable, "-m", "honcho", "-f", str(procfile), "-d", str(ROOT), "start"],
            env=env,
        )
        if not _wait_ready(honcho):
            print("the services did not become healthy", file=sys.stderr, flush=True)
            return 1
        print("READY", flush=True)
        for service, url in _urls().items():
            print(f"{service:12} {url}", flush=True)
        print(f"staff token  {token}", flush=True)
        return honcho.wait()
    except SchemaUntracked as exc:
        print(exc, file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        _stop(honcho)
        if redis:
            redis.stop()


def _stop(honcho: subprocess.Popen | None) -> None:
    if honcho is None or honcho.poll() is not None:
        return
    honcho.send_signal(signal.SIGINT)
    try:
        honcho.wait(15)
    except subprocess.TimeoutExpired:
        honcho.kill()
        honcho.wait()
