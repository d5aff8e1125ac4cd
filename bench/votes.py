"""Vote intake and confirmation under load, beside a bare Flask endpoint: `python -m bench.votes`.

A temporary data folder (SQLite), a redis-server of our own and two gunicorn servers with the
production settings (deploy/gunicorn.conf.py): the real voting app with its limiter on that
Redis, and a bare Flask app answering a POST with a constant 202 JSON body. The voting database
holds an edition in its voting phase with 10 finalists, received as the hub's events. As behind
the production proxy, TRUSTED_PROXIES=1 and each request's X-Forwarded-For is its own /24, so
the real (default) limits are checked on every request without refusing honest load.

One asyncio process keeps CONNECTIONS keep-alive connections busy with hand-written HTTP/1.1
(it shares the 2 cores with the servers, and prints the CPU it used: near one core, it is the
limit). Per run, after a warm-up: requests/s, p50/p99 latency, the workers' CPU per request and
answers other than the expected status. Runs: bare POST; intake (a new person per request);
confirmation (each of those votes' links, from another address); the tally of 1,000,000
counted votes written straight into a second edition; the resident memory of each worker.
Exit status 1 when a target is missed, 2 when the run failed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import closing, contextmanager, suppress
from pathlib import Path

import psutil
from flask import Flask, jsonify

from bench.keepalive import exchange, letters, request_bytes
from services import registry
from services.voting.config import load
from services.voting.jobs import HANDLERS
from shared.db import make_engine, make_sessionmaker
from shared.events import consume, envelope
from shared.models import utcnow
from shared.redis_server import LocalRedis, free_port
from shared.tokens import make_token

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 16
SLUG, TALLY_SLUG = "bench", "bench-tally"
FINALISTS = 10
TALLY_VOTES = 1_000_000
TARGETS = {"ratio": 0.5, "votes_per_s": 1000, "p99_ms": 50, "tally_ms": 100, "rss_mb": 100}


def bare_app() -> Flask:
    """The baseline: Flask answering a POST with a constant JSON body, nothing else."""
    app = Flask("bare")

    @app.post("/bare")
    def bare():
        return jsonify(status="unconfirmed"), 202

    return app


def vote_body(finalist_id: str, n: int) -> dict:
    """The n-th voter's vote: a person of their own."""
    return {"finalist_id": finalist_id, "email": f"{letters(n)}@telenet.be"}


async def drive(port: int, requests: list[bytes], expected: int) -> dict:
    """Send every request over CONNECTIONS connections; throughput, latencies, failures."""
    queue = iter(requests)
    latencies: list[float] = []
    wrong: dict[int, int] = {}

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for request in queue:
            started = time.perf_counter()
            status = (await exchange(reader, writer, request)).status
            latencies.append(time.perf_counter() - started)
            if status != expected:
                wrong[status] = wrong.get(status, 0) + 1
        writer.close()

    cpu, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(CONNECTIONS)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p50, p99 = (latencies[int(len(latencies) * q)] * 1000 for q in (0.5, 0.99))
    rps, own_cpu = len(requests) / elapsed, (time.process_time() - cpu) / elapsed
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "wrong": wrong, "generator_cpu": own_cpu}


def run(server: tuple, requests: list[bytes], expected: int, warmup: list[bytes]) -> dict:
    """Warm up, then drive the measured requests; with the CPU the workers spent on each."""
    port, proc = server
    asyncio.run(drive(port, warmup, expected))
    before = workers_cpu(proc)
    result = asyncio.run(drive(port, requests, expected))
    result["server_cpu_ms"] = (workers_cpu(proc) - before) / len(requests) * 1000
    return result


def workers_cpu(proc: subprocess.Popen) -> float:
    """CPU seconds (user and system) the gunicorn workers used so far."""
    times = [c.cpu_times() for c in psutil.Process(proc.pid).children()]
    return sum(t.user + t.system for t in times)


