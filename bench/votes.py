"""Vote intake and confirmation under load, beside a bare Flask endpoint: `python -m bench.votes`.

What runs: a temporary data folder (SQLite), a redis-server of our own, and two gunicorn
servers with the production settings (deploy/gunicorn.conf.py: 2 gthread workers of 4
threads): the real voting app, with its limiter on that Redis, and a bare Flask app whose one
view answers a POST with a constant 202 JSON body. The voting database holds an edition in its
voting phase with 10 finalists, received as the hub's events. As behind the production proxy,
TRUSTED_PROXIES=1 and every request carries X-Forwarded-For: each vote comes from its own /24,
so the limits (real, the defaults) are checked on every request without refusing honest load.

The load generator is one asyncio process keeping CONNECTIONS keep-alive connections busy with
hand-written HTTP/1.1 requests (cheaper than http.client in threads: it shares the 2 cores with
the servers). It prints the CPU it used itself: when it nears one core, it is the limit, not
the server. Figures per run: requests/s over the run, p50/p99 of each request's latency as the
generator saw it, and answers other than the expected status.

Runs, each after a warm-up: bare POST; vote intake (a new person per request, as in a
campaign peak); confirmation (a GET of each of those votes' links, from another address);
then the tally: 1,000,000 counted votes written straight into a second edition (votes rows
and their counters, with executemany) and GET /tally timed. Then the resident memory of each
gunicorn worker. Exit status 1 when a target is missed, 2 when the run failed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from string import ascii_lowercase

import psutil
from flask import Flask, jsonify

from services.voting.config import load
from services.voting.jobs import HANDLERS
from shared.db import create_schema, make_engine, make_sessionmaker
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


def letters(n: int) -> str:
    """n written in letters, so that no two voters' addresses share a shape (name1@, name2@)."""
    out = ""
    while True:
        n, digit = divmod(n, 26)
        out = ascii_lowercase[digit] + out
        if n == 0:
            return out


def address_of(n: int) -> str:
    """A client address whose /24 is the n-th's own (for n < 62,500)."""
    return f"10.{n % 250}.{(n // 250) % 250}.{n // 62500 % 250 + 1}"


def vote_body(finalist_id: str, n: int) -> dict:
    """The n-th voter's vote: a person of their own."""
    return {"finalist_id": finalist_id, "email": f"{letters(n)}@telenet.be"}


def request_bytes(method: str, path: str, n: int, body: dict | None = None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nX-Forwarded-For: {address_of(n)}\r\n"
    data = json.dumps(body).encode() if body is not None else b""
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
    return (head + "\r\n").encode() + data


async def exchange(reader, writer, request: bytes) -> int:
    """Send one request on a keep-alive connection; read the whole answer; its status."""
    writer.write(request)
    status_line = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return int(status_line.split()[1])


async def drive(port: int, requests: list[bytes], expected: int) -> dict:
    """Send every request over CONNECTIONS connections; throughput, latencies, failures."""
    queue = iter(requests)
    latencies: list[float] = []
    wrong: dict[int, int] = {}

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for request in queue:
            started = time.perf_counter()
            status = await exchange(reader, writer, request)
            latencies.append(time.perf_counter() - started)
            if status != expected:
                wrong[status] = wrong.get(status, 0) + 1
        writer.close()

    cpu, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(CONNECTIONS)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(requests) / elapsed,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000,
        "wrong": wrong,
        "generator_cpu": (time.process_time() - cpu) / elapsed,
    }


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
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            asyncio.run(asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 1))
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {port}")


def prepare(env: dict) -> dict[str, list[str]]:
    """Schemas, and the two editions with their finalists as the hub would send them."""
    settings = load(env)
    engine = make_engine(settings.database_url)
    from services.voting.models import Base

    create_schema(engine, Base.metadata)
    sessions = make_sessionmaker(engine)
    now = utcnow().replace(microsecond=0)
    ids = {slug: [str(uuid.uuid4()) for _ in range(FINALISTS)] for slug in (SLUG, TALLY_SLUG)}
    for slug, finalist_ids in ids.items():
        events = [envelope(t, "nominations", p) for t, p in hub_events(slug, now, finalist_ids)]
        consume(sessions, events, HANDLERS)
    return ids


