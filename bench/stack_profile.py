"""Where the stack's time goes: py-spy (pinned in requirements.lock) sampling voting's
processes while the bench loads them, and the busiest frames of each.

py-spy reads a process's memory from outside (ptrace, as root or with the
kernel.yama.ptrace_scope that allows it) without stopping it (--nonblocking), and counts
only threads that run (not those waiting for a lock, a socket or the disk). The raw
samples (collapsed stacks, one line per stack) stay in var/bench-stack/ for a flame graph.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from bench.proc_cpu import children

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench-stack"
PY_SPY = Path(sys.executable).parent / "py-spy"
TOP = 8


def targets(processes: dict[str, int]) -> dict[str, int]:
    """Voting's web workers (the gunicorn master's children), its rq worker and relay."""
    found = {f"voting web {i}": pid for i, pid in enumerate(children(processes["voting"]))}
    return found | {name: processes[name] for name in ("voting_worker", "voting_relay")}


def start(engine: str, processes: dict[str, int], seconds: float) -> dict[str, subprocess.Popen]:
    """Start sampling each target for `seconds`; the samplers by the name of their target."""
    OUT.mkdir(parents=True, exist_ok=True)
    samplers = {}
    for name, pid in targets(processes).items():
        out = OUT / f"{engine}-{name.replace(' ', '-')}.txt"
        command = [str(PY_SPY), "record", "--pid", str(pid), "--duration", str(int(seconds))]
        command += ["--rate", "100", "--nonblocking", "--format", "raw", "--output", str(out)]
        samplers[name] = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
    return samplers


def report(engine: str, samplers: dict[str, subprocess.Popen]) -> None:
    """Wait for the samplers and print, per process, the frames most samples were in."""
    for name, sampler in samplers.items():
        _, error = sampler.communicate()
        out = OUT / f"{engine}-{name.replace(' ', '-')}.txt"
        if sampler.returncode != 0 or not out.exists():
            print(f"  {name}: py-spy failed: {error.decode(errors='replace')[-200:]}")
            continue
        leaves, ours, total = busiest(out.read_text())
        print(f"  {name}: {total} samples ({out})")
        for label, counts in (("innermost", leaves), ("project's", ours)):
            for frame, n in counts.most_common(TOP):
                print(f"    {n / total:5.1%}  {label:10}  {frame}")


def busiest(raw: str) -> tuple[Counter, Counter, int]:
    """From collapsed stacks: samples by innermost frame, samples by project frame (each
    counted once a stack), and all samples."""
    leaves, ours, total = Counter(), Counter(), 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = stack.split(";")
        total += n
        leaves[_short(frames[-1])] += n
        for frame in {_short(f) for f in frames if _ours(f)}:
            ours[frame] += n
    return leaves, ours, max(total, 1)


def _ours(frame: str) -> bool:
    """Whether a frame is in the project's code (services/ or shared/)."""
    path = frame.partition(" (")[2]
    return "site-packages" not in path and ("services/" in path or "shared/" in path)


def _short(frame: str) -> str:
    """`function (path)`, the path from the project's or site-packages' root, without the
    line (a function's samples add up whatever line they were on)."""
    function, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", f"{ROOT}/", "lib/python3.11/"):
        path = path.partition(marker)[2] or path
    return f"{function} ({path})"