@contextmanager
def gunicorn(app: str, env: dict):
    """A gunicorn server with the production settings; yields its port and process."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
    proc = subprocess.Popen([*command, "-b", f"127.0.0.1:{port}", app], cwd=ROOT, env=env)
    try:
        wait_for_port(port, proc)
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(20)


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < end:
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port} (exit status {proc.poll()})")


def prepare(env: dict) -> dict[str, list[str]]:
    """Schemas, and the two editions with their finalists as the hub would send them."""
    url = load(env).database_url
    registry.schema("voting").upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    now = utcnow().replace(microsecond=0)
    ids = {slug: [str(uuid.uuid4()) for _ in range(FINALISTS)] for slug in (SLUG, TALLY_SLUG)}
    for slug, finalist_ids in ids.items():
        events = [envelope(t, "nominations", p) for t, p in hub_events(slug, now, finalist_ids)]
        consume(sessions, events, HANDLERS)
    return ids


def hub_events(slug: str, now, ids: list[str]) -> list[tuple[str, dict]]:
    names = ("nominations_open", "nominations_close", "voting_open", "voting_close", "jury_close")
    hours = zip(names, (-3, -2, -1, 2, 3), strict=True)
    schedule = {name: (now + dt.timedelta(hours=h)).isoformat() for name, h in hours}
    schedule |= {"slug": slug, "title": "Bench", "timezone": "Europe/Brussels", "revision": 1}
    schedule |= {"finalist_count": FINALISTS, "public_tally": True, "tie_break": "other_award"}
    finalists = [{"id": f, "name": f, "organisation": "Vzw", "summary": "."} for f in ids]
    return [
        ("edition.scheduled", schedule),
        ("finalists.selected", {"edition": slug, "revision": 1, "finalists": finalists}),
    ]


def fill_tally(database: str, ids: list[str]) -> None:
    """TALLY_VOTES counted votes in the tally edition, with their counters, in one go."""
    now, per = utcnow().isoformat(sep=" "), TALLY_VOTES // FINALISTS
    with closing(sqlite3.connect(database)) as db, db:
        edition = db.execute("SELECT id FROM editions WHERE slug = ?", (TALLY_SLUG,)).fetchone()[0]
        rows = (
            (str(uuid.UUID(int=n)), edition, ids[n % FINALISTS], f"{n:064x}", f"{n:064x}", now)
            for n in range(TALLY_VOTES)
        )
        db.executemany(
            "INSERT INTO votes (id, edition_id, finalist_id, person_hash, shape_hash, lang, status,"
            " reasons, honeypot, created_at) VALUES (?, ?, ?, ?, ?, 'nl', 'counted', '[]', 0, ?)",
            rows,
        )
        counters = [(edition, finalist, per) for finalist in ids]
        db.executemany(
            "INSERT INTO vote_counts (edition_id, finalist_id, status, shard, votes)"
            " VALUES (?, ?, 'counted', 0, ?)",
            counters,
        )


def time_tally(port: int, rounds: int = 50) -> tuple[float, int]:
    """The median time of GET /tally of the tally edition over HTTP, and the votes it lists."""
    path = f"/api/v1/editions/{TALLY_SLUG}/tally"
    request = f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()

    async def measure() -> tuple[list[float], bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            body = (await exchange(reader, writer, request)).body
            times.append(time.perf_counter() - started)
        writer.close()
        return sorted(times), body

    times, body = asyncio.run(measure())
    return times[len(times) // 2] * 1000, sum(f["votes"] for f in json.loads(body)["finalists"])


def worker_rss_mb(proc: subprocess.Popen) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), in MB."""
    return [c.memory_info().rss / 2**20 for c in psutil.Process(proc.pid).children()]


