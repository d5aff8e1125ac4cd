"""The order a run hands its tests to pytest-xdist's workers.

Under `--dist worksteal` worker i starts on the i-th of equal slices of the collected order,
and a worker that runs out steals the second half of the longest queue left. The slow tests
(marked `slow`: real processes, browsers, fault injection; 10 to 60 s each) therefore go at
the heads of the slices, a module's at a time dealt round: started at once on every worker,
never queued behind each other on one of them or picked up last by a worker that the others
then wait for. A module's slow tests stay together because they share its costly fixtures
(the rehearsal's stack is started once per worker that runs one of its tests).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

Item = TypeVar("Item")


def slices(count: int, workers: int) -> list[int]:
    """The sizes of the first slices worksteal hands out: each idle worker in turn gets an
    equal share of what is still pending (xdist's WorkStealingScheduling.check_schedule)."""
    sizes: list[int] = []
    for i in range(workers):
        sizes.append((count - sum(sizes)) // (workers - i))
    return sizes


def slow_first(
    items: Sequence[Item],
    is_slow: Callable[[Item], object],
    workers: int,
    group: Callable[[Item], Hashable],
) -> list[Item]:
    """`items` reordered: the slow ones at the heads of the workers' slices, their groups
    dealt round in their collected order; the others fill each slice after them, in their
    collected order."""
    groups: dict[Hashable, list[Item]] = {}
    for item in items:
        if is_slow(item):
            groups.setdefault(group(item), []).append(item)
    heads: list[list[Item]] = [[] for _ in range(workers)]
    for i, members in enumerate(groups.values()):
        heads[i % workers] += members
    rest = [item for item in items if not is_slow(item)]
    ordered: list[Item] = []
    for head, size in zip(heads, slices(len(items), workers), strict=True):
        fill = max(size - len(head), 0)
        ordered += head + rest[:fill]
        del rest[:fill]
    return ordered + rest
