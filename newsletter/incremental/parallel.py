"""Spread independent, CPU-bound work over the machine's cores.

Markdown rendering and email formatting are pure Python, so threads would
take turns on one core; worker processes run truly in parallel. Workers are
forked, so they start in milliseconds and inherit everything already loaded
(modules, compiled templates, the work list itself): only the index of each
task goes to a worker and only its result comes back. Small batches run in
the calling process, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import _thread
import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

MIN_PARALLEL_MS = 150
"""Below this much estimated work, starting workers costs more than it saves."""

_task: Callable[[int], Any] | None = None
"""The function forked workers call; set only while a pool is running."""


def worker_count() -> int:
    """How many cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_all(task: Callable[[int], T], count: int, estimated_ms: float) -> list[T]:
    """Return ``[task(0), ..., task(count - 1)]``, computed across cores when worthwhile.

    A task that fails in a worker is run again in this process, so that it
    fails exactly as it would without workers: not every exception survives
    the trip back from a worker intact.
    """
    workers = min(worker_count(), count)
    if workers < 2 or estimated_ms < MIN_PARALLEL_MS or not _can_fork():
        return [task(index) for index in range(count)]
    global _task
    _task = task
    chunks = workers * 8  # several per worker even out tasks of uneven cost
    order = _interleaved(count, chunks)
    try:
        # Workers share this process's memory until they write to it; their cycle collector would
        # write to every object it walks, copying nearly all of it. Frozen objects are not walked.
        with multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker) as pool:
            mapped = pool.map(_run_task, order, chunksize=-(-count // chunks))
    finally:
        _task = None
    results: list[Any] = [None] * count
    for index, result in zip(order, mapped, strict=True):
        results[index] = task(index) if isinstance(result, _Failed) else result
    return results


def _start_worker() -> None:
    """Prepare a forked worker: its parent's objects frozen, and the default answer to SIGTERM.

    The parent may treat SIGTERM as Ctrl-C; a worker is ended with SIGTERM
    when the pool closes, and must simply stop.
    """
    gc.freeze()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _interleaved(count: int, chunks: int) -> list[int]:
    """``range(count)`` reordered so that each of ``chunks`` consecutive slices samples the whole range.

    Tasks of one kind, and so of like cost, tend to sit together (all the
    email editions, then all the pages), and a worker handed a slice of
    expensive ones would finish long after the others.
    """
    return [index for start in range(chunks) for index in range(start, count, chunks)]


def _can_fork() -> bool:
    """Forking is possible, and safe: no other thread can be holding a lock the child needs."""
    return "fork" in multiprocessing.get_all_start_methods() and _other_threads() == 0


def _other_threads() -> int:
    """How many Python threads besides this one are running, counting those ``threading`` does not know of.

    A thread started with ``_thread`` (as some libraries do) is invisible to
    ``threading.active_count``, and a fork while it holds a lock leaves the
    child waiting for ever; ``_thread._count`` sees every Python thread.
    """
    return max(_thread._count(), threading.active_count() - 1)


class _Failed:
    """What a worker returns for a task that raised."""


def _run_task(index: int) -> Any:
    assert _task is not None
    try:
        return _task(index)
    except Exception:  # raised again, with its real type and traceback, by the parent
        return _Failed()
