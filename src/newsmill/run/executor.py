"""What every executor offers the pipeline: run a list of tasks, report each one done.

Executors know nothing of news: they run `run.tasks.Task`s, retry a task whose worker
died or that raised, and call back with each task's stats as it completes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from newsmill.errors import NewsmillError
from newsmill.run.tasks import Task

#: Attempts per task before the run stops (a worker killed mid-task counts as one).
MAX_ATTEMPTS = 3

Done = Callable[[Task, dict[str, Any]], None]


class RunError(NewsmillError):
    """A task kept failing after every retry."""


class Executor(Protocol):
    name: str
    workers: int

    def run(self, tasks: Sequence[Task], done: Done) -> None: ...

    def close(self) -> None: ...


def give_up(task: Task, attempts: int, error: BaseException) -> RunError:
    return RunError(
        f"{task.stage} {task.unit} failed {attempts} times, last: {type(error).__name__}: {error}; "
        "completed shards are kept, so run the same command again to resume"
    )
