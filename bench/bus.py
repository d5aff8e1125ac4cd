"""How fast the event bus moves events through ONE worker process: `python -m bench.bus`.

What runs: a fresh temporary data folder with the nominations and voting databases, a Redis
(a redis-server of our own, or REDIS_URL under a unique queue prefix whose keys alone are
deleted afterwards), and the real processes of the bus: `services.cli relay nominations` and
ONE `services.cli worker voting`. Producer threads then make N small commits in the
nominations database, each publishing one `edition.scheduled` event to voting through the
outbox (shared.events.publish); the after-commit nudge wakes the relay, which sends the
events to voting's rq queue in batch jobs, and the worker applies them into voting's
`editions` replica, recording each in `applied_events`.

Why publish directly rather than through services.nominations.editions.create_edition:
create_edition also sends every event to jury, and without a jury worker those rows would
stay in flight, so every relay sweep would re-read thousands of them: a load no deployment
has. A second worker would break "one worker process". So each commit publishes the same
event create_edition would (payload from shared.editions.schedule_payload of an unsaved
Edition, unique slug, revision 1) to voting only: voting's side, the one measured, does the
full work of applying a new edition.

The figures:
- commit time of an event: its outbox row's created_at, stamped at flush just before commit;
- applied time: the end of the rq job that carried it (the outbox row names the job). The
  job returns right after the batch's transaction commits, so this is when the event became
  visible in voting. `applied_events.applied_at` is not used: it is stamped as each event is
  applied inside the batch's transaction, up to a whole batch's work before that commit, so
  it would flatter the delay of the first events of a full batch;
- events/s = N / (last applied - first commit); delay = applied - commit, p50/p99/max;
- the producer's own commit rate, to show whether the bus was starved;
- how many jobs the relay made of the N events: few full batches is what makes one worker
  fast, one job per event is the baseline below;
- baseline, in the same run: the same worker process runs N no-op jobs, one job per event
  (each carrying one event, as a solo job would): jobs/s = N / (last end - first start).
  This is what rq costs per job, and why the relay batches events.
- light load: after that, 100 events committed one at a time, 20 a second: the delay one
  change sees when the worker is not saturated (the throughput run's delays are mostly
  queueing behind the other events).
One warm-up event goes through the bus before the clock starts (imports, connections).

Exit status 1 when the bus moved fewer than 500 events/s, 2 when the run failed (a process
died, a deadline passed: the end of each process's log is printed). Every wait has a
deadline, and the processes, the Redis keys or server and the temporary folder are removed on
every exit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from redis import Redis
from rq.job import Job, JobStatus
from sqlalchemy import create_engine, func, select

from services import registry
from services.nominations.models import Edition
from shared import config
from shared.backends import make_backends
from shared.editions import SCHEDULED, schedule_payload
from shared.events import envelope, publish
from shared.models import AppliedEvent, OutboxEvent
from shared.queues import SERIALIZER, queue
from shared.redis_server import LocalRedis

ROOT = Path(__file__).resolve().parent.parent
TARGET = 500  # events per second through one worker process
START_TIMEOUT = 30.0  # the processes start and the warm-up event is applied
BUS_TIMEOUT = 60.0  # every event applied, counted from the first commit
BASELINE_TIMEOUT = 60.0  # every no-op job run
STOP_TIMEOUT = 10.0  # a process exits after SIGTERM before it is killed
POLL = 0.05
LIGHT_EVENTS = 100  # after the throughput run: one commit at a time, LIGHT_RATE a second
LIGHT_RATE = 20.0
T = TypeVar("T")


def noop(envelopes: list[dict]) -> None:
    """The baseline's rq job: carries one event like a solo job, and does nothing with it."""


