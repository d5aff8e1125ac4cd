"""The suite's order for pytest-xdist (tests/ordering.py): each worker starts on slow tests,
and the slices it assumes are the ones the installed worksteal scheduler hands out."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from xdist.scheduler.worksteal import WorkStealingScheduling

from tests.ordering import slices, slow_first


class Worker:
    """What the scheduler talks to: records the tests it is sent."""

    def __init__(self, name: str):
        self.gateway = SimpleNamespace(id=name)
        self.sent: list[int] = []
        self.shutting_down = False

    def send_runtest_some(self, indices) -> None:
        self.sent += indices


def first_slices(count: int, workers: int) -> list[int]:
    """How many tests each worker gets at the start from the installed worksteal scheduler."""
    config = SimpleNamespace(getvalue=lambda name: [f"{workers}*popen"])
    scheduler = WorkStealingScheduling(config)
    nodes = [Worker(f"gw{i}") for i in range(workers)]
    for node in nodes:
        scheduler.add_node(node)
        scheduler.add_node_collection(node, [f"t{i}" for i in range(count)])
    scheduler.schedule()
    return [len(node.sent) for node in nodes]


@pytest.mark.parametrize(("count", "workers"), [(1424, 2), (1166, 3), (41, 4), (3, 1)])
def test_the_slices_are_the_ones_worksteal_hands_out_first(count, workers):
    assert slices(count, workers) == first_slices(count, workers)


def slow(item: str) -> bool:
    return item.startswith("slow")


def module(item: str) -> str:
    return item.split("::")[0]


def test_each_worker_starts_on_its_share_of_the_slow_modules():
    items = [f"fast{i}" for i in range(20)] + ["slow-a::1", "slow-b::1", "slow-a::2", "slow-c::1"]
    ordered = slow_first(items, slow, 2, module)
    first, second = ordered[:12], ordered[12:]  # slices(24, 2) == [12, 12]
    assert first[:3] == ["slow-a::1", "slow-a::2", "slow-c::1"]
    assert second[0] == "slow-b::1"
    assert not any(slow(item) for item in first[3:] + second[1:])
    assert sorted(ordered) == sorted(items)


def test_without_workers_the_slow_tests_come_first_in_their_order():
    items = ["a", "slow-b", "c", "slow-d"]
    assert slow_first(items, slow, 1, module) == ["slow-b", "slow-d", "a", "c"]


def test_a_module_with_more_slow_tests_than_a_slice_holds_keeps_them_all_together():
    items = ["slow::0", "slow::1", "slow::2", "fast"]
    assert slow_first(items, slow, 3, module) == items
