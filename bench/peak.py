"""A radio call to vote, an attacker, and faults, against `make run`'s processes on PostgreSQL:
`python -m bench.peak` (`make bench-peak`).

The platform (bench/peak_stack.py): deploy/Procfile's processes, each started here so that
what a fault kills is started again, on three fresh PostgreSQL databases (127.0.0.1:5432,
or PEAK_POSTGRES), a Redis of its own, mail to a folder, TRUSTED_PROXIES=0, the demo
edition. The crowd (bench/peak_crowd.py, bench/peak_attack.py), each client bound to a
loopback address of its own network: honest voters on the page, most of them right after
the call; a school class behind one address; the attacker on the API. The faults, while
they vote: rq workers killed with SIGKILL, Redis restarted, voting's web instance
restarted, voting's database unreachable for a few seconds.

It prints, per phase, votes and confirmations per second and latency percentiles; what
became of honest and attack votes; and the consistency checks (bench/peak_checks.py) once
the bus has settled. Exit status 1 when a check fails or a target is missed, 2 when the run
failed.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import peak_attack as attack
from bench.peak_checks import checks, outcomes, settle, statuses
from bench.peak_crowd import Crowd, honest_voters, school_class
from bench.peak_http import Mailboxes, Timings, read_form
from bench.peak_report import report
from bench.peak_stack import Stack
from services.nominations.demo import DEMO_SLUG


def faults(stack: Stack) -> list[tuple[float, str, object]]:
    """(seconds after the call, what, how): the faults while the crowd votes."""
    return [
        (30, "SIGKILL voting worker", lambda: stack.kill_worker("voting")),
        (45, "restart Redis", stack.restart_redis),
        (60, "restart voting web", lambda: stack.restart_web("voting")),
        (75, "voting database away 5 s", lambda: stack.database_away("voting", 5)),
        (90, "SIGKILL voting and hub workers", lambda: _kill_workers(stack)),
    ]


def _locked(stack: Stack, fault) -> None:
    with stack.faulting:
        fault()


def _kill_workers(stack: Stack) -> None:
    stack.kill_worker("voting")
    stack.kill_worker("nominations")


async def inject(stack: Stack, timings: Timings, plan: list, log: list[str]) -> None:
    """Make each fault at its moment (phase `faults` from the first to the last)."""
    for at, what, how in plan:
        await asyncio.sleep(max(at - (time.monotonic() - timings.started), 0))
        timings.phase = "faults"
        await asyncio.to_thread(_locked, stack, how)
        log.append(f"{time.monotonic() - timings.started:5.1f} s  {what}")
    if plan:
        timings.phase = "after"


async def supervise(stack: Stack, log: list[str], timings: Timings) -> None:
    """Start again what exits by itself, as a supervisor would, and say so."""
    while True:
        for name in stack.supervise():
            log.append(f"{time.monotonic() - timings.started:5.1f} s  {name} exited; started again")
        await asyncio.sleep(1)


async def scenario(stack: Stack, args: argparse.Namespace) -> dict:
    """Run the crowd, the attacker and the faults; the attempts by role, and what happened."""
    timings = Timings()
    crowd = Crowd(
        stack.ports["voting"],
        DEMO_SLUG,
        Mailboxes(stack.mail_folder),
        timings,
        asyncio.Semaphore(args.concurrency),
        random.Random(args.seed),
    )
    page = await crowd.client("127.0.0.2").send("page", crowd.port, "GET", "/")
    target = read_form(page.body)[2][0]
    groups = {
        "honest": honest_voters(crowd, args.voters, args.spread),
        "class": school_class(crowd),
        "flood": attack.flood(crowd, target, args.flood, 10),
        "botnet": attack.botnet(crowd, target, args.bots, 2, args.spread),
        "xff": attack.forged_xff(crowd, target, 150, 20),
        "disposable": attack.throwaway(crowd, target, 100, args.spread),
        "variants": attack.variants(crowd, target, 40, args.spread),
    }
    log: list[str] = []
    background = [
        asyncio.create_task(crowd.mailboxes.watch()),
        asyncio.create_task(supervise(stack, log, timings)),
    ]
    plan = [] if args.no_faults else faults(stack)
    timings.started = time.monotonic()
    await asyncio.gather(
        inject(stack, timings, plan, log), *(task for _, tasks in groups.values() for task in tasks)
    )
    elapsed = time.monotonic() - timings.started
    confirmed = [a for a in groups["botnet"][0] if a.confirm == 200][:100]
    forged_ids = [str(uuid.uuid4()) for _ in confirmed]
    links = await attack.replay_and_tamper(crowd, confirmed, forged_ids)
    for task in background:
        task.cancel()
    crowd.mailboxes.poll()
    attempts = {role: group[0] for role, group in groups.items()}
    return {
        "attempts": attempts,
        "timings": timings,
        "elapsed": elapsed,
        "faults": log,
        "links": links,
        "mailboxes": crowd.mailboxes,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options: the size of the crowd and of the attack."""
    parser = argparse.ArgumentParser("python -m bench.peak", description=__doc__.split("\n")[0])
    parser.add_argument("--voters", type=int, default=3000, help="honest voters (default 3000)")
    parser.add_argument("--bots", type=int, default=300, help="botnet addresses (default 300)")
    parser.add_argument("--flood", type=int, default=400, help="flood votes (default 400)")
    parser.add_argument("--spread", type=float, default=100, help="seconds the crowd comes over")
    parser.add_argument("--concurrency", type=int, default=64, help="requests in flight at most")
    parser.add_argument("--seed", type=int, default=8, help="random seed")
    parser.add_argument("--no-faults", action="store_true", help="the load alone")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rv-bench-peak-") as folder:
        stack = Stack(Path(folder))
        try:
            stack.start()
            result = asyncio.run(scenario(stack, args))
            result["settle_s"] = settle(stack)
            result["status_of"] = statuses(stack)
            honest = result["attempts"]["honest"]
            result["checks"] = checks(stack, honest, result["mailboxes"])
            return 0 if report(result, outcomes) else 1
        except (RuntimeError, OSError) as exc:
            print(f"the run failed: {exc}", file=sys.stderr)
            return 2
        finally:
            stack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