@dataclass
class Stack:
    """The benchmark's environment: its data folder, Redis and the bus's two processes."""

    data_dir: Path
    env: dict[str, str]
    redis: Redis
    processes: list[subprocess.Popen]

    def settings(self, service: str) -> config.Settings:
        """The settings a process of `service` reads from this environment."""
        return config.load(service, self.env)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options: how many events, how many producer threads."""
    parser = argparse.ArgumentParser(prog="python -m bench.bus", description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=5000, help="events to send (default 5000)")
    parser.add_argument("--producers", type=int, default=4, help="producer threads (default 4)")
    args = parser.parse_args(argv)
    if args.events < 1 or args.producers < 1:
        parser.error("--events and --producers must be at least 1")
    return args


@contextmanager
def redis_server(workdir: Path, prefix: str) -> Iterator[str]:
    """REDIS_URL, whose keys under `prefix` are deleted afterwards (never flushed); else a
    redis-server of our own, stopped afterwards."""
    external = os.environ.get("REDIS_URL")
    if external:
        try:
            yield external
        finally:
            delete_own_keys(Redis.from_url(external), prefix)
        return
    server = LocalRedis(workdir)
    try:
        yield server.start()
    finally:
        server.stop()


def delete_own_keys(client: Redis, prefix: str) -> None:
    """Remove what this run left in a shared Redis: the keys naming its queue prefix, its
    queues in rq's set of queues, and its worker's record (which rq keeps a minute)."""
    keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
    for key in client.scan_iter(match="rq:worker:*", count=1000):
        if prefix.encode() in (client.hget(key, "queues") or b""):
            keys.append(key)
    if keys:
        client.delete(*keys)
    queues = [name for name in client.smembers("rq:queues") if prefix.encode() in name]
    if queues:
        client.srem("rq:queues", *queues)


@contextmanager
def stack() -> Iterator[Stack]:
    """A temporary data folder, a Redis, the two schemas, and the relay and worker running."""
    prefix = f"bench{uuid.uuid4().hex[:10]}-"
    with tempfile.TemporaryDirectory(prefix="rv-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        with redis_server(Path(tmp) / "redis", prefix) as url:
            env = {
                "RV_DATA_DIR": str(data_dir),
                "REDIS_URL": url,
                "RV_QUEUE_PREFIX": prefix,
                "SECRET_KEY": "bench-secret-key-of-the-benchmarks-0123",
                "MAIL_URL": f"file://{Path(tmp) / 'mail'}",
            }
            s = Stack(data_dir, env, Redis.from_url(url), [])
            for service in ("nominations", "voting"):
                registry.schema(service).upgrade(s.settings(service).database_url)
            try:
                s.processes.append(spawn(s, "relay", "nominations"))
                s.processes.append(spawn(s, "worker", "voting"))
                yield s
            finally:
                stop(s.processes)


def spawn(s: Stack, command: str, service: str) -> subprocess.Popen:
    """Start `python -m services.cli <command> <service>`, its output in the data folder."""
    with open(s.data_dir / f"{command}-{service}.log", "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "services.cli", command, service],
            cwd=ROOT,
            env=os.environ | s.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each process (the worker finishes its job, the relay its sweep), then kill
    whatever has not exited in time."""
    for proc in processes:
        if proc.poll() is None:
            proc.terminate()
    for proc in processes:
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_until(done: Callable[[], T], timeout: float, what: str, s: Stack) -> T:
    """Poll `done` until it returns something true, and return that; fail when the deadline
    passes or a process of the bus died."""
    deadline = time.monotonic() + timeout
    while not (result := done()):
        for proc in s.processes:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args[-2:]} exited with {proc.returncode}; see its log")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not done after {timeout:.0f} s")
        time.sleep(POLL)
    return result


def schedule_event(slug: str) -> dict:
    """The `edition.scheduled` event create_edition would send for a new edition `slug`."""
    now = dt.datetime.now(dt.UTC)
    day = dt.timedelta(days=1)
    edition = Edition(
        slug=slug,
        title=f"Benchmark {slug}",
        timezone="Europe/Brussels",
        nominations_open=now,
        nominations_close=now + 10 * day,
        voting_open=now + 20 * day,
        voting_close=now + 30 * day,
        jury_close=now + 40 * day,
        finalist_count=10,
        public_tally=False,
        tie_break="other_award",
        revision=1,
    )
    return envelope(SCHEDULED, "nominations", schedule_payload(edition))


def produce(s: Stack, count: int, threads: int, tag: str) -> float:
    """Commit `count` events, one per transaction, from `threads` threads; the seconds taken.

    The sessions are the producer service's own (make_backends), so each commit nudges the
    relay exactly as a request of the nominations app would.
    """
    sessions = make_backends(s.settings("nominations"), registry.metadata("nominations")).sessions

    stop = threading.Event()

    def commit_events(numbers: range) -> None:
        for n in numbers:
            if stop.is_set():
                return
            with sessions.begin() as session:
                publish(session, schedule_event(f"{tag}-{n}"), ["voting"])

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(commit_events, range(i, count, threads)) for i in range(threads)]
        try:
            for future in futures:
                future.result()
        finally:
            stop.set()  # on an error or Ctrl-C the others stop before Redis and the folder go
    return time.perf_counter() - started


def reader(s: Stack, service: str):
    """An engine that only reads: plain SQLite transactions, so polling never takes the write
    lock (shared.db's engines BEGIN IMMEDIATE) that the worker and the relay need."""
    return create_engine(s.settings(service).database_url)


def applied_count(engine) -> int:
    """How many events voting has applied so far."""
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(AppliedEvent))


def job_ends(s: Stack, job_ids: set[str]) -> dict[str, dt.datetime] | None:
    """When each of these rq jobs ended, or None while one has not (its status is written
    just after the consumer's commit, so it may lag the applied count by a moment)."""
    ids = sorted(job_ids)
    jobs = Job.fetch_many(ids, connection=s.redis, serializer=SERIALIZER)
    if any(job is None or job.ended_at is None for job in jobs):
        return None
    return {job.id: job.ended_at for job in jobs}


def percentile(sorted_values: list[float], q: float) -> float:
    """The nearest-rank percentile `q` (0..1) of already sorted values."""
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


@dataclass
class BusResult:
    """What one run of the bus measured."""

    events: int
    jobs: int
    per_second: float
    producer_per_second: float
    delays_ms: list[float]  # commit -> applied, sorted


