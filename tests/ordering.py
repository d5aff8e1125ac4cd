"""The order a run hands its tests to pytest-xdist's workers.

Under `--dist worksteal` worker i starts on the i-th of equal slices of the collected order,
and a worker that runs out steals the second half of the longest queue left. The slow tests
(marked `slow`: real processes, browsers, fault injection; 10 to 60 s each) therefore go at
the heads of the slices, dealt round: started at once on every worker, never queued behind
each other on one of them or picked up last by a worker that the others then wait for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

Item = TypeVar("Item")


def slices(count: int, workers: int) -> list[int]:
    """The sizes of the first slices worksteal hands out: each idle worker in turn gets an
    equal share of what is still pending (xdist's WorkStealingScheduling.check_schedule)."""
    sizes = []
    for i in range(workers):
        sizes.append((count - sum(sizes)) // (workers - i))
    return sizes


def slow_first(items: Sequence[Item], is_slow, workers: int) -> list[Item]:
    """`items` reordered: the slow ones dealt round to the heads of the workers' slices, in
    their collected order; the others fill each slice after them, in their collected order."""
    slow = [item for item in items if is_slow(item)]
    rest = [item for item in items if not is_slow(item)]
    ordered: list[Item] = []
    for worker, size in enumerate(slices(len(items), workers)):
        head = slow[worker::workers][:size]
        ordered += head
        ordered += rest[: size - len(head)]
        del rest[: size - len(head)]
    leftover = [item for item in slow if item not in ordered]  # more slow tests than room
    return ordered + leftover + rest