def hub_events(slug: str, now, ids: list[str]) -> list[tuple[str, dict]]:
    moments = {"nominations_open": -3, "nominations_close": -2, "voting_open": -1}
    moments |= {"voting_close": 2, "jury_close": 3}
    hour = dt.timedelta(hours=1)
    schedule = {name: (now + hours * hour).isoformat() for name, hours in moments.items()}
    schedule |= {"slug": slug, "title": "Bench", "timezone": "Europe/Brussels", "revision": 1}
    schedule |= {"finalist_count": FINALISTS, "public_tally": True, "tie_break": "other_award"}
    finalists = [
        {"id": fid, "name": f"F{n}", "organisation": "Vzw", "summary": "."}
        for n, fid in enumerate(ids)
    ]
    return [
        ("edition.scheduled", schedule),
        ("finalists.selected", {"edition": slug, "revision": 1, "finalists": finalists}),
    ]


def fill_tally(database: str, ids: list[str]) -> None:
    """TALLY_VOTES counted votes in the tally edition, with their counters, in one go."""
    db = sqlite3.connect(database)
    edition = db.execute("SELECT id FROM editions WHERE slug = ?", (TALLY_SLUG,)).fetchone()[0]
    now = utcnow().isoformat(sep=" ")
    rows = (
        (str(uuid.UUID(int=n)), edition, ids[n % FINALISTS], f"{n:064x}", f"{n:064x}", now)
        for n in range(TALLY_VOTES)
    )
    db.executemany(
        "INSERT INTO votes (id, edition_id, finalist_id, person_hash, shape_hash, lang, status,"
        " reasons, honeypot, created_at) VALUES (?, ?, ?, ?, ?, 'nl', 'counted', '[]', 0, ?)",
        rows,
    )
    per = [(edition, fid, TALLY_VOTES // FINALISTS) for fid in ids]
    db.executemany(
        "INSERT INTO vote_counts (edition_id, finalist_id, status, votes)"
        " VALUES (?, ?, 'counted', ?)",
        per,
    )
    db.commit()
    db.close()


def time_tally(port: int, rounds: int = 50) -> tuple[float, int]:
    """The median time of GET /tally of the tally edition over HTTP, and the votes it lists."""
    path = f"/api/v1/editions/{TALLY_SLUG}/tally"
    request = f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()

    async def measure() -> list[float]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            await exchange(reader, writer, request)
            times.append(time.perf_counter() - started)
        writer.close()
        return sorted(times)

    times = asyncio.run(measure())
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
        listed = sum(f["votes"] for f in json.load(response)["finalists"])
    return times[len(times) // 2] * 1000, listed


def worker_rss_mb(proc: subprocess.Popen) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), in MB."""
    return [c.memory_info().rss / 2**20 for c in psutil.Process(proc.pid).children()]


def vote_ids(database: str) -> list[str]:
    db = sqlite3.connect(database)
    query = "SELECT v.id FROM votes v JOIN editions e ON e.id = v.edition_id WHERE e.slug = ?"
    ids = [row[0] for row in db.execute(query + " ORDER BY v.created_at", (SLUG,))]
    db.close()
    return ids


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
    print(
        f"tally of {results['tally_votes']:,} counted votes: {results['tally_ms']:.1f} ms (median)"
    )
    print("gunicorn workers' RSS: " + ", ".join(f"{mb:.0f} MB" for mb in results["rss"]))
    checks += [results["tally_ms"] < TARGETS["tally_ms"]]
    checks += [max(results["rss"]) < TARGETS["rss_mb"]]
    print("targets: " + ("all met" if all(checks) else "NOT all met") + f" {TARGETS}")
    return all(checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.votes", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--votes", type=int, default=6000, help="votes per run (default 6000)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rv-bench-votes-") as folder:
        data = Path(folder)
        redis = LocalRedis(data / "redis")
        env = os.environ | {
            "RV_DATA_DIR": str(data),
            "REDIS_URL": redis.start(),
            "SECRET_KEY": uuid.uuid4().hex,
            "MAIL_URL": f"file://{data / 'outbox'}",
            "TRUSTED_PROXIES": "1",
            "PROMETHEUS_MULTIPROC_DIR": str(data / "metrics"),
        }
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
    warm = 300
    results = {}
    with gunicorn("bench.votes:bare_app()", env) as server:
        body = {"finalist_id": ids[0], "email": "x@telenet.be"}
        bare = [request_bytes("POST", "/bare", n, body) for n in range(count + warm)]
        results["bare"] = run(server, bare[warm:], 202, bare[:warm])
    with gunicorn("services.voting:create_app()", env) as server:
        port, proc = server
        path = f"/api/v1/editions/{SLUG}/votes"
        intake = [
            request_bytes(
                "POST",
                path,
                n,
                {"finalist_id": ids[n % FINALISTS], "email": f"{letters(n)}@telenet.be"},
            )
            for n in range(count + warm)
        ]
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
