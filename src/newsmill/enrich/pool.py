"""Running one function over batches in forked worker processes, results in order.

`map_batches(work, batches, processes)` yields `work(batch)` for each batch, in the order
of the batches, computed by that many processes forked from this one. Forking (not
spawning) is the point: a worker inherits whatever `work` holds, a loaded spaCy pipeline
included, without pickling or loading it again. Only batches and results cross between
processes, pickled.

Batches are read lazily and handed out as workers ask for them: this process keeps at
most `IN_FLIGHT_PER_WORKER` batches per worker queued, so a slow batch on one worker
does not leave the other idle, and a long stream is never read into memory at once.

This module knows nothing of news. The workers end with the generator: when it is
exhausted, closed early, or left by an exception (a failing batch, Ctrl-C), no child
process is left behind. A batch that raises in a worker ends the run with `WorkerError`.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.context import ForkContext, ForkProcess
from typing import Any, Generic, TypeVar

from newsmill.errors import NewsmillError

Batch = TypeVar("Batch")
Result = TypeVar("Result")

#: Batches queued per worker: one being worked on, one ready for when it is done.
IN_FLIGHT_PER_WORKER = 2
#: Seconds between checks that no worker died while this process waits for a result.
POLL_SECONDS = 1.0
#: Marks the end of the batches (a batch may be anything, None included).
_END: Any = object()
#: `prctl` option: the signal a process gets when its parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1
#: Seconds a worker gets to exit after its last batch before it is terminated.
EXIT_SECONDS = 5.0


class WorkerError(NewsmillError):
    """A worker process failed on a batch, or died."""


def can_fork() -> bool:
    """Whether this platform forks workers safely: not Windows (no fork), nor macOS, whose
    system libraries are not fork-safe (Python spawns there by default)."""
    return "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"


def batched(items: Iterable[Batch], size: int) -> Iterator[list[Batch]]:
    """Lists of `size` items (the last one shorter), read lazily."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def map_batches(
    work: Callable[[Batch], Result], batches: Iterable[Batch], processes: int
) -> Iterator[Result]:
    """`work(batch)` for every batch, in order, computed in `processes` forked workers."""
    pool = _Pool(work, processes)
    try:
        yield from pool.results(iter(batches))
        pool.finish()
    finally:
        pool.stop()


@dataclass(slots=True)
class _Outcome:
    """What a worker sends back for one batch: its result, or the error it raised."""

    index: int
    result: Any = None
    error: str | None = None


@dataclass
class _Pool(Generic[Batch, Result]):
    work: Callable[[Batch], Result]
    processes: int
    context: ForkContext = field(default_factory=lambda: multiprocessing.get_context("fork"))
    workers: list[ForkProcess] = field(default_factory=list)
    finished: bool = False  # every batch done and every worker told to exit

    def __post_init__(self) -> None:
        # Both queues carry bytes pickled by the sender itself, not by the queue's feeder
        # thread, which would drop an object it cannot pickle and leave the run waiting.
        self.tasks: multiprocessing.Queue[bytes | None] = self.context.Queue()
        self.done: multiprocessing.Queue[bytes] = self.context.Queue()

    def results(self, batches: Iterator[Batch]) -> Iterator[Result]:
        first = list(itertools.islice(batches, IN_FLIGHT_PER_WORKER * self.processes))
        if not first:
            return  # nothing to do: fork nothing
        self._start()  # before the queue's feeder thread exists: fork with one thread
        for index, batch in enumerate(first):
            self._put(index, batch)
        sent = len(first)
        ready: dict[int, Result] = {}
        for index in itertools.count():
            if index == sent:
                return
            while index not in ready:
                outcome = self._receive()
                ready[outcome.index] = outcome.result
                sent += self._send(batches, sent)
            yield ready.pop(index)

    def _send(self, batches: Iterator[Batch], index: int) -> int:
        """Queue the next batch, if there is one, as number `index`; how many were sent."""
        batch = next(batches, _END)
        if batch is _END:
            return 0
        self._put(index, batch)
        return 1

    def _put(self, index: int, batch: Batch) -> None:
        self.tasks.put(pickle.dumps((index, batch), pickle.HIGHEST_PROTOCOL))

    def _start(self) -> None:
        for _ in range(self.processes):
            worker = self.context.Process(
                target=_serve, args=(self.work, self.tasks, self.done, os.getpid()), daemon=True
            )
            worker.start()
            self.workers.append(worker)

    def _receive(self) -> _Outcome:
        while True:
            try:
                outcome: _Outcome = pickle.loads(self.done.get(timeout=POLL_SECONDS))
            except queue.Empty:
                self._check_alive()
                continue
            if outcome.error is not None:
                raise WorkerError(f"a worker process failed:\n{outcome.error}")
            return outcome

    def _check_alive(self) -> None:
        for worker in self.workers:
            if worker.exitcode is not None:
                raise WorkerError(f"a worker process died (exit code {worker.exitcode})")

    def finish(self) -> None:
        """Ask every worker to exit after its last batch, and wait for it."""
        for _ in self.workers:
            self.tasks.put(None)
        for worker in self.workers:
            worker.join(EXIT_SECONDS)
        self.finished = True

    def stop(self) -> None:
        """Terminate the workers still running, and reap them all (also on errors)."""
        for worker in self.workers:
            if worker.exitcode is None:
                worker.terminate()
        for worker in self.workers:
            worker.join()
            worker.close()
        for channel in (self.tasks, self.done):
            channel.close()
            if self.finished:
                channel.join_thread()  # the workers read everything: no thread left behind
            else:
                channel.cancel_join_thread()  # a dead reader must not hang this process
        self.workers.clear()


def _serve(
    work: Callable[[Batch], Result],
    tasks: multiprocessing.Queue[bytes | None],
    done: multiprocessing.Queue[bytes],
    parent: int,
) -> None:
    """A worker: run `work` on each batch until told to stop or the parent is gone.

    Ctrl-C is left to the parent, which then terminates its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with(parent)
    gc.freeze()  # what the parent left is never garbage here: scanning it only copies pages
    while (task := _next_task(tasks, parent)) is not None:
        index, batch = pickle.loads(task)
        outcome, failed = _outcome(work, index, batch)
        done.put(outcome)
        if failed:
            break
    done.close()
    if os.getppid() == parent:
        done.join_thread()  # every outcome is in the pipe before this process exits
    else:
        done.cancel_join_thread()  # nobody reads them any more


def _end_with(parent: int) -> None:
    """On Linux, have the kernel end this worker when the parent process dies, even mid-
    message (killed): a worker reading half a task would wait for the rest for ever."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _next_task(tasks: multiprocessing.Queue[bytes | None], parent: int) -> bytes | None:
    """The next pickled task; None when told to stop, or when the parent process died
    without telling (killed), so that no worker outlives it for long."""
    while os.getppid() == parent:
        try:
            return tasks.get(timeout=POLL_SECONDS)
        except queue.Empty:
            continue
    return None


def _outcome(work: Callable[[Batch], Result], index: int, batch: Batch) -> tuple[bytes, bool]:
    """`work(batch)` as a pickled `_Outcome` (its result, or the error it raised), and
    whether it failed."""
    try:
        return pickle.dumps(_Outcome(index, work(batch)), pickle.HIGHEST_PROTOCOL), False
    except Exception:  # sent to the parent, which raises WorkerError
        return pickle.dumps(_Outcome(index, error=traceback.format_exc())), True
