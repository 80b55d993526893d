"""Spreading work over worker processes: same results, in order, and even shares."""

from __future__ import annotations

import os

import pytest

from newsletter.incremental import parallel


@pytest.fixture
def two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PARALLEL_MS", 0)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)


@pytest.mark.parametrize("count", [2, 3, 17, 100, 1001])
def test_results_come_back_in_task_order(two_workers: None, count: int) -> None:
    parent = os.getpid()
    results = parallel.run_all(lambda index: (index * index, os.getpid() != parent), count, 1000)
    assert [square for square, _ in results] == [index * index for index in range(count)]
    assert all(in_worker for _, in_worker in results)


@pytest.mark.parametrize("count", [1, 5, 16, 17, 160, 2447])
@pytest.mark.parametrize("chunks", [2, 16])
def test_a_run_of_like_tasks_is_shared_between_chunks(count: int, chunks: int) -> None:
    order = parallel._interleaved(count, chunks)
    assert sorted(order) == list(range(count))
    size = -(-count // chunks)
    slices = [set(order[start : start + size]) for start in range(0, count, size)]
    # Wherever a run of expensive tasks sits (here: the last tenth), no slice gets much more
    # than its share of it.
    expensive = set(range(count - count // 10, count))
    share = -(-len(expensive) // chunks)
    assert all(len(piece & expensive) <= share + 1 for piece in slices)


def test_no_fork_while_a_thread_unknown_to_threading_runs() -> None:
    """A thread started with ``_thread`` (as execnet does) is not in ``threading.active_count``."""
    import _thread
    import threading

    started, release = threading.Event(), threading.Event()

    def wait() -> None:
        started.set()
        release.wait(10)

    _thread.start_new_thread(wait, ())
    started.wait(10)
    try:
        assert threading.active_count() == 1
        assert not parallel._can_fork()
    finally:
        release.set()
