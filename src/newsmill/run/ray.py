"""The Ray executor (``pip install newsmill[ray]``): the same tasks on a Ray cluster.

Ray is imported here only, when this executor is chosen. Without ``--address`` a
private single-machine Ray is started on 127.0.0.1 with ``num_cpus`` workers and no
dashboard; with ``--address ray://HOST:10001`` (or ``auto``) the run joins a running
cluster. Tasks take one CPU each; a task whose worker died, or that raised, is submitted
again. Enrichment runs on actors, one per worker, each loading the NLP model once.
The dedup shuffle goes through hash-partitioned files in the dataset folder, never
through Ray Data.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import Any

from newsmill.errors import NewsmillError
from newsmill.run.executor import MAX_ATTEMPTS, Done, give_up
from newsmill.run.faults import ENV as FAULTS_ENV
from newsmill.run.tasks import Task, run_task

log = logging.getLogger(__name__)

#: Object store size for a private local Ray: tasks pass file names, not data.
OBJECT_STORE_BYTES = 200 * 1024 * 1024


def _ray() -> Any:
    try:
        import ray
    except ImportError as e:
        raise NewsmillError("the ray executor needs Ray: pip install 'newsmill[ray]'") from e
    return ray


def _fault_env() -> dict[str, Any]:
    """Workers of a running Ray do not see the driver's environment: pass the test hook."""
    if FAULTS_ENV not in os.environ:
        return {}
    return {"runtime_env": {"env_vars": {FAULTS_ENV: os.environ[FAULTS_ENV]}}}


class _ModelWorker:
    """An actor that keeps the NLP model loaded between the tasks it runs."""

    def __init__(self, model: str) -> None:
        from newsmill.enrich.nlp import load_pipeline

        load_pipeline(model)

    def run(self, task: Task, attempt: int) -> dict[str, Any]:
        return run_task(task, attempt)


class RayExecutor:
    name = "ray"

    def __init__(
        self,
        workers: int | None = None,
        address: str | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        model: str | None = None,
    ) -> None:
        self.ray = _ray()
        self.max_attempts = max_attempts
        self.model = model
        self._started_here = False
        if not self.ray.is_initialized():
            self._init(workers, address)
        self.workers = workers or int(self.ray.cluster_resources().get("CPU", 1))
        self._remote = self.ray.remote(num_cpus=1, max_retries=0)(run_task)
        self._actors: list[Any] = []

    def _init(self, workers: int | None, address: str | None) -> None:
        os.environ.setdefault("RAY_AUTH_MODE", "disabled")
        if address:
            self.ray.init(address=address, log_to_driver=False, configure_logging=False)
        else:
            self.ray.init(
                num_cpus=workers or os.cpu_count(),
                include_dashboard=False,
                object_store_memory=OBJECT_STORE_BYTES,
                log_to_driver=False,
                configure_logging=False,
                _node_ip_address="127.0.0.1",
            )
        self._started_here = True

    def run(self, tasks: Sequence[Task], done: Done) -> None:
        if any(task.uses_model for task in tasks):
            self._run_on_actors(tasks, done)
            return
        attempts = dict.fromkeys(range(len(tasks)), 1)
        remote = self._remote.options(**_fault_env())
        refs = {remote.remote(task, 1): i for i, task in enumerate(tasks)}
        while refs:
            ready, _ = self.ray.wait(list(refs), num_returns=1)
            index = refs.pop(ready[0])
            try:
                stats = self.ray.get(ready[0])
            except (self.ray.exceptions.RayError, OSError) as e:
                attempts[index] += 1
                self._check(tasks[index], attempts[index], e)
                refs[remote.remote(tasks[index], attempts[index])] = index
                continue
            done(tasks[index], stats)

    def _run_on_actors(self, tasks: Sequence[Task], done: Done) -> None:
        """Actors for one stage: each holds a CPU while it lives, so they go when it ends."""
        self._actors = [self._actor() for _ in range(self.workers)]
        try:
            self._feed_actors(tasks, done)
        finally:
            self._kill_actors()

    def _feed_actors(self, tasks: Sequence[Task], done: Done) -> None:
        """One task at a time per actor; a dead actor is replaced and its task retried."""
        queue = list(range(len(tasks)))[::-1]
        attempts = dict.fromkeys(range(len(tasks)), 0)
        running: dict[Any, tuple[int, int]] = {}  # ref -> (task index, actor slot)
        idle = list(range(len(self._actors)))
        while queue or running:
            while queue and idle:
                index, slot = queue.pop(), idle.pop()
                attempts[index] += 1
                ref = self._actors[slot].run.remote(tasks[index], attempts[index])
                running[ref] = (index, slot)
            ready, _ = self.ray.wait(list(running), num_returns=1)
            index, slot = running.pop(ready[0])
            try:
                stats = self.ray.get(ready[0])
            except (self.ray.exceptions.RayError, OSError) as e:
                self._check(tasks[index], attempts[index] + 1, e)
                if isinstance(e, self.ray.exceptions.RayActorError):
                    self._actors[slot] = self._actor()
                queue.append(index)
            else:
                done(tasks[index], stats)
            idle.append(slot)

    def _actor(self) -> Any:
        actor_class = self.ray.remote(num_cpus=1, max_restarts=0)(_ModelWorker)
        return actor_class.options(**_fault_env()).remote(self.model or "")

    def _check(self, task: Task, attempt: int, error: BaseException) -> None:
        if attempt > self.max_attempts:
            raise give_up(task, attempt - 1, error) from error
        log.warning("%s %s failed (%s): retrying", task.stage, task.unit, type(error).__name__)

    def _kill_actors(self) -> None:
        for actor in self._actors:
            self.ray.kill(actor)
        self._actors = []

    def close(self) -> None:
        self._kill_actors()
        if self._started_here:
            self.ray.shutdown()
