"""The whole platform under a radio call: `python -m bench.stack` (`make bench-stack`).

For each engine, SQLite (as `make run` keeps it) then PostgreSQL (fresh databases on
127.0.0.1:5432 or PEAK_POSTGRES, dropped after): the processes `make run` starts, each
started here (bench/peak_stack.py), with a Redis of their own, mail to a folder and
TRUSTED_PROXIES=1; then open-loop load (bench/stack_load.py): new votes at a fixed rate,
four in five for one finalist, each from a network of its own, over keep-alive
connections, with their mails flowing and a share of the mailed links confirmed. A warm-up
at the same rate goes first, until its mails went. Once per run, a bare Flask endpoint
under the same gunicorn settings takes the same load, and then as much as it can (closed
loop).

Printed per engine: votes/s taken, mails/s, confirmations/s, p50/p95/p99 of intake and of
confirmation, CPU milliseconds per vote by process (/proc, bench/proc_cpu.py: from the load's
start until its backlog drained, confirmations included), how long the backlog (votes whose
mail has not gone) took to drain once the load stopped, and the ratios to the bare
endpoint. Each target is MET or MISSED; exit status 1 when one is missed, 2 when the run
failed. --profile samples voting's processes with py-spy meanwhile (bench/stack_profile.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
from sqlalchemy import text

from bench import stack_profile
from bench.keepalive import request_bytes
from bench.peak_http import read_form
from bench.peak_stack import POSTGRES, Stack
from bench.proc_cpu import snapshot, spent
from bench.stack_load import Load, Window, percentile
from bench.votes import gunicorn, run
from services.nominations.demo import DEMO_SLUG
from shared.db import make_engine

TARGETS = {"votes_per_s": 600, "p99_ms": 100, "drain_s": 5, "cpu_ms": 3}
DRAIN_WITHIN = 120.0
QUANTILES = (0.5, 0.95, 0.99)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options: the load's rate, length and shape, the engines, profiling."""
    parser = argparse.ArgumentParser("python -m bench.stack", description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=600, help="votes/s offered (default 600)")
    parser.add_argument("--seconds", type=float, default=20, help="load per engine (default 20)")
    parser.add_argument("--warmup", type=float, default=4, help="warm-up seconds (default 4)")
    parser.add_argument("--connections", type=int, default=24, help="keep-alive (default 24)")
    parser.add_argument("--confirm", type=float, default=0.5, help="share of mails confirmed")
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated")
    parser.add_argument("--profile", action="store_true", help="py-spy voting's processes")
    return parser.parse_args(argv)


class Backlog:
    """Votes whose mail has not gone, read from voting's database."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        self.drained_at = 0.0

    def wait(self) -> None:
        """Wait until every vote's mail went; remember when."""
        end = time.monotonic() + DRAIN_WITHIN
        while self._unsent() and time.monotonic() < end:
            time.sleep(0.05)
        self.drained_at = time.perf_counter()

    def _unsent(self) -> int:
        with self.engine.connect() as db:
            return db.scalar(text("SELECT count(*) FROM votes WHERE email IS NOT NULL"))


def processes(stack: Stack) -> dict[str, list[int]]:
    """The stack's processes by name (gunicorn's masters stand for their workers), with
    Redis and, on PostgreSQL, the server's backends of the stack's databases."""
    pids = {name: [process.pid] for name, process in stack.processes.items()}
    pids["redis"] = [stack.redis.process.pid]
    if stack.databases:
        with psycopg.connect(f"{stack.postgres}/postgres") as admin:
            rows = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s)",
                (list(stack.databases.values()),),
            ).fetchall()
        pids["postgres"] = [pid for (pid,) in rows]
    return pids


def finalists(stack: Stack) -> list[str]:
    """The demo edition's finalists, from voting's page."""
    with urllib.request.urlopen(f"{stack.url('voting')}/", timeout=10) as page:  # noqa: S310
        return read_form(page.read())[2]


def measure_engine(engine: str, args: argparse.Namespace) -> dict:
    """Start the stack on `engine`, warm it up, load it; its figures."""
    postgres = POSTGRES if engine == "postgresql" else None
    with tempfile.TemporaryDirectory(prefix=f"rv-bench-stack-{engine}-") as folder:
        stack = Stack(Path(folder), postgres, settings={"TRUSTED_PROXIES": "1"})
        try:
            stack.start()
            path = f"/api/v1/editions/{DEMO_SLUG}/votes"
            load = Load(stack.ports["voting"], path, finalists(stack), stack.mail_folder)
            load.connections, load.confirm_share = args.connections, args.confirm
            backlog = Backlog(stack.database_url("voting"))
            asyncio.run(load.run(args.rate, args.warmup, backlog.wait))
            return loaded(engine, stack, load, backlog, args)
        finally:
            stack.stop()


