"""The default executor: a pool of worker processes on this machine.

Workers are started with ``spawn`` (no state inherited from the driver) and kept for the
whole run, so a model loaded by a worker stays loaded. When a worker dies (killed, out of
memory) the pool breaks: a new pool is started and every unfinished task is submitted
again, up to `MAX_ATTEMPTS` times. A task that raises is retried the same way.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from newsmill.run.executor import MAX_ATTEMPTS, Done, give_up
from newsmill.run.tasks import Task, run_task

log = logging.getLogger(__name__)


def default_workers() -> int:
    return max(len(os.sched_getaffinity(0)), 1)


class LocalExecutor:
    name = "local"

    def __init__(self, workers: int | None = None, max_attempts: int = MAX_ATTEMPTS) -> None:
        self.workers = workers or default_workers()
        self.max_attempts = max_attempts
        self._pool: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        return self._pool

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None

    def run(self, tasks: Sequence[Task], done: Done) -> None:
        attempts: Counter[int] = Counter()
        pending = list(range(len(tasks)))
        while pending:
            pool = self._start()
            futures: dict[Future[dict[str, object]], int] = {}
            for index in pending:
                attempts[index] += 1
                futures[pool.submit(run_task, tasks[index], attempts[index])] = index
            pending = self._collect(tasks, futures, attempts, done)

    def _collect(
        self,
        tasks: Sequence[Task],
        futures: dict[Future[dict[str, object]], int],
        attempts: Counter[int],
        done: Done,
    ) -> list[int]:
        """Wait for every future; return the tasks to submit again."""
        retry: list[int] = []
        broken = False
        waiting = set(futures)
        while waiting:
            finished, waiting = wait(waiting, return_when=FIRST_COMPLETED)
            for future in finished:
                index = futures[future]
                task = tasks[index]
                try:
                    stats = future.result()
                except BrokenProcessPool as e:
                    broken = True
                    self._retry(task, attempts[index], e, retry, index)
                except Exception as e:  # the task raised: retry it, then give up
                    log.warning("%s %s raised %s: retrying", task.stage, task.unit, e)
                    self._retry(task, attempts[index], e, retry, index)
                else:
                    done(task, stats)
        if broken:
            log.warning("a worker died: restarting the pool for %d tasks", len(retry))
            self._restart()
        return sorted(retry)

    def _retry(
        self, task: Task, attempt: int, error: BaseException, retry: list[int], index: int
    ) -> None:
        if attempt >= self.max_attempts:
            self._restart()
            raise give_up(task, attempt, error) from error
        retry.append(index)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
