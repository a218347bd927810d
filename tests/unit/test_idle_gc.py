"""The collector's long passes wait for a quiet moment, and then do free what they must."""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.runtime.idle_gc import IdleCollecting, IdleCollector


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def manual_collection() -> Iterator[None]:
    """No automatic collection may reset the generation counts a test sets up."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.fixture
def young_collection_done() -> None:
    """Something was promoted out of the young generation since the last full collection."""
    gc.collect()
    gc.collect(0)


def test_nothing_is_collected_while_requests_keep_coming(young_collection_done: None) -> None:
    clock, runs = Clock(), []
    collector = IdleCollector(quiet_seconds=0.5, clock=clock, collect=lambda: runs.append(1))
    for _ in range(5):
        clock.now += 0.3
        collector.touch()
        assert not collector.tick()
    clock.now += 0.6
    assert collector.tick()
    assert runs == [1]


def test_a_quiet_server_with_nothing_promoted_does_not_collect() -> None:
    clock, runs = Clock(), []
    collector = IdleCollector(quiet_seconds=0.5, clock=clock, collect=lambda: runs.append(1))
    gc.collect()  # the older generations are empty of anything new
    clock.now += 10
    assert not collector.tick()
    assert runs == []


class Node:
    def __init__(self) -> None:
        self.other: Any = self


def test_a_cycle_that_outlived_a_young_collection_is_freed_once_quiet() -> None:
    gc.collect()
    cycle = Node()
    alive = weakref.ref(cycle)
    gc.collect(0)  # the cycle survives a young collection: promoted
    del cycle
    gc.collect(0)  # young collections alone no longer look at it
    assert alive() is not None
    clock = Clock()
    collector = IdleCollector(quiet_seconds=0.5, clock=clock)
    clock.now += 1
    assert collector.tick()
    assert alive() is None


def test_the_middleware_notes_arrivals_and_starts_one_collecting_thread() -> None:
    clock = Clock()
    collector = IdleCollector(clock=clock)
    started: list[object] = []
    collector.run_forever = lambda: started.append(1)  # type: ignore[method-assign]
    app = IdleCollecting(lambda environ, start_response: [b"ok"], collector)
    for moment in (101.0, 102.0):
        clock.now = moment
        assert list(app({}, lambda *args: None)) == [b"ok"]
        assert collector.last_activity == moment
    for _ in range(100):  # the thread runs its (stand-in) loop soon after it starts
        if started:
            break
        time.sleep(0.01)
    assert started == [1]