def vote_ids(database: str) -> list[str]:
    query = "SELECT v.id FROM votes v JOIN editions e ON e.id = v.edition_id WHERE e.slug = ?"
    with closing(sqlite3.connect(database)) as db:
        return [row[0] for row in db.execute(query + " ORDER BY v.created_at", (SLUG,))]


def report(results: dict) -> bool:
    """Print the figures and whether each target is met."""
    for name in ("bare", "intake", "confirm"):
        r = results[name]
        print(
            f"{name:8} {r['rps']:7.0f} req/s  p50 {r['p50_ms']:5.1f} ms  p99 {r['p99_ms']:5.1f} ms"
            f"  server CPU {r['server_cpu_ms']:.2f} ms/req  generator CPU {r['generator_cpu']:.0%}"
            f"  other answers {r['wrong'] or 'none'}"
        )
    checks = []
    for name in ("intake", "confirm"):
        r = results[name]
        ratio = r["rps"] / results["bare"]["rps"]
        print(f"{name:8} / bare = {ratio:.2f}")
        checks += [ratio >= TARGETS["ratio"], r["rps"] >= TARGETS["votes_per_s"]]
        checks += [r["p99_ms"] < TARGETS["p99_ms"], not r["wrong"]]
    tally = f"{results['tally_votes']:,} counted votes: {results['tally_ms']:.1f} ms (median)"
    print(f"tally of {tally}")
    print("gunicorn workers' RSS: " + ", ".join(f"{mb:.0f} MB" for mb in results["rss"]))
    checks += [results["tally_ms"] < TARGETS["tally_ms"], max(results["rss"]) < TARGETS["rss_mb"]]
    print("targets: " + ("all met" if all(checks) else "NOT all met") + f" {TARGETS}")
    return all(checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser("python -m bench.votes", description=__doc__.split("\n")[0])
    parser.add_argument("--votes", type=int, default=6000, help="votes per run (default 6000)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rv-bench-votes-") as folder:
        data = Path(folder)
        redis = LocalRedis(data / "redis")
        env = os.environ | {"RV_DATA_DIR": str(data), "REDIS_URL": redis.start()}
        env |= {"SECRET_KEY": uuid.uuid4().hex, "MAIL_URL": f"file://{data / 'outbox'}"}
        env |= {"TRUSTED_PROXIES": "1", "PROMETHEUS_MULTIPROC_DIR": str(data / "metrics")}
        try:
            return 0 if measure(env, data, args.votes) else 1
        except (RuntimeError, OSError) as exc:
            print(f"the run failed: {exc}", file=sys.stderr)
            return 2
        finally:
            redis.stop()


def measure(env: dict, data: Path, count: int) -> bool:
    finalists = prepare(env)
    ids = finalists[SLUG]
    database = str(data / "voting.db")
    warm, numbers = 300, range(count + 300)
    results = {}
    with gunicorn("bench.votes:bare_app()", env) as server:
        bare = [request_bytes("POST", "/bare", n, vote_body(ids[0], n)) for n in numbers]
        results["bare"] = run(server, bare[warm:], 202, bare[:warm])
    with gunicorn("services.voting:create_app()", env) as server:
        port, proc = server
        path = f"/api/v1/editions/{SLUG}/votes"
        intake = [request_bytes("POST", path, n, vote_body(ids[n % FINALISTS], n)) for n in numbers]
        results["intake"] = run(server, intake[warm:], 202, intake[:warm])
        secret = env["SECRET_KEY"]
        links = [f"/votes/confirm/{make_token('vote', v, secret)}" for v in vote_ids(database)]
        confirm = [request_bytes("GET", link, n + 70_000) for n, link in enumerate(links)]
        results["confirm"] = run(server, confirm[warm:], 200, confirm[:warm])
        fill_tally(database, finalists[TALLY_SLUG])
        results["tally_ms"], results["tally_votes"] = time_tally(port)
        results["rss"] = worker_rss_mb(proc)
    return report(results)


if __name__ == "__main__":
    raise SystemExit(main())