def loaded(engine: str, stack: Stack, load: Load, backlog: Backlog, args) -> dict:
    """The measured load on a warm stack: the window, drain time and CPU by process."""
    pids = {name: process.pid for name, process in stack.processes.items()}
    samplers = stack_profile.start(engine, pids, args.seconds) if args.profile else {}
    before = snapshot(processes(stack))
    window = asyncio.run(load.run(args.rate, args.seconds, backlog.wait))
    cpu = spent(before, snapshot(processes(stack)))
    if samplers:
        print(f"where {engine}'s time went (py-spy, share of samples):")
        stack_profile.report(engine, samplers)
    return {"window": window, "drain_s": backlog.drained_at - window.stopped, "cpu": cpu}


def measure_bare(args: argparse.Namespace) -> dict:
    """The bare endpoint at the same rate, and at full speed (closed loop)."""
    env = os.environ | {"RV_LOG_LEVEL": "WARNING"}
    with gunicorn("bench.votes:bare_app()", env) as server:
        port, proc = server
        load = Load(port, "/bare", ["bare"], connections=args.connections)
        asyncio.run(load.run(args.rate, args.warmup))
        before = snapshot({"bare": [proc.pid]})
        window = asyncio.run(load.run(args.rate, args.seconds))
        cpu = spent(before, snapshot({"bare": [proc.pid]}))["bare"]
        requests = [request_bytes("POST", "/bare", n, body={"n": n}) for n in range(6300)]
        full = run(server, requests[300:], 202, requests[:300])
    return {"window": window, "cpu_ms": cpu / len(window.intake) * 1000, "full_rps": full["rps"]}


def latencies(name: str, values: list[float]) -> str:
    """p50/p95/p99 of `values`, in ms."""
    figures = "  ".join(f"p{int(q * 100)} {percentile(values, q):6.1f} ms" for q in QUANTILES)
    return f"  {name:13} {figures}"


def report(engine: str, result: dict, bare: dict, args) -> bool:
    """Print an engine's figures, its ratios to the bare endpoint and its targets."""
    w: Window = result["window"]
    taken = w.taken() / w.seconds
    mails, confirmed = (
        (w.mails_after - w.mails_before) / w.seconds,
        len(w.confirmations) / w.seconds,
    )
    print(f"{engine}: {args.rate:.0f} votes/s offered for {args.seconds:.0f} s")
    print(f"  votes/s taken {taken:6.0f}   mails/s {mails:6.0f}   confirmations/s {confirmed:5.0f}")
    print(latencies("intake", w.intake) + "\n" + latencies("confirmation", w.confirmations))
    print(f"  answers other than expected: {dict(w.wrong) or 'none'}; given up: {w.given_up}")
    print(f"  backlog drained {result['drain_s']:.1f} s after the load stopped")
    per_vote = {name: s / max(w.taken(), 1) * 1000 for name, s in result["cpu"].items()}
    total = sum(per_vote.values())
    busy = sorted(per_vote.items(), key=lambda item: -item[1])
    print("  CPU ms per vote: " + ", ".join(f"{n} {ms:.2f}" for n, ms in busy if ms >= 0.01))
    p99, bare_p99 = percentile(w.intake, 0.99), percentile(bare["window"].intake, 0.99)
    print(
        f"  over bare Flask: p99 {p99 / max(bare_p99, 0.001):.1f}x,"
        f" voting web CPU {per_vote.get('voting', 0) / bare['cpu_ms']:.1f}x;"
        f" bare's full speed is {bare['full_rps'] / max(taken, 1):.1f}x the votes taken"
    )
    checks = {
        f"votes/s taken >= {TARGETS['votes_per_s']}": taken >= TARGETS["votes_per_s"] * 0.99,
        f"intake p99 < {TARGETS['p99_ms']} ms": p99 < TARGETS["p99_ms"] and not w.given_up,
        f"backlog drains within {TARGETS['drain_s']} s": result["drain_s"] <= TARGETS["drain_s"],
        f"CPU per vote <= {TARGETS['cpu_ms']} ms (all {total:.2f})": total <= TARGETS["cpu_ms"],
    }
    print("  " + "; ".join(f"{name}: {'MET' if ok else 'MISSED'}" for name, ok in checks.items()))
    return all(checks.values())


def report_bare(bare: dict) -> None:
    """Print the bare endpoint's figures."""
    print("bare Flask, same gunicorn settings, same load:")
    print(latencies("bare", bare["window"].intake))
    print(f"  CPU {bare['cpu_ms']:.2f} ms per request; full speed {bare['full_rps']:.0f} req/s")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    met = []
    try:
        bare = measure_bare(args)
        report_bare(bare)
        for engine in args.engines.split(","):
            met.append(report(engine, measure_engine(engine, args), bare, args))
    except (RuntimeError, OSError, psycopg.Error) as exc:
        print(f"the run failed: {exc}", file=sys.stderr)
        return 2
    return 0 if all(met) else 1


if __name__ == "__main__":
    raise SystemExit(main())
