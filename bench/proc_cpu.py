"""CPU time of processes, read from /proc/<pid>/stat: what a bench spent, process by process.

A process's figure is its own user and system time, plus that of its children: those alive
now (gunicorn's workers, each read from its own stat) and those it reaped (a worker gunicorn
recycled, in the parent's cutime and cstime), so nothing is lost between two readings.
"""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command's name; None once it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw.rpartition(")")[2].split()


def children(pid: int) -> list[int]:
    """The live children of a process (of all its threads)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process, its live children and its reaped ones."""
    return _own_seconds(pid) + sum(_own_seconds(child) for child in children(pid))


def _own_seconds(pid: int) -> float:
    """utime, stime, cutime and cstime: fields 14 to 17 of proc(5), 11 to 14 after the name."""
    fields = _stat(pid)
    return sum(int(value) for value in fields[11:15]) / TICK if fields else 0.0


def snapshot(pids: dict[str, list[int]]) -> dict[str, dict[int, float | None]]:
    """CPU seconds of each process (with its children) by name and pid; None: gone."""
    return {name: {pid: _alive_seconds(pid) for pid in group} for name, group in pids.items()}


def _alive_seconds(pid: int) -> float | None:
    return cpu_seconds(pid) if _stat(pid) is not None else None


def spent(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds spent between two snapshots, by name: over the processes alive at the
    second (one born between the two counts from zero; one gone by then is left out)."""
    return {
        name: sum(
            seconds - (before.get(name, {}).get(pid) or 0.0)
            for pid, seconds in group.items()
            if seconds is not None
        )
        for name, group in after.items()
    }