def delays_after(s: Stack, skip: int) -> tuple[list, dict[str, dt.datetime], list[float]]:
    """Outbox rows after the first `skip`, their jobs' ends, and their sorted delays (ms)."""
    with reader(s, "nominations").connect() as conn:
        query = select(OutboxEvent.created_at, OutboxEvent.job_id).order_by(OutboxEvent.id)
        rows = conn.execute(query.offset(skip)).all()
    ends = wait_until(lambda: job_ends(s, {job for _, job in rows}), STOP_TIMEOUT, "jobs", s)
    delays = sorted((ends[job] - committed).total_seconds() * 1000 for committed, job in rows)
    return rows, ends, delays


def measure_bus(s: Stack, count: int, threads: int) -> BusResult:
    """Warm the bus up with one event, then send `count` events and time them end to end."""
    voting = reader(s, "voting")
    produce(s, 1, 1, "warmup")
    wait_until(lambda: applied_count(voting) == 1, START_TIMEOUT, "warm-up event", s)
    producer_seconds = produce(s, count, threads, "bench")
    wait_until(lambda: applied_count(voting) == count + 1, BUS_TIMEOUT, "bus", s)
    rows, ends, delays = delays_after(s, 1)  # after the warm-up event
    first_commit = min(committed for committed, _ in rows)
    last_applied = max(ends.values())
    return BusResult(
        events=count,
        jobs=len(ends),
        per_second=count / (last_applied - first_commit).total_seconds(),
        producer_per_second=count / producer_seconds,
        delays_ms=delays,
    )


def measure_light_load(s: Stack, count: int, rate: float) -> list[float]:
    """Sorted commit->applied delays (ms) of `count` events committed at `rate` per second:
    the delay a single edition change sees, without the queueing of a saturated worker."""
    voting = reader(s, "voting")
    before = applied_count(voting)
    for n in range(count):
        produce(s, 1, 1, f"light-{n}")
        time.sleep(1 / rate)
    wait_until(lambda: applied_count(voting) == before + count, BUS_TIMEOUT, "light load", s)
    return delays_after(s, before)[2]


def measure_baseline(s: Stack, count: int) -> float:
    """Jobs per second of the same worker process running `count` no-op jobs, one per event."""
    q = queue(s.redis, s.settings("voting").queue_name())
    event = schedule_event("baseline")
    ids = [f"{q.name}-noop-{n}" for n in range(count)]
    jobs = [q.prepare_data("bench.bus.noop", args=([event],), job_id=job_id) for job_id in ids]
    with s.redis.pipeline() as pipe:
        q.enqueue_many(jobs, pipeline=pipe)
        pipe.execute()

    def last_finished() -> bool:
        status = Job.fetch(ids[-1], connection=s.redis, serializer=SERIALIZER).get_status()
        if status == JobStatus.FAILED:
            raise RuntimeError("a baseline job failed; see the worker's log")
        return status == JobStatus.FINISHED

    wait_until(last_finished, BASELINE_TIMEOUT, "baseline", s)
    first, last = Job.fetch_many([ids[0], ids[-1]], connection=s.redis, serializer=SERIALIZER)
    return count / (last.ended_at - first.started_at).total_seconds()


def report(bus: BusResult, light: list[float], baseline: float) -> bool:
    """Print the figures; whether the target was met."""
    d = bus.delays_ms
    met = bus.per_second >= TARGET
    print(
        f"bus: {bus.events} events, one worker process: {bus.per_second:.0f} events/s; "
        f"commit->applied p50 {percentile(d, 0.5):.0f} ms, p99 {percentile(d, 0.99):.0f} ms, "
        f"max {d[-1]:.0f} ms"
    )
    print(f"producer committed at {bus.producer_per_second:.0f} events/s")
    print(
        f"light load, {len(light)} events at {LIGHT_RATE:.0f}/s: commit->applied "
        f"p50 {percentile(light, 0.5):.0f} ms, p99 {percentile(light, 0.99):.0f} ms"
    )
    print(f"relay: {bus.jobs} jobs, {bus.events / bus.jobs:.1f} events per job on average")
    print(f"baseline: rq SimpleWorker, one job per event (no-op): {baseline:.0f} jobs/s")
    print(f"target {TARGET} events/s: {'met' if met else 'NOT met'}")
    return met


def print_logs(s: Stack) -> None:
    """The end of each process's log on stderr, to see why a run failed."""
    for log in sorted(s.data_dir.glob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-20:]
        print(f"--- {log.name}", *tail, sep="\n", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when the target is met, 1 when not, 2 when the run failed."""
    args = parse_args(argv)
    with stack() as s:
        try:
            bus = measure_bus(s, args.events, args.producers)
            light = measure_light_load(s, LIGHT_EVENTS, LIGHT_RATE)
            baseline = measure_baseline(s, args.events)
        except (RuntimeError, TimeoutError) as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            print_logs(s)
            return 2
    return 0 if report(bus, light, baseline) else 1


if __name__ == "__main__":
    sys.exit(main())
