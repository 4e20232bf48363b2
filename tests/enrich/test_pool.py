"""Forked workers: results in order, errors raised here, and no child process left behind."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator

import pytest

from newsmill.enrich.pool import WorkerError, map_batches


def _square_all(batch: list[int]) -> list[int]:
    return [number * number for number in batch]


def _fail_on_seven(batch: list[int]) -> list[int]:
    if 7 in batch:
        raise ValueError("seven is not allowed")
    return batch


def _pid(batch: list[int]) -> int:
    return os.getpid()


def _unpicklable(batch: list[int]) -> object:
    return lambda: batch


def test_results_come_back_in_order() -> None:
    threads = threading.active_count()
    batches = [[i, i + 1] for i in range(0, 40, 2)]
    assert list(map_batches(_square_all, batches, 2)) == [_square_all(b) for b in batches]
    assert multiprocessing.active_children() == []
    assert threading.active_count() == threads  # the queues' feeder thread is done too


def test_work_runs_in_the_workers() -> None:
    pids = set(map_batches(_pid, iter([[i] for i in range(12)]), 2))
    assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_nothing_to_do_forks_nothing() -> None:
    assert list(map_batches(_square_all, [], 2)) == []
    assert multiprocessing.active_children() == []


def test_a_failing_batch_raises_here_and_stops_the_workers() -> None:
    batches = ([i] for i in range(20))
    with pytest.raises(WorkerError, match="seven is not allowed"):
        list(map_batches(_fail_on_seven, batches, 2))
    assert multiprocessing.active_children() == []


def test_a_result_that_cannot_travel_is_an_error_not_a_hang() -> None:
    with pytest.raises(WorkerError, match="pickle"):
        list(map_batches(_unpicklable, [[1], [2]], 2))
    assert multiprocessing.active_children() == []


def test_stopping_early_stops_the_workers() -> None:
    results = map_batches(_square_all, ([i] for i in range(1000)), 2)
    assert next(results) == [0]
    assert multiprocessing.active_children() != []
    results.close()
    assert multiprocessing.active_children() == []


def _die(batch: list[int]) -> list[int]:
    os._exit(3)


def _interrupted(count: int) -> Iterator[list[int]]:
    yield from ([i] for i in range(count))
    raise KeyboardInterrupt  # what Ctrl-C raises in this process while it reads input


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    with pytest.raises(WorkerError, match="exit code 3"):
        list(map_batches(_die, [[1], [2]], 2))
    assert multiprocessing.active_children() == []


def test_ctrl_c_here_stops_the_workers() -> None:
    with pytest.raises(KeyboardInterrupt):
        list(map_batches(_square_all, _interrupted(10), 2))
    assert multiprocessing.active_children() == []
